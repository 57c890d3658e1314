"""The Atom feed of a campaign's updates, in the reader's language."""

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from undersigned.access import access_public_campaign
from undersigned.campaigns.models import Campaign
from undersigned.updates.models import Update
from undersigned.updates.public import published_updates


class CampaignUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Campaign:  # type: ignore[override]  # Feed's stub takes *args
        return access_public_campaign(slug)

    def title(self, campaign: Campaign) -> str:
        return _("Updates: %(title)s") % {"title": campaign.text_for(get_language()).title}

    def link(self, campaign: Campaign) -> str:
        return reverse("campaign", args=[campaign.slug])

    def subtitle(self, campaign: Campaign) -> str:
        return _("Statements published by the campaign's spokesperson.")

    def items(self, campaign: Campaign) -> list[Update]:
        return list(published_updates(campaign))

    def item_title(self, item: Update) -> str:
        return item.text_for(get_language()).title

    def item_description(self, item: Update) -> str:
        return item.text_for(get_language()).body

    def item_link(self, item: Update) -> str:
        return reverse("campaign", args=[item.campaign.slug]) + f"#update-{item.pk}"

    def item_pubdate(self, item: Update) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Update) -> datetime:
        return item.published_at
