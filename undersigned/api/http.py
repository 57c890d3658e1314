"""HTTP manners of the public API: CORS for reads, ETags, cache headers, 304s."""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
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
