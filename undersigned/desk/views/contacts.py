"""The desk's download of a campaign's contacts bundle, for its verifiers.

The bundle is encrypted to the verifiers' age keys; the server hands out ciphertext only.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from undersigned.access import access_campaign_as
from undersigned.campaigns.models import StaffRole
from undersigned.desk.auth import staff_required
from undersigned.vault.actions import NoVerifierKeys
from undersigned.verification.contacts import export_contacts


@require_GET
@staff_required
def download(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, StaffRole.VERIFIER)
    try:
        data = export_contacts(campaign, actor=request.user)
    except NoVerifierKeys:
        return render(request, "vault/no_verifier_keys.html", {"campaign": campaign}, status=409)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="contacts-{campaign.slug}.age"'
    response["Cache-Control"] = "no-store"
    return response
