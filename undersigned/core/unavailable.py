"""A clear 503 page, in the site's look, while the database or the cache cannot be reached.

The page names no detail of the failure; the log names only its class. The
service recovers by itself: the next request gets a fresh pooled connection.
"""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest | None) -> HttpResponse:
    context = {
        "title": _("Temporarily unavailable"),
        "message": _(
            "The site cannot reach its storage for a moment. If you were signing, please "
            "send the form again in a minute: a signature is never counted twice."
        ),
    }
    try:
        body: str = render_to_string("web/error.html", context, request=request)
    except Exception:  # the page itself must never fail
        body = f"<!doctype html><title>503</title><h1>{context['title']}</h1>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGES):
            return None
        return outage_response(request, exception)


def outage_response(request: HttpRequest, outage: Exception) -> HttpResponse:
    """The 503 page for an outage, logged by its class alone."""
    log.warning("storage unavailable: %s", type(outage).__name__)
    return service_unavailable(request)
