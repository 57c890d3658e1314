"""The latest checkpoint's figures for pages of other apps (the embed widget): its time,
size and the verified and being-checked figures it signs."""

from typing import Any

from django import template

from undersigned.campaigns.models import Campaign
from undersigned.ledger import public

register = template.Library()


@register.simple_tag
def checkpoint_figures(campaign: Campaign) -> dict[str, Any] | None:
    return public.checkpoint_summary(campaign)
