"""The site's URLs with the API's in place of the pattern that loads them: the URL
configuration of the API's requests (undersigned.api.lazy)."""

from django.urls import URLPattern, include, path

from undersigned.api.lazy import api_view
from undersigned.urls import urlpatterns as site

urlpatterns = [
    path("api/v1/", include("undersigned.api.urls")),
    *(p for p in site if not (isinstance(p, URLPattern) and p.callback is api_view)),
]
