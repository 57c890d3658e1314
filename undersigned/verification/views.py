"""Public pages where an official enters a confirmation code: /confirm/ and their receipt.

Work without JavaScript; every wrong try counts against the client (and, on a receipt,
against that signature's codes). A wrong or expired code changes nothing.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from undersigned.access import access_signature_by_receipt
from undersigned.core.middleware import SWITCH_LANGUAGE
from undersigned.signatures.models import Signature
from undersigned.verification import throttle
from undersigned.verification.actions import CodeOutcome, redeem_code
from undersigned.verification.forms import CODE_MAX_LENGTH, ConfirmCodeForm

MESSAGES = {
    CodeOutcome.WRONG: gettext_lazy("This code is not right. Check it and try again."),
    CodeOutcome.EXPIRED: gettext_lazy(
        "This code has expired or was already used. Ask the verifier for a new one."
    ),
    CodeOutcome.NOT_APPLICABLE: gettext_lazy(
        "This signature is no longer waiting for confirmation."
    ),
}


def _try_code(
    request: HttpRequest, form: ConfirmCodeForm, signature: Signature | None
) -> tuple[str, int]:
    """Check the code; the error to show and the status, or ("", 0) when it was accepted."""
    by_client = throttle.codes_by_client()
    client = throttle.client_key(request)
    wait = by_client.wait_seconds(client)
    if wait:
        return _("Too many attempts, try again in %(n)d minutes.") % {
            "n": throttle.minutes(wait)
        }, 429
    if not form.is_valid():
        return _("Enter the code you received."), 400
    result = redeem_code(form.cleaned_data["code"], signature=signature)
    if result.outcome in (CodeOutcome.VERIFIED, CodeOutcome.CONFIRMED):
        return "", 0
    if result.outcome is not CodeOutcome.NOT_APPLICABLE:
        by_client.fail(client)
    return str(MESSAGES[result.outcome]), 400


def _refused(form: ConfirmCodeForm, error: str, status: int) -> dict[str, object]:
    """The page's context for a code that was not accepted, in the error pattern of every
    form: a refusal for too many tries is about the page, the rest about the code field."""
    if status == 429:
        return {"form": form, "notice": error}
    if form.is_valid():
        form.add_error("code", error)
    return {"form": form}


def _untried(request: HttpRequest) -> ConfirmCodeForm:
    """The form as it was posted by a language button: the code shown again, not tried."""
    code = request.POST.get("code", "")[:CODE_MAX_LENGTH]
    return ConfirmCodeForm(initial={"code": code})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmCodeForm(request.POST or None)
    if SWITCH_LANGUAGE in request.POST:
        return render(request, "verification/confirm.html", {"form": _untried(request)})
    if request.method == "POST":
        error, status = _try_code(request, form, None)
        if not error:
            return redirect(reverse("confirm") + "?done=1")
        context = _refused(form, error, status)
        return render(request, "verification/confirm.html", context, status=status)
    return render(
        request, "verification/confirm.html", {"form": form, "done": request.GET.get("done") == "1"}
    )


@require_POST
def confirm_on_receipt(request: HttpRequest, token: str) -> HttpResponse:
    signature = access_signature_by_receipt(token)
    if SWITCH_LANGUAGE in request.POST:
        context = {"form": _untried(request), "token": token, "signature": signature}
        return render(request, "verification/confirm_on_receipt.html", context)
    form = ConfirmCodeForm(request.POST)
    error, status = _try_code(request, form, signature)
    if not error:
        return redirect(reverse("receipt", args=[token]) + "?confirmed=1")
    context = {**_refused(form, error, status), "token": token, "signature": signature}
    return render(request, "verification/confirm_on_receipt.html", context, status=status)
