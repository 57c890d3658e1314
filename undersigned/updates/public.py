"""What the public sees of a campaign's updates."""

from django.db.models import QuerySet

from undersigned.campaigns.models import Campaign
from undersigned.updates.models import Update


def published_updates(campaign: Campaign, limit: int = 20) -> QuerySet[Update]:
    return Update.objects.filter(campaign=campaign).prefetch_related("texts")[:limit]
