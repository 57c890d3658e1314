from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.forms import BoundField, MultiWidget
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext

from undersigned.officials.regions import region_name as _region_name

register = template.Library()


@register.filter
def region_name(code: str) -> str:
    return _region_name(code, get_language() or "ru")


@register.filter
def ago(moment: datetime | None) -> str:
    """How long ago, to the second when it is recent: the freshness of a count."""
    if moment is None:
        return ""
    seconds = max(int((timezone.now() - moment).total_seconds()), 0)
    if seconds < 90:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    return timesince(moment)


@register.filter
def utc_time(moment: datetime | None) -> str:
    """An absolute time in UTC, "2022-09-12 18:00:05": true on a page cached or mirrored."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@register.filter
def error_anchor(field: BoundField) -> str:
    """The id an error summary links to: the field's input, or a group's first choice."""
    widget = field.field.widget
    if isinstance(widget, MultiWidget):
        return f"{field.auto_id}_1"
    return field.id_for_label or f"{field.auto_id}_0"


@register.filter
def number(value: int | None) -> str:
    """A count as the page's language writes it: 3,000 or 3 000."""
    if value is None:
        return ""
    return number_format(value, force_grouping=True)


@register.filter
def written_in(value: str) -> str:
    """The lang attribute (with its leading space) for a name in Cyrillic on a page in
    another language, so that screen readers pronounce it; empty otherwise."""
    if get_language() != "ru" and any("\u0400" <= ch <= "\u04ff" for ch in value or ""):
        return mark_safe(' lang="ru"')
    return ""


@register.simple_tag
def next_goal(verified: int, thresholds: list[int]) -> int | None:
    """The next of the campaign's own reveal thresholds the verified count moves towards;
    None when it has none left (no invented goal)."""
    for goal in sorted(thresholds or ()):
        if goal > verified:
            return goal
    return None


@register.simple_tag
def share_links(campaign: Any, title: str) -> dict[str, str]:
    """Plain links to share a campaign: no script and no request to anyone until clicked."""
    url = settings.SITE_URL + reverse("campaign", args=[campaign.slug])
    return {
        "url": url,
        "telegram": "https://t.me/share/url?" + urlencode({"url": url, "text": title}),
        "vk": "https://vk.com/share.php?" + urlencode({"url": url, "title": title}),
        "email": "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
    }
