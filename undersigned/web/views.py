"""The public site: campaign list, campaign page, signing, receipts. Works without JavaScript."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from undersigned.access import access_public_campaign, access_signature_by_receipt
from undersigned.campaigns.models import Campaign
from undersigned.campaigns.page_cache import cached_public_page, invalidate_campaign
from undersigned.ledger.public import receipt_entries
from undersigned.sharing.models import known_code
from undersigned.sharing.tracking import (
    carried_code,
    counts_share_signatures,
    counts_share_visits,
)
from undersigned.signatures import actions, public
from undersigned.signatures.abuse import Sender, SigningGuard, form_issued
from undersigned.signatures.forms import PublicationForm, SignForm
from undersigned.signatures.models import Signature
from undersigned.signatures.signing import Outcome, submit_signature
from undersigned.updates.actions import request_email_subscription
from undersigned.web import errors
from undersigned.web.abuse import too_many_signatures
from undersigned.web.signing import csrf_token_for, signing_campaign


@require_GET
@cached_public_page
def index(request: HttpRequest) -> HttpResponse:
    campaigns = list(
        Campaign.objects.filter(state__in=[Campaign.OPEN, Campaign.CLOSED]).prefetch_related(
            "texts"
        )
    )
    verified = public.verified_counts(campaigns)
    language = get_language()
    rows = [
        {"campaign": c, "text": c.text_for(language), "verified": verified.get(c.pk, 0)}
        for c in campaigns
    ]
    return render(request, "web/index.html", {"rows": rows})


@require_GET
@counts_share_visits
@cached_public_page(query=("via",), normalise={"via": known_code})
def campaign_page(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    language = get_language()
    signatories = public.signatories_page(campaign, None, per_page=50)
    timeline = public.timeline_for(campaign)
    return render(
        request,
        "web/campaign.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(language),
            "texts": campaign.texts.all(),
            "counts": public.counts_for(campaign),
            "regions": public.regions_for(campaign, language),
            "timeline": timeline,
            "timeline_max": max((row.arrived for row in timeline), default=0),
            "signatories": signatories,
        },
    )


@require_GET
@cached_public_page(query=("after",))
def signatories(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    try:
        page = public.signatories_page(campaign, request.GET.get("after"))
    except public.BadCursor:
        return errors.bad_request(request)
    return render(
        request,
        "web/signatories.html",
        {"campaign": campaign, "text": campaign.text_for(get_language()), "page": page},
    )


@require_http_methods(["GET", "POST"])
@counts_share_visits
@counts_share_signatures
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    recent = signing_campaign(slug)
    campaign = recent.campaign
    language = get_language()
    text = campaign.text_for(language)
    if not campaign.accepts_signatures:
        return render(
            request, "web/sign_closed.html", {"campaign": campaign, "text": text}, status=410
        )
    sender = Sender.of_request(request)

    def sign_form(data: Any = None, *, challenge: bool = False) -> SignForm:
        return SignForm(
            data,
            campaign=campaign,
            language=language,
            challenge=challenge,
            accepts_contacts=recent.accepts_contacts,
        )

    if request.method == "GET":
        challenge = SigningGuard.for_sender(sender, campaign).captcha_due()
        # A parameter other than a channel's code changes nothing on the page.
        carried = carried_code(request, campaign.slug)
        if not challenge and not carried:
            return recent.blank_page(request, language)
        context = {
            "campaign": campaign,
            "text": text,
            "form": sign_form(challenge=challenge),
            "csrf_token": csrf_token_for(request),
            "form_issued": "" if challenge else form_issued(),
        }
        return render(request, "web/sign.html", context)
    form = sign_form(request.POST)

    def solved_captcha() -> bool:  # checked again, with the captcha this submission must carry
        nonlocal form
        form = sign_form(request.POST, challenge=True)
        return form.is_valid()

    submitted = submit_signature(
        campaign,
        form.submission(language) if form.is_valid() else None,
        channel=Signature.WEB,
        sender=sender,
        captcha=solved_captcha,
        issued=request.POST.get("issued", ""),
    )
    if submitted.outcome == Outcome.REFUSED:
        return too_many_signatures(request, campaign, text, submitted.retry_minutes)
    if submitted.outcome == Outcome.CLOSED:
        return render(
            request, "web/sign_closed.html", {"campaign": campaign, "text": text}, status=410
        )
    if submitted.outcome == Outcome.SIGNED:
        if form.cleaned_data.get("updates_email") and not form.honeypot_filled():
            request_email_subscription(campaign, form.cleaned_data["updates_email"], language)
        return redirect(reverse("receipt", args=[submitted.token]) + "?new=1", permanent=False)
    stamp = "" if "captcha" in form.fields else form_issued()
    return render(
        request,
        "web/sign.html",
        {"campaign": campaign, "text": text, "form": form, "form_issued": stamp},
        status=400,
    )


def _receipt_context(signature: Signature) -> dict[str, object]:
    campaign = signature.campaign
    counts = public.counts_for(campaign)
    waiting_for = None
    if (
        signature.publication == Signature.CONDITIONAL
        and signature.revealed_at is None
        and signature.reveal_threshold
    ):
        waiting_for = max(signature.reveal_threshold - counts.verified, 0)
    return {
        "signature": signature,
        "campaign": campaign,
        "text": campaign.text_for(get_language()),
        "counts": counts,
        "waiting_for": waiting_for,
        "log_receipt": receipt_entries(signature),
    }


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    signature = access_signature_by_receipt(token)
    context = _receipt_context(signature)
    context["token"] = token
    context["new"] = request.GET.get("new") == "1"
    if signature.state != Signature.WITHDRAWN:
        context["publication_form"] = PublicationForm(signature=signature)
    return render(request, "web/receipt.html", context)


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    signature = access_signature_by_receipt(token)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        actions.withdraw_signature(signature)
        return redirect("receipt", token)
    context = _receipt_context(signature)
    context["token"] = token
    return render(request, "web/withdraw.html", context)


@require_http_methods(["POST"])
def change_publication(request: HttpRequest, token: str) -> HttpResponse:
    signature = access_signature_by_receipt(token)
    form = PublicationForm(request.POST, signature=signature)
    if signature.state != Signature.WITHDRAWN and form.is_valid():
        actions.change_publication(
            signature, form.cleaned_data["publication"], form.cleaned_data.get("reveal_threshold")
        )
        invalidate_campaign(signature.campaign)
        return redirect("receipt", token)
    context = _receipt_context(signature)
    context.update(token=token, publication_form=form)
    return render(request, "web/receipt.html", context, status=400)
