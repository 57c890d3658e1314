"""HTTP manners of the public API: CORS for reads, ETags, cache headers, 304s, and where
a write may come from."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

PUBLIC_MAX_AGE = 30


def body_etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:40] + '"'


def etag_matches(request: HttpRequest, etag: str) -> bool:
    asked = request.headers.get("If-None-Match", "")
    if not asked:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in asked.split(",")}
    return "*" in tags or etag in tags


def public_read(
    max_age: int = PUBLIC_MAX_AGE,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Mark a read-only operation public: any origin may read it, caches may keep it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            if response.status_code != 200:
                return response
            etag = body_etag(response.content)
            patch_cache_control(response, public=True, max_age=max_age)
            patch_vary_headers(response, ["Accept-Language"])
            if etag_matches(request, etag):
                not_modified = HttpResponseNotModified()
                for header in ("Cache-Control", "Vary", "Access-Control-Allow-Origin"):
                    not_modified[header] = response[header]
                response = not_modified
            response["ETag"] = etag
            return response

        return wrapper

    return decorator


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Staff answers are never cached by anyone."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapper


JSON = "application/json"
# What a browser says in Sec-Fetch-Site (no page can set it) of a request another site's
# page made: the web form refuses the same (undersigned.core.middleware).
CROSS_SITE = ("cross-site", "same-site")
FROM_ANOTHER_SITE = (
    "signatures are taken from this site's own pages and from API clients, "
    "not from a page of another site"
)
NOT_JSON = "send the signature as JSON, with Content-Type: application/json"


def _from_another_site(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    if fetch_site in CROSS_SITE:
        return True
    origin = request.headers.get("Origin")
    if origin is None:  # an API client, or a browser that names no origin
        return False
    if origin == "null":  # a browser withholding it: only its own word of the same origin
        return fetch_site != "same-origin"
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


def own_writes_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write taken only as JSON, and never from another site's page.

    Any page can make its visitors' browsers post to any address without asking first, but
    only as a form or as text: a JSON body needs the API's leave (a CORS preflight, which it
    never gives to writes). A browser also says where a request came from (`Sec-Fetch-Site`,
    `Origin`): from another site, refused, as the web form refuses it. API clients (curl, a
    script) send neither header and pass.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _from_another_site(request):
            return JsonResponse({"detail": FROM_ANOTHER_SITE}, status=403)
        if request.content_type != JSON:
            return JsonResponse({"detail": NOT_JSON}, status=415)
        return view(request, *args, **kwargs)

    return wrapper
