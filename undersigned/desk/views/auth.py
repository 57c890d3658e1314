"""Staff sign-in: password, then a TOTP code (enrolling a device on first sign-in, with the
one-time enrolment code handed over out of band); sign-out.

Failed passwords are counted per username, per client and per pair of the two
(undersigned.verification.throttle): past the limits the form asks for a captcha, and
only a pair is ever locked, so a flood of wrong passwords cannot lock out an account's
owner. Codes are counted per username; past the limit the form says how long to wait.
"""

import base64
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from undersigned.audit.actions import record
from undersigned.desk.auth import next_param, safe_next, second_factor_step, with_next
from undersigned.desk.enrolment import enrolment_code_matches, use_enrolment_code
from undersigned.desk.forms import EnrolmentCodeForm, LoginForm, TokenForm
from undersigned.desk.middleware import DESK_PATH
from undersigned.verification import throttle


def _too_many(seconds: int) -> str:
    return _("Too many attempts, try again in %(n)d minutes.") % {"n": throttle.minutes(seconds)}


def _user_ident(username: str) -> str:
    return username.strip().casefold()


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"form": LoginForm(), "next": next_param(request)}
    if request.method != "POST":
        return render(request, "desk/login.html", context)
    username = request.POST.get("username", "")
    guard = throttle.LoginGuard.for_request(request, username)
    wait = guard.wait_seconds()
    if wait:
        context["error"] = _too_many(wait)
        return render(request, "desk/login.html", context, status=429)
    form = context["form"] = LoginForm(request.POST, challenge=guard.captcha_due())
    if not form.is_valid():
        return render(request, "desk/login.html", context, status=400)
    user = authenticate(
        request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
    )
    if user is None or not user.is_active:
        guard.fail()
        context["form"] = LoginForm(initial={"username": username}, challenge=guard.captcha_due())
        context["error"] = _("Wrong username or password.")
        return render(request, "desk/login.html", context, status=400)
    guard.succeeded()
    auth_login(request, user)
    response = redirect(with_next(second_factor_step(user), next_param(request)))
    response.set_cookie(
        throttle.DEVICE_COOKIE,
        guard.device_cookie(),
        max_age=settings.DESK_DEVICE_DAYS * 86400,
        path=DESK_PATH,
        secure=settings.SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _password_user(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_active)


@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the enrolled authenticator app."""
    if not _password_user(request):
        return redirect("desk:login")
    user = request.user
    if user.is_verified():  # type: ignore[union-attr,attr-defined]  # django_otp's middleware adds it
        return redirect(safe_next(request))
    if not user_has_device(user, confirmed=True):
        return redirect(with_next("desk:enrol", next_param(request)))
    form = TokenForm(request.POST or None)
    context: dict[str, object] = {"form": form, "next": next_param(request)}
    if request.method != "POST":
        return render(request, "desk/otp.html", context)
    by_user = throttle.login_by_username()
    ident = _user_ident(user.get_username())
    wait = by_user.wait_seconds(ident)
    if wait:
        context["error"] = _too_many(wait)
        return render(request, "desk/otp.html", context, status=429)
    if form.is_valid():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                by_user.reset(ident)
                otp_login(request, device)
                return redirect(safe_next(request))
    by_user.fail(ident)
    context["error"] = _(
        "That code is not right. Check your device's clock and try the current code."
    )
    return render(request, "desk/otp.html", context, status=400)


def _qr_svg(uri: str) -> SafeString:
    # Loaded when a device is set up, not by every app server.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    # Our own SVG, built from our own data: no user input reaches it unescaped.
    return mark_safe(svg)  # noqa: S308


# The session of a signed-in account that has shown its enrolment code holds its id here.
ENROLMENT_PROVEN = "desk-enrolment-code-shown"


def _enrolment_code_step(request: HttpRequest, user: Any) -> HttpResponse:
    """Before any QR code: the one-time code handed over out of band (create_staff prints it)."""
    form = EnrolmentCodeForm(request.POST or None)
    context: dict[str, object] = {"form": form, "next": next_param(request)}
    if request.method != "POST":
        return render(request, "desk/enrol_code.html", context)
    by_user = throttle.login_by_username()
    ident = _user_ident(user.get_username())
    wait = by_user.wait_seconds(ident)
    if wait:
        context["error"] = _too_many(wait)
        return render(request, "desk/enrol_code.html", context, status=429)
    if form.is_valid() and enrolment_code_matches(user, form.cleaned_data["enrolment_code"]):
        request.session[ENROLMENT_PROVEN] = user.pk
        return redirect(with_next("desk:enrol", next_param(request)))
    by_user.fail(ident)
    context["error"] = _(
        "This enrolment code is not right, or it has expired. Ask the site's operator for a "
        "new one."
    )
    return render(request, "desk/enrol_code.html", context, status=400)


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: show the enrolment code, then add an authenticator app by scanning a
    QR code and prove it works."""
    if not _password_user(request):
        return redirect("desk:login")
    user = request.user
    if user_has_device(user, confirmed=True):
        return redirect(with_next("desk:otp", next_param(request)))
    if request.session.get(ENROLMENT_PROVEN) != user.pk:
        return _enrolment_code_step(request, user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="desk", confirmed=False)
    form = TokenForm(request.POST or None)
    status = 200
    error = ""
    if request.method == "POST":
        by_user = throttle.login_by_username()
        ident = _user_ident(user.get_username())
        wait = by_user.wait_seconds(ident)
        if wait:
            error, status = _too_many(wait), 429
        elif form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                use_enrolment_code(user)
                record("staff.second_factor_enrolled", device, actor=user)
            request.session.pop(ENROLMENT_PROVEN, None)
            by_user.reset(ident)
            otp_login(request, device)
            return redirect(safe_next(request))
        else:
            by_user.fail(ident)
            error, status = (
                _("That code is not right. Scan the QR code again and enter the current code."),
                400,
            )
    uri = device.config_url
    context = {
        "form": form,
        "error": error,
        "next": next_param(request),
        "qr": _qr_svg(uri),
        "uri": uri,
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "desk/enrol.html", context, status=status)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("desk:login")
