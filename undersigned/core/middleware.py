"""Response headers for every page, and the language chosen by the reader."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
EMBEDDABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


class SecurityHeadersMiddleware:
    """Strict CSP, no referrer, no powerful browser features.

    Responses marked `embeddable` may be framed by other sites.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        embeddable = getattr(response, "embeddable", False)
        response.headers.setdefault(
            "Content-Security-Policy", EMBEDDABLE_POLICY if embeddable else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if embeddable:
            # The clickjacking middleware sits below this one and has already answered DENY.
            response.headers.pop("X-Frame-Options", None)
        return response


class NullOriginMiddleware:
    """Drop `Origin: null` before the CSRF check.

    With `Referrer-Policy: no-referrer`, browsers send `Origin: null` on same-site
    form posts. The CSRF token (from a SameSite cookie) still has to match, so the
    post stays protected; only the origin comparison, which cannot succeed, is skipped.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("HTTP_ORIGIN") == "null":
            del request.META["HTTP_ORIGIN"]
        return self.get_response(request)


LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


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
        response = self.get_response(request)
        if request.GET.get("lang") in LANGUAGE_CODES:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=settings.SECURE,
            )
        response.headers.setdefault("Content-Language", language)
        if "Vary" in response.headers:
            response.headers["Vary"] += ", Accept-Language, Cookie"
        else:
            response.headers["Vary"] = "Accept-Language, Cookie"
        return response
