"""Error pages in the site's look and language, with no detail that could help an attacker."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _page(request: HttpRequest | None, status: int, title: str, message: str) -> HttpResponse:
    try:
        body: str = render_to_string(
            "web/error.html", {"title": title, "message": message}, request=request
        )
    except Exception:
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return _page(
            request, 413, _("Too large"), _("What you sent is too large. Please shorten it.")
        )
    return _page(request, 400, _("Bad request"), _("The request could not be understood."))


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 403, _("Not allowed"), _("You do not have access to this page."))


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 404, _("Not found"), _("There is no such page."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(None, 500, _("Something went wrong"), _("Please try again in a minute."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        403,
        _("The form expired"),
        _("Please go back, reload the page and send the form again. Cookies must be allowed."),
    )
