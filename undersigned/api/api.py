"""The JSON API under /api/v1/: public reads without authentication, staff work with a token.

Public numbers come from `undersigned.signatures.public` only, the same as the
pages; staff endpoints reach campaigns and signatures through `undersigned.access`
and decide through the verification desk's actions.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import NinjaAPI, Query, Status
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from undersigned.access import (
    DECIDERS,
    QUEUE_ROLES,
    access_campaign_as,
    access_public_campaign,
    access_signature_as,
)
from undersigned.api.auth import StaffToken
from undersigned.api.http import own_writes_only, private, public_read
from undersigned.api.schemas import (
    CampaignDetail,
    CampaignSummary,
    CheckpointOut,
    CountsOut,
    DayOut,
    DecisionIn,
    DecisionOut,
    Error,
    QueuePage,
    RegionOut,
    SignatoryPage,
    SignatureIn,
    SignedOut,
    UpdateOut,
)
from undersigned.campaigns.models import Campaign
from undersigned.signatures import public
from undersigned.signatures.abuse import Sender
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature
from undersigned.signatures.signing import Outcome, submit_signature
from undersigned.verification.actions import DecisionError, NoSuchOfficial, decide
from undersigned.verification.queue import queue_of

MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000  # the staff queue's page numbers
PUBLIC_ERRORS = {404: Error}
# The same roles as the desk: organizers and verifiers see the queue, verifiers decide.
STAFF_ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}

api = NinjaAPI(
    title="undersigned",
    version="1",
    description=(
        "Campaigns, their texts, public counts (by state, region and day), named verified "
        "signatories and updates, read without authentication. Staff endpoints need "
        "`Authorization: Bearer <token>` (`manage.py api_token create`)."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive docs page loads scripts from a third-party CDN
)


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.errors}, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "a valid API token is required"}, status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": "no role on this campaign allows it"}, status=403
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


def campaign_summary(campaign: Campaign, verified: int, language: str) -> dict[str, Any]:
    text = campaign.text_for(language)
    return {
        "slug": campaign.slug,
        "kind": campaign.kind,
        "state": campaign.state,
        "title": text.title,
        "language": text.language,
        "opened_at": campaign.opened_at,
        "closed_at": campaign.closed_at,
        "verified": verified,
        "url": reverse("campaign", args=[campaign.slug]),
    }


def counts_out(campaign: Campaign) -> dict[str, Any]:
    counts = public.counts_for(campaign)
    return {
        "verified": counts.verified,
        "checking": counts.checking,
        "withdrawn": counts.withdrawn,
        "rejected": counts.rejected,
        "received": counts.received,
        "counted_at": counts.counted_at,
    }


@api.get("/campaigns", response=list[CampaignSummary], tags=["public"])
@decorate_view(public_read())
def list_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    """Published campaigns, newest first, with their verified counts."""
    campaigns = list(
        Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).prefetch_related("texts")
    )
    verified = public.verified_counts(campaigns)
    language = get_language()
    return [campaign_summary(c, verified.get(c.pk, 0), language) for c in campaigns]


@api.get("/campaigns/{slug}", response={200: CampaignDetail, **PUBLIC_ERRORS}, tags=["public"])
@decorate_view(public_read())
def campaign_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A campaign with its texts in every language and its counts by state."""
    campaign = access_public_campaign(slug)
    return {
        "slug": campaign.slug,
        "kind": campaign.kind,
        "state": campaign.state,
        "addressee": campaign.addressee,
        "eligibility": campaign.eligibility,
        "requires_verification": campaign.requires_verification,
        "four_eyes": campaign.four_eyes,
        "reveal_thresholds": campaign.thresholds,
        "publish_region_counts": campaign.publish_region_counts,
        "names_hidden": campaign.names_hidden,
        "original_language": campaign.original_language,
        "opened_at": campaign.opened_at,
        "closes_at": campaign.closes_at,
        "closed_at": campaign.closed_at,
        "texts": list(campaign.texts.all()),
        "counts": counts_out(campaign),
    }


@api.get("/campaigns/{slug}/counts", response={200: CountsOut, **PUBLIC_ERRORS}, tags=["public"])
@decorate_view(public_read())
def campaign_counts(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Signatures by state, as the batched count job last left them (`counted_at`)."""
    return counts_out(access_public_campaign(slug))


@api.get(
    "/campaigns/{slug}/regions", response={200: list[RegionOut], **PUBLIC_ERRORS}, tags=["public"]
)
@decorate_view(public_read())
def campaign_regions(request: HttpRequest, slug: str) -> list[Any]:
    """Verified and being-checked signatures by region (ISO 3166-2:RU codes; "-" for none)."""
    return public.regions_for(access_public_campaign(slug), get_language())


@api.get(
    "/campaigns/{slug}/timeline", response={200: list[DayOut], **PUBLIC_ERRORS}, tags=["public"]
)
@decorate_view(public_read())
def campaign_timeline(request: HttpRequest, slug: str) -> list[Any]:
    """Per day (UTC), running totals of signatures received and of standing verified ones."""
    return public.timeline_for(access_public_campaign(slug))


@api.get(
    "/campaigns/{slug}/signatories",
    response={200: SignatoryPage, 400: Error, **PUBLIC_ERRORS},
    tags=["public"],
)
@decorate_view(public_read())
def campaign_signatories(
    request: HttpRequest,
    slug: str,
    after: Query[str | None] = None,
    per_page: Query[int] = 100,
) -> Any:
    """Named verified signatories in the order they were verified, a page at a time."""
    campaign = access_public_campaign(slug)
    try:
        current = public.signatories_page(
            campaign, after, per_page=min(max(per_page, 1), MAX_PER_PAGE)
        )
    except public.BadCursor:
        return Status(400, {"detail": "`after` must be a next_cursor this API returned"})
    return Status(
        200,
        {
            "per_page": min(max(per_page, 1), MAX_PER_PAGE),
            "next_cursor": current.next_cursor,
            "items": [
                {
                    "full_name": s.full_name,
                    "office": s.office,
                    "body": s.body,
                    "municipality": s.municipality,
                    "region_code": s.region_code,
                    "verified_on": s.verified_at.date() if s.verified_at else None,
                }
                for s in current.object_list
            ],
        },
    )


@api.get(
    "/campaigns/{slug}/updates", response={200: list[UpdateOut], **PUBLIC_ERRORS}, tags=["public"]
)
@decorate_view(public_read())
def campaign_updates(request: HttpRequest, slug: str) -> list[Any]:
    """The spokesperson's published updates, newest first, in every language written."""
    from undersigned.updates.models import Update

    campaign = access_public_campaign(slug)
    published = Update.objects.filter(campaign=campaign, published_at__lte=timezone.now())
    return list(published.prefetch_related("texts")[:200])


@api.get(
    "/campaigns/{slug}/checkpoint", response={200: CheckpointOut, **PUBLIC_ERRORS}, tags=["public"]
)
@decorate_view(public_read())
def campaign_checkpoint(request: HttpRequest, slug: str) -> Any:
    """The latest signed checkpoint of the campaign's public log, to recompute the counts."""
    from undersigned.ledger import public as ledger

    campaign = access_public_campaign(slug)
    latest = ledger.latest_checkpoint(campaign)
    if latest is None:
        raise Http404("no checkpoint yet")
    return {
        "origin": latest.origin,
        "size": latest.size,
        "root": ledger.b64(bytes(latest.root)),
        "note": latest.published_note(),
        "created_at": latest.created_at,
        "verifier_key": ledger.verifier_key(campaign),
    }


@api.post(
    "/campaigns/{slug}/signatures",
    response={
        201: SignedOut,
        400: Error,
        403: Error,
        404: Error,
        410: Error,
        415: Error,
        429: Error,
    },
    tags=["public"],
)
@decorate_view(own_writes_only, private)
def sign_campaign(request: HttpRequest, slug: str, signature: SignatureIn) -> Any:
    """Sign a campaign: the web form's fields, checks and abuse rules (per client address).

    Only a JSON body (`Content-Type: application/json`) is taken, and a browser's request
    from another site's page (`Sec-Fetch-Site: cross-site` or `same-site`, or an `Origin`
    that is not this site's) is refused with 403.

    When the rate on the campaign or from this address calls for a captcha, which the API
    cannot show, the signature is stored held back for verifiers.
    """
    campaign = access_public_campaign(slug)
    language = get_language()
    form = SignForm(
        {**signature.dict(), "reveal_threshold": signature.reveal_threshold or ""},
        campaign=campaign,
        language=language,
    )
    submitted = submit_signature(
        campaign,
        form.submission(language) if form.is_valid() else None,
        channel=Signature.API,
        sender=Sender.of_request(request),
    )
    if submitted.outcome == Outcome.SIGNED:
        return Status(201, {"receipt_url": reverse("receipt", args=[submitted.token])})
    if submitted.outcome == Outcome.CLOSED:
        return Status(410, {"detail": "this campaign takes no signatures now"})
    if submitted.outcome == Outcome.REFUSED:
        minutes = submitted.retry_minutes
        response = api.create_response(
            request,
            {"detail": f"too many signatures from this address; try again in {minutes} minutes"},
            status=429,
        )
        response["Retry-After"] = str(minutes * 60)
        return response
    errors = [
        {"field": field, "messages": [str(m) for m in messages]}
        for field, messages in form.errors.items()
    ]
    return Status(400, {"detail": errors})


# Staff


def staff_user(request: HttpRequest) -> Any:
    """The account whose token authenticated this request (set by StaffToken)."""
    return getattr(request, "auth", None)


def _page_of(queryset: Any, page: int, per_page: int) -> Any:
    return Paginator(queryset, min(max(per_page, 1), MAX_PER_PAGE)).get_page(
        min(max(page, 1), MAX_PAGE)
    )


@api.get(
    "/staff/campaigns/{slug}/queue",
    response={200: QueuePage, **STAFF_ERRORS},
    auth=StaffToken(),
    tags=["staff"],
)
@decorate_view(private)
def staff_queue(
    request: HttpRequest, slug: str, page: Query[int] = 1, per_page: Query[int] = 100
) -> dict[str, Any]:
    """Signatures being checked, oldest first, for the campaign's verifiers and organizers."""
    campaign = access_campaign_as(staff_user(request), slug, *QUEUE_ROLES)
    current = _page_of(queue_of(campaign), page, per_page)
    return {
        "page": current.number,
        "per_page": current.paginator.per_page,
        "pages": current.paginator.num_pages,
        "total": current.paginator.count,
        "items": list(current.object_list),
    }


@api.post(
    "/staff/signatures/{signature_id}/decision",
    response={200: DecisionOut, **STAFF_ERRORS},
    auth=StaffToken(),
    tags=["staff"],
)
@decorate_view(private)
def staff_decision(request: HttpRequest, signature_id: int, decision: DecisionIn) -> Any:
    """A verifier's decision, with the desk's rules (registry match first, four eyes, reasons)."""
    if not 1 <= signature_id <= 2**62:
        raise Http404("no such signature")
    user = staff_user(request)
    signature = access_signature_as(user, signature_id, *DECIDERS)
    fields = decision.dict(exclude={"decision"})
    try:
        decided = decide(signature, decision.decision, actor=user, **fields)
    except NoSuchOfficial:
        return Status(400, {"detail": "give the official_id of a registry official"})
    except DecisionError as refused:
        return Status(409, {"detail": str(refused.message)})
    return Status(
        200,
        {
            "id": decided.signature.pk,
            "state": decided.signature.state,
            "verified": decided.verified,
        },
    )
