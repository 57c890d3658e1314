"""Link-preview meta tags and the embed snippet.

The only places a page names its own absolute URL (from SITE_URL): link-preview meta
tags, which no browser loads, and the embed snippet shown as text.
"""

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from undersigned.sharing.cards import HEIGHT, WIDTH, site_name
from undersigned.sharing.models import known_code
from undersigned.sharing.tracking import carried_code

register = template.Library()


def absolute(path: str) -> str:
    return settings.SITE_URL + path


@register.simple_tag
def share_meta(campaign: Any, text: Any, counts: Any, language: str) -> SafeString:
    """Open Graph and Twitter card tags for a campaign page."""
    url = absolute(reverse("campaign", args=[campaign.slug]))
    image = absolute(reverse("share_card", args=[campaign.slug, language]))
    description = Truncator(" ".join(text.body.split())).chars(200)
    properties = [
        ("og:type", "article"),
        ("og:site_name", site_name()),
        ("og:title", text.title),
        ("og:description", description),
        ("og:url", url),
        ("og:locale", language),
        ("og:image", image),
        ("og:image:width", str(WIDTH)),
        ("og:image:height", str(HEIGHT)),
        ("og:image:alt", f"{text.title}: {counts.verified}"),
    ]
    names = [
        ("twitter:card", "summary_large_image"),
        ("twitter:title", text.title),
        ("twitter:description", description),
        ("twitter:image", image),
    ]
    return format_html(
        "{}\n{}\n{}",
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
        format_html_join("\n", '<meta name="{}" content="{}">', names),
        # Relative, so that a copy served as an onion service links to no clearnet host.
        format_html('<link rel="canonical" href="{}">', reverse("campaign", args=[campaign.slug])),
    )


@register.simple_tag
def embed_snippet(campaign: Any) -> str:
    """The HTML another site pastes to show the count widget (shown as text, never loaded here)."""
    src = absolute(reverse("embed", args=[campaign.slug]))
    return (
        f'<iframe src="{src}" width="320" height="160" title="{campaign.slug}" '
        'loading="lazy" referrerpolicy="no-referrer"></iframe>'
    )


@register.simple_tag
def share_code(slug: str, value: Any) -> str:
    """The code of campaign `slug`'s channel a link carried, or "" (made-up codes too)."""
    return known_code(slug, value if isinstance(value, str) else "")


@register.simple_tag
def carried_share_code(request: Any, slug: str) -> str:
    """The channel code a sign form carries: posted back, passed on, or given."""
    return carried_code(request, slug)
