"""Response headers for every page, and the language chosen by the reader."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
EMBEDDABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")

# Pages for one person (a receipt, the desk, a confirmation, the staff API): never stored
# by a browser, a proxy or the back button's cache.
PRIVATE_PREFIXES = ("/r/", "/desk/", "/confirm/", "/updates/", "/api/v1/staff/")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# `same-site` is another origin too: a sibling subdomain may be someone else's.
CROSS_SITE = ("cross-site", "same-site")


class SecurityHeadersMiddleware:
    """Strict CSP, no referrer, no powerful browser features; private pages never stored.

    Responses marked `embeddable` may be framed by other sites.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return add_security_headers(request, self.get_response(request))


def add_security_headers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """What `SecurityHeadersMiddleware` adds to a response on its way out."""
    embeddable = getattr(response, "embeddable", False)
    response.headers.setdefault(
        "Content-Security-Policy", EMBEDDABLE_POLICY if embeddable else CONTENT_SECURITY_POLICY
    )
    response.headers.setdefault(
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    )
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith(PRIVATE_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    if embeddable:
        # The clickjacking middleware sits below this one and has already answered DENY.
        response.headers.pop("X-Frame-Options", None)
    return response


class CsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, with the browser's Fetch Metadata where the referrer is withheld.

    The site sends `Referrer-Policy: no-referrer`, so browsers post forms with `Origin: null`
    and no Referer, and Django's origin and (over HTTPS) Referer checks cannot succeed. A
    browser's `Sec-Fetch-Site` header, which no page can set, says where the post came from
    instead: `same-origin` stands in for the missing origin and Referer, any other value is
    refused. The CSRF token from the SameSite cookie still has to match in every case.
    """

    def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> HttpResponseForbidden | None:
        exempt = getattr(callback, "csrf_exempt", False) or getattr(
            request, "_dont_enforce_csrf_checks", False
        )
        if request.method not in SAFE_METHODS and not exempt:
            fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "")
            if fetch_site in CROSS_SITE:
                return self._refuse(request, "Cross-site request (Sec-Fetch-Site).")
            if request.META.get("HTTP_ORIGIN") == "null":
                if fetch_site not in ("", "same-origin"):
                    return self._refuse(request, "Origin null from another site.")
                del request.META["HTTP_ORIGIN"]
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _refuse(self, request: HttpRequest, reason: str) -> HttpResponseForbidden:
        # Django's own rejection: its log line and CSRF_FAILURE_VIEW. The stubs omit it.
        return self._reject(request, reason)  # type: ignore[attr-defined,no-any-return]

    def _check_referer(self, request: HttpRequest) -> None:  # type: ignore[misc]  # private in the stubs
        if "HTTP_REFERER" not in request.META and (
            request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
        ):
            return
        super()._check_referer(request)  # type: ignore[misc]  # private in the stubs


LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}
# The name of the language buttons of a page with a form (the signing form, its check, a
# confirmation code): they post what the form holds to `?lang=`, so that a person who
# switches language keeps what they typed, and the view shows it again untried.
SWITCH_LANGUAGE = "switch_language"


def choose_language(request: HttpRequest) -> str:
    """`?lang=` wins, then the cookie it set, then the browser's Accept-Language."""
    asked = request.GET.get("lang", "")
    if asked in LANGUAGE_CODES:
        return asked
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if cookie in LANGUAGE_CODES:
        return cookie
    return translation.get_language_from_request(request) or settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return add_language_headers(request, self.get_response(request), language)


def add_language_headers(
    request: HttpRequest, response: HttpResponse, language: str
) -> HttpResponse:
    """What `LanguageMiddleware` adds to a response on its way out."""
    if request.GET.get("lang") in LANGUAGE_CODES:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SECURE,
        )
    response.headers.setdefault("Content-Language", language)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
