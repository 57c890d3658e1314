"""Public sharing views: the link-preview card image and the embeddable count widget."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from undersigned.access import access_public_campaign
from undersigned.campaigns.page_cache import cached_public_page
from undersigned.sharing.cards import open_card
from undersigned.signatures import public

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}
CARD_CACHE_SECONDS = 300


@require_GET
def card(request: HttpRequest, slug: str, language: str) -> HttpResponseBase:
    if language not in LANGUAGE_CODES:
        raise Http404("no such language")
    campaign = access_public_campaign(slug)
    card = open_card(campaign, language, public.counts_for(campaign).verified)
    response = FileResponse(card, content_type="image/png")
    patch_cache_control(response, public=True, max_age=CARD_CACHE_SECONDS)
    return response


@require_GET
@cached_public_page
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    response = render(
        request,
        "sharing/embed.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(get_language()),
            "counts": public.counts_for(campaign),
        },
    )
    response.embeddable = True  # type: ignore[attr-defined]
    return response
