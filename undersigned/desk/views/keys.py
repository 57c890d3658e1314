"""The organizer's page of a campaign's verifier keys: add one by pasting its age public
key, see its fingerprint, revoke it; with the keys' audit trail."""

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from undersigned.access import ORGANIZERS, access_campaign_as
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign, TransitionError
from undersigned.desk.auth import staff_required
from undersigned.desk.forms import RevokeKeyForm, VerifierKeyForm
from undersigned.vault import actions
from undersigned.vault.models import VerifierKey


def fingerprint(public_key: str) -> str:
    """The first 16 hexadecimal digits of the SHA-256 of the key's text, in groups of four:
    what `printf %s age1… | sha256sum | cut -c1-16` prints, for the verifier to compare."""
    digest = hashlib.sha256(public_key.encode("ascii")).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def _render(
    request: HttpRequest, campaign: Campaign, form: VerifierKeyForm, status: int = 200
) -> HttpResponse:
    keys = VerifierKey.objects.filter(Q(campaign=campaign) | Q(campaign__isnull=True)).order_by(
        "revoked_at", "id"
    )
    rows = [{"key": key, "fingerprint": fingerprint(key.public_key)} for key in keys]
    events = (
        AuditEvent.objects.filter(campaign=campaign, action__startswith="vault.key_")
        .select_related("actor")
        .order_by("-id")[:50]
    )
    return render(
        request,
        "desk/keys.html",
        {"campaign": campaign, "rows": rows, "form": form, "events": events},
        status=status,
    )


@require_GET
@staff_required
def verifier_keys(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    return _render(request, campaign, VerifierKeyForm())


@require_POST
@staff_required
def add_key(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = VerifierKeyForm(request.POST)
    if form.is_valid():
        try:
            key = actions.add_verifier_key(
                form.cleaned_data["public_key"],
                form.cleaned_data["label"],
                campaign=campaign,
                actor=request.user,
            )
        except IntegrityError:
            form.add_error("public_key", _("This key is already active for the campaign."))
        except ValidationError as error:
            form.add_error("public_key", error)
        else:
            messages.success(
                request,
                _("The key is added; fingerprint %(fingerprint)s. Compare it with the verifier.")
                % {"fingerprint": fingerprint(key.public_key)},
            )
            return redirect("desk:verifier_keys", campaign.slug)
    # What was typed is not shown again: a private key pasted by mistake stays off the page.
    typed = request.POST.copy()
    typed["public_key"] = ""
    form.data = typed
    return _render(request, campaign, form, 400)


@require_POST
@staff_required
def revoke_key(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = RevokeKeyForm(request.POST)
    if not form.is_valid():
        raise Http404("no such key")
    # Only the campaign's own keys: a key for every campaign is revoked on the server.
    key = VerifierKey.objects.filter(pk=form.cleaned_data["key"], campaign=campaign).first()
    if key is None:
        raise Http404("no such key")
    try:
        actions.revoke_verifier_key(key, actor=request.user)
    except TransitionError:
        messages.info(request, _("The key was revoked already."))
    else:
        messages.success(request, _("The key is revoked: nothing new is encrypted to it."))
    return redirect("desk:verifier_keys", campaign.slug)
