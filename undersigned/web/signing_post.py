"""The signing post, answered beside Django's request cycle.

Nine signers in ten send one post: a valid form, confirmed on its own page. At the rate
of a mass petition, Django's handler, its middleware chain and its URL resolver cost
that post about as much as its form does. `answer` takes such a post straight to the
view's own code (`views.sign_in_one_step`): the same CSRF check, language, rules and
outcome, and the same headers added on the way out, by the same middleware's code.

Anything else, and any post it is not sure of, it declines before a thing is counted or
stored, and Django's handler answers it from the start, as every other request.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.core import signals
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_script_name
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix
from django.utils import translation
from django.utils.log import log_response

from undersigned.core.middleware import (
    CsrfMiddleware,
    add_language_headers,
    add_security_headers,
    choose_language,
)
from undersigned.core.unavailable import OUTAGES, outage_response
from undersigned.web import views

# web/urls.py's `c/<slug:slug>/sign/`.
SIGN_PATH = re.compile(r"/c/(?P<slug>[-a-zA-Z0-9_]+)/sign/")
# settings.MIDDLEWARE as this module applies it; a test holds the two together.
MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "undersigned.core.middleware.SecurityHeadersMiddleware",
    "undersigned.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "undersigned.core.middleware.CsrfMiddleware",
    "undersigned.desk.middleware.DeskMiddleware",  # nothing outside /desk/
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "undersigned.core.unavailable.ServiceUnavailableMiddleware",  # see _answer's except
)


def _never(request: HttpRequest) -> HttpResponse:
    raise AssertionError("used for its methods only")


class _CsrfCheck(CsrfMiddleware):
    """The CSRF middleware's own check. A refusal is not logged here: the post is then
    declined, and Django's handler refuses it again and logs it once."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponseForbidden:
        return HttpResponseForbidden()


@dataclass(frozen=True)
class _Middleware:
    """The instances whose methods the post goes through. Like Django's handler, they read
    their settings once; a test's changed settings make new ones."""

    security: SecurityMiddleware
    common: CommonMiddleware
    csrf: _CsrfCheck
    frames: XFrameOptionsMiddleware


@lru_cache(maxsize=1)
def _middleware() -> _Middleware:
    return _Middleware(
        SecurityMiddleware(_never),
        CommonMiddleware(_never),
        _CsrfCheck(_never),
        XFrameOptionsMiddleware(_never),
    )


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    _middleware.cache_clear()


def answer(environ: dict[str, Any]) -> HttpResponse | None:
    """The response to a signing post taken in one step, or None: Django's to answer."""
    if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
        return None
    match = SIGN_PATH.fullmatch(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # None: no limit
    if length <= 0 or (limit is not None and length > limit):
        return None
    body = environ["wsgi.input"].read(length)
    # A request of its own: its META is the environ, which the CSRF check may change.
    request = WSGIRequest({**environ, "wsgi.input": io.BytesIO(body)})
    response = _answer(request, match["slug"])
    if response is None:
        environ["wsgi.input"] = io.BytesIO(body)  # declined: Django's handler reads it
        return None
    response._resource_closers.append(request.close)  # type: ignore[attr-defined]
    # Closing it sends request_finished, as for any response: connections go back.
    response._handler_class = WSGIHandler  # type: ignore[attr-defined]
    return response


def _answer(request: WSGIRequest, slug: str) -> HttpResponse | None:
    signals.request_started.send(sender=WSGIHandler, environ=request.environ)
    set_script_prefix(get_script_name(request.environ))
    language = choose_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
    response: HttpResponse | None
    middleware = _middleware()
    try:
        # Each middleware's own check on the way in, in settings.MIDDLEWARE's order; one
        # that would answer itself (a redirect to HTTPS, say) leaves the post to Django.
        if middleware.security.process_request(request) or middleware.common.process_request(
            request
        ):
            return None
        middleware.csrf.process_request(request)
        if middleware.csrf.process_view(request, views.sign, (), {"slug": slug}) is not None:
            return None
        response = views.sign_in_one_step(request, slug)
    except OUTAGES as outage:
        response = outage_response(request, outage)
    except Exception as exc:  # answered as Django's handler answers it
        response = response_for_exception(request, exc)
    if response is None:
        return None
    # On the way out, innermost first, as settings.MIDDLEWARE would.
    response = cast(HttpResponse, middleware.frames.process_response(request, response))
    response = cast(HttpResponse, middleware.csrf.process_response(request, response))
    response = cast(HttpResponse, middleware.common.process_response(request, response))
    response = add_language_headers(request, response, language)
    response = add_security_headers(request, response)
    response = middleware.security.process_response(request, response)
    if response.status_code >= 400:
        log_response(
            "%s: %s", response.reason_phrase, request.path, response=response, request=request
        )
    return response


def wsgi_response(response: HttpResponse, start_response: Callable[..., Any]) -> list[bytes]:
    """Start `response` as Django's WSGI handler would, its body as one item."""
    start_response(
        f"{response.status_code} {response.reason_phrase}",
        [
            *response.items(),
            *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
        ],
    )
    try:
        return [response.content]
    finally:
        response.close()
