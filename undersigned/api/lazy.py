"""The API, loaded by an app server at the first request for it: one that serves only the
public site never loads django-ninja and pydantic (about 12 MB a worker process)."""

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import resolve, set_urlconf
from django.views.decorators.csrf import csrf_exempt

# The site's URLs with the API's among them, for the API's requests alone.
WITH_API = "undersigned.api.site_urls"


@csrf_exempt  # as django-ninja's own views are: the API checks what each endpoint needs
def api_view(request: HttpRequest) -> HttpResponseBase:
    set_urlconf(WITH_API)  # the API's views reverse their own names (reset per request)
    match = resolve(request.path_info, urlconf=WITH_API)
    request.resolver_match = match
    response: Any = match.func(request, *match.args, **match.kwargs)
    return response  # type: ignore[no-any-return]
