"""Template tags that put updates and the Telegram link on the public campaign page."""

from typing import Any

from django import template
from django.conf import settings
from django.utils.translation import get_language

from undersigned.campaigns.models import Campaign
from undersigned.updates.public import published_updates

register = template.Library()


@register.inclusion_tag("updates/_campaign_updates.html")
def campaign_updates(campaign: Campaign) -> dict[str, Any]:
    language = get_language() or "ru"
    updates = [(update, update.text_for(language)) for update in published_updates(campaign, 10)]
    return {"campaign": campaign, "updates": updates}


@register.simple_tag
def telegram_sign_link(campaign: Campaign, via: str = "") -> str:
    """A t.me deep link opening this campaign in the bot, or "" when no bot is configured.

    A share code the page came through goes along as `<slug>_<code>` (Telegram allows
    letters, digits, "_" and "-" there), so a signature in the bot counts for its channel."""
    if not settings.TELEGRAM_BOT_USERNAME:
        return ""
    payload = f"{campaign.slug}_{via}" if via else campaign.slug
    return f"https://t.me/{settings.TELEGRAM_BOT_USERNAME}?start={payload}"
