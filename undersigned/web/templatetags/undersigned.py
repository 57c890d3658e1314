from django import template
from django.utils.translation import get_language

from undersigned.officials.regions import region_name as _region_name

register = template.Library()


@register.filter
def region_name(code: str) -> str:
    return _region_name(code, get_language() or "ru")
