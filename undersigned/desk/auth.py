"""The desk's gate: a signed-in, active staff account that passed its second factor.

Accounts without a confirmed TOTP device are sent to enrol before anything else.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device

from undersigned.desk.middleware import DESK_PATH

View = Callable[..., HttpResponse]


def next_param(request: HttpRequest) -> str:
    """The page asked for before signing in, if it is a desk address of this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(DESK_PATH) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return ""


def safe_next(request: HttpRequest) -> str:
    """Where to go once signed in."""
    return next_param(request) or reverse("desk:home")


def with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def second_factor_step(user: Any) -> str:
    """The sign-in step a password-authenticated user still has to take."""
    return "desk:otp" if user_has_device(user, confirmed=True) else "desk:enrol"


def staff_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            target = request.get_full_path() if request.method == "GET" else ""
            return redirect(with_next("desk:login", target))
        if not user.is_verified():  # type: ignore[union-attr,attr-defined]  # django_otp's middleware adds it
            target = request.get_full_path() if request.method == "GET" else ""
            return redirect(with_next(second_factor_step(user), target))
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return wrapped
