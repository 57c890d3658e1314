"""Verifiers' decisions on one signature: match, undo a match, confirm, reject, reopen, codes.

Each parses its form, hands over to `verification.actions.decide` (as the staff API
does), and redirects back to the signature; a refused decision re-renders the page with
the reason and changes nothing.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from undersigned.access import DECIDERS, access_signature_as
from undersigned.desk.auth import staff_required
from undersigned.desk.candidates import candidates_for
from undersigned.desk.forms import MatchForm, NoteForm, RejectForm, VerifyForm
from undersigned.desk.views.queue import render_signature
from undersigned.verification import actions
from undersigned.verification.actions import DecisionError


def _decide(
    request: HttpRequest,
    signature_id: int,
    form_class: type[forms.Form],
    form_name: str,
    kind: str,
    message: Callable[[actions.Decided], str],
) -> HttpResponse:
    signature = access_signature_as(request.user, signature_id, *DECIDERS)
    form = (
        VerifyForm(request.POST, sealed_signers=actions.has_sealed_signers(signature.campaign))
        if form_class is VerifyForm
        else form_class(request.POST)
    )
    if not form.is_valid():
        return render_signature(request, signature, 400, **{form_name: form})
    fields = dict(form.cleaned_data)
    if "official" in fields:
        fields["official_id"] = fields.pop("official")
        fields["score"] = next(
            (
                c.score
                for c in candidates_for(signature) or []
                if c.official.pk == fields["official_id"]
            ),
            None,
        )
    try:
        decided = actions.decide(signature, kind, actor=request.user, **fields)
    except DecisionError as refused:
        return render_signature(
            request, signature, 400, **{form_name: form, "error": str(refused.message)}
        )
    messages.success(request, message(decided))
    if kind == actions.MATCH and actions.official_taken(decided.signature):
        messages.warning(request, actions.OFFICIAL_TAKEN)
    if kind == actions.VERIFY and "sealed_check" in form.fields and not fields["sealed_check"]:
        messages.warning(
            request,
            _(
                "Recorded without the offline check for sealed signers: whether this official "
                "has signed already, sealed, was not searched."
            ),
        )
    return redirect("desk:signature", signature.pk)


@require_POST
@staff_required
def match(request: HttpRequest, signature_id: int) -> HttpResponse:
    return _decide(
        request,
        signature_id,
        MatchForm,
        "match_form",
        actions.MATCH,
        lambda decided: _("Matched to the registry official."),
    )


@require_POST
@staff_required
def unmatch(request: HttpRequest, signature_id: int) -> HttpResponse:
    return _decide(
        request,
        signature_id,
        NoteForm,
        "note_form",
        actions.UNMATCH,
        lambda decided: _("The registry match is undone; the signature is back in the queue."),
    )


@require_POST
@staff_required
def verify(request: HttpRequest, signature_id: int) -> HttpResponse:
    def message(decided: actions.Decided) -> str:
        if decided.verified:
            return _("Verified: the signature now counts.")
        return _("Your confirmation is recorded. A second verifier must confirm before it counts.")

    return _decide(request, signature_id, VerifyForm, "verify_form", actions.VERIFY, message)


@require_POST
@staff_required
def reject(request: HttpRequest, signature_id: int) -> HttpResponse:
    return _decide(
        request,
        signature_id,
        RejectForm,
        "reject_form",
        actions.REJECT,
        lambda decided: _("Rejected. The decision is recorded with its reason."),
    )


@require_POST
@staff_required
def reopen(request: HttpRequest, signature_id: int) -> HttpResponse:
    return _decide(
        request,
        signature_id,
        NoteForm,
        "note_form",
        actions.REOPEN,
        lambda decided: _("Reopened: the signature is back in the queue."),
    )


@require_POST
@staff_required
def issue_code(request: HttpRequest, signature_id: int) -> HttpResponse:
    """Issue a one-time code and show it once; it is never shown or stored again."""
    signature = access_signature_as(request.user, signature_id, *DECIDERS)
    try:
        issued, code = actions.issue_code(signature, actor=request.user)
    except DecisionError as refused:
        return render_signature(request, signature, 400, error=str(refused.message))
    return render(
        request,
        "desk/code.html",
        {"campaign": signature.campaign, "signature": signature, "code": code, "issued": issued},
    )
