from datetime import datetime

from django import template
from django.utils import timezone
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
