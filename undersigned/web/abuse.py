"""The signing form's page for a submission the abuse rules (undersigned.signatures.abuse)
refuse."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from undersigned.campaigns.models import Campaign, CampaignText


def too_many_signatures(
    request: HttpRequest, campaign: Campaign, text: CampaignText, minutes: int
) -> HttpResponse:
    """429: too many attempts from this connection; nothing was stored."""
    response = render(
        request,
        "web/too_many_signatures.html",
        {"campaign": campaign, "text": text, "minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response
