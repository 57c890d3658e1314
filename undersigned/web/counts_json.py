"""`/c/<slug>/counts.json`: a campaign's public counts, read from the tallies, cached, with
the latest signed checkpoint they can be cited from."""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from undersigned.access import access_public_campaign
from undersigned.campaigns.models import Campaign
from undersigned.campaigns.page_cache import cached_public_page
from undersigned.ledger.public import checkpoint_summary
from undersigned.signatures import public


def counts_document(campaign: Campaign) -> dict[str, Any]:
    """What counts.json says, whether the app answers or nginx sends the published file."""
    counts = public.counts_for(campaign)
    return {
        "campaign": campaign.slug,
        "verified": counts.verified,
        "being_checked": counts.checking,
        "withdrawn": counts.withdrawn,
        "counted_at": counts.counted_at.isoformat() if counts.counted_at else None,
        # The latest signed checkpoint: its time, and the figures it proves.
        "checkpoint": checkpoint_summary(campaign),
    }


@require_GET
@cached_public_page
def campaign_counts(request: HttpRequest, slug: str) -> JsonResponse:
    return JsonResponse(counts_document(access_public_campaign(slug)))
