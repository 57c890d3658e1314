"""The desk's side of sealed signers: the sealed bundle for verifiers, a signature found
by its handle (to reverse a decision on a sealed one), and the reveal file's upload.

The server hands out ciphertext only and publishes only names that open their
commitments (undersigned.signatures.sealing).
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from undersigned.access import access_campaign_as
from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.desk.auth import staff_required
from undersigned.signatures.models import Signature
from undersigned.updates.notices import announce_named_signers
from undersigned.vault.actions import NoVerifierKeys
from undersigned.verification.sealed import (
    BadRevealFile,
    export_sealed,
    parse_reveal_file,
    publish_reveals,
    reveals_due,
)

MAX_REVEAL_FILE = 5 * 1024 * 1024


class HandleForm(forms.Form):
    handle = forms.RegexField(
        regex=r"^\s*[0-9a-f]{32}\s*$",
        label=gettext_lazy("Handle (from the sealed bundle or the public log)"),
        error_messages={"invalid": gettext_lazy("A handle is 32 characters, 0-9 and a-f.")},
    )


class RevealForm(forms.Form):
    reveal_file = forms.FileField(label=gettext_lazy("Reveal file (reveal.json)"))


@require_GET
@staff_required
def download(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, StaffRole.VERIFIER)
    try:
        data = export_sealed(campaign, actor=request.user)
    except NoVerifierKeys:
        return render(request, "vault/no_verifier_keys.html", {"campaign": campaign}, status=409)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="sealed-{campaign.slug}.age"'
    response["Cache-Control"] = "no-store"
    return response


def _page(
    request: HttpRequest, campaign: Campaign, status: int = 200, **context: object
) -> HttpResponse:
    return render(
        request,
        "desk/sealed.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(get_language()),
            "due": reveals_due(campaign),
            "handle_form": context.pop("handle_form", None) or HandleForm(),
            "reveal_form": context.pop("reveal_form", None) or RevealForm(),
            **context,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def sealed(request: HttpRequest, slug: str) -> HttpResponse:
    """Find a signature by handle (GET ?handle=) or upload a reveal file (POST)."""
    campaign = access_campaign_as(request.user, slug, StaffRole.VERIFIER)
    if request.method == "GET":
        if "handle" not in request.GET:
            return _page(request, campaign)
        handle_form = HandleForm(request.GET)
        if handle_form.is_valid():
            found = Signature.objects.filter(
                campaign=campaign, handle=handle_form.cleaned_data["handle"].strip()
            ).first()
            if found is not None:
                return redirect("desk:signature", found.pk)
            return _page(
                request, campaign, 404, handle_form=handle_form, error=_("No such handle here.")
            )
        return _page(request, campaign, 400, handle_form=handle_form)
    reveal_form = RevealForm(request.POST, request.FILES)
    if not reveal_form.is_valid():
        return _page(request, campaign, 400, reveal_form=reveal_form)
    upload = reveal_form.cleaned_data["reveal_file"]
    if upload.size > MAX_REVEAL_FILE:
        return _page(request, campaign, 400, reveal_form=reveal_form, error=_("File too large."))
    try:
        entries = parse_reveal_file(upload.read(), campaign)
    except BadRevealFile:
        return _page(
            request,
            campaign,
            400,
            reveal_form=reveal_form,
            error=_("This is not a reveal file of this campaign."),
        )
    outcome = publish_reveals(campaign, entries, actor=request.user)
    announce_named_signers(campaign)
    return _page(request, campaign, outcome=outcome)
