"""Campaigns as the signing form needs them, kept in each worker for a moment.

Every view of the signing form needs its campaign, the campaign's texts and whether
it takes contacts: three queries for rows that rarely change, on the busiest path of
a mass petition. Each worker keeps what it read for `CAMPAIGN_CACHE_SECONDS`. A change
saved in this process drops the copies at once; other workers see it within that time
(a campaign closed on one server may take a signature on another for that long).

With the campaign, a worker keeps its blank signing page in each language, rendered
with a placeholder where each visitor's own CSRF token goes: rendering the form's
widgets costs far more than the rest of a signature.

Behind the reverse proxy (deploy/nginx/undersigned.conf) the blank page goes further:
the proxy asks for it with `X-Shared-Form: 1`, keeps the placeholder page like a public
page, and writes each visitor's CSRF secret in itself (the visitor's `csrftoken` cookie,
or a new random one it sets). A visitor to a petition's form then costs the app
nothing; only the signature reaches it.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from undersigned.access import access_public_campaign
from undersigned.campaigns.models import Campaign
from undersigned.campaigns.page_cache import shared_cache_control
from undersigned.core.kept import Kept
from undersigned.signatures.abuse import form_issued
from undersigned.signatures.forms import SignForm
from undersigned.vault.actions import campaign_accepts_contacts

MAX_CAMPAIGNS = 1024
MAX_PAGES = 256
# Where each visitor's CSRF token goes. No campaign text can contain it: escaping
# changes its angle brackets. The reverse proxy's configuration names it too.
CSRF_PLACEHOLDER = mark_safe("<csrf-token>")
SHARED_FORM_HEADER = "X-Shared-Form"
# Set on a refusal for as long as it lasts, so that the form, opened again, says so: its
# request then passes the proxy's shared copy (the reverse proxy's configuration names it).
REFUSED_COOKIE = "signing_wait"
# Blank pages by what they are made of: a campaign read again unchanged keeps its pages.
_pages: dict[tuple[object, ...], str] = {}


@dataclass(frozen=True)
class SigningCampaign:
    campaign: Campaign
    accepts_contacts: bool

    @cached_property
    def fingerprint(self) -> tuple[object, ...]:
        """Everything of the campaign a blank signing page shows or depends on."""
        campaign = self.campaign
        texts = tuple(
            (text.pk, *(getattr(text, f.attname) for f in text._meta.concrete_fields))
            for text in campaign.texts.all()
        )
        fields = tuple(str(getattr(campaign, f.attname)) for f in campaign._meta.concrete_fields)
        return (fields, texts, self.accepts_contacts)

    def blank_page(self, request: HttpRequest, language: str) -> HttpResponse:
        """The signing page with an empty form and no captcha, for this visitor."""
        issued = form_issued()
        key = (language, issued, *self.fingerprint)
        page = _pages.get(key)
        if page is None:
            form = SignForm(
                campaign=self.campaign, language=language, accepts_contacts=self.accepts_contacts
            )
            context = {
                "campaign": self.campaign,
                "text": self.campaign.text_for(language),
                "form": form,
                "csrf_token": CSRF_PLACEHOLDER,
                "form_issued": issued,
            }
            page = render_to_string("web/sign.html", context, request=request)
            if len(_pages) >= MAX_PAGES:
                _pages.clear()
            _pages[key] = page
        token = csrf_token_for(request)
        if token is CSRF_PLACEHOLDER:
            response = HttpResponse(page)
            # For the proxy to keep; it tells browsers the page is theirs alone.
            shared_cache_control(response, max(1, round(settings.CAMPAIGN_CACHE_SECONDS)))
            return response
        return HttpResponse(page.replace(CSRF_PLACEHOLDER, token))


def filled_in_by_proxy(request: HttpRequest) -> bool:
    """Whether the reverse proxy writes this plain GET's CSRF token into the page itself."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and request.headers.get(SHARED_FORM_HEADER) == "1"
    )


def csrf_token_for(request: HttpRequest) -> str:
    """The token a signing page holds: this visitor's, or the placeholder the proxy fills."""
    if filled_in_by_proxy(request):
        # The proxy sets the cookie, replacing a malformed one itself: the app must not
        # send a second, different secret beside it.
        request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        return CSRF_PLACEHOLDER
    return get_token(request)


def _read_signing_campaign(slug: str) -> SigningCampaign:
    campaign = access_public_campaign(slug)
    return SigningCampaign(campaign, campaign_accepts_contacts(campaign))


_recent: Kept[str, SigningCampaign] = Kept(lambda: settings.CAMPAIGN_CACHE_SECONDS, MAX_CAMPAIGNS)


def signing_campaign(slug: str) -> SigningCampaign:
    """The public campaign `slug` (404 otherwise), read at most CAMPAIGN_CACHE_SECONDS ago
    (or as long as another thread takes to read it again)."""
    return _recent.get(slug, lambda: _read_signing_campaign(slug))


def forget_campaigns(**kwargs: Any) -> None:
    """Signal receiver: a campaign, a text or a verifier key changed in this process."""
    _recent.clear()
    _pages.clear()
