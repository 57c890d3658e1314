"""The public site: campaign list, campaign page, signing, receipts. Works without JavaScript."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods

from undersigned.access import access_public_campaign, access_signature_by_receipt
from undersigned.campaigns.models import Campaign, CampaignText
from undersigned.campaigns.page_cache import cached_public_page
from undersigned.core.middleware import SWITCH_LANGUAGE
from undersigned.ledger.public import latest_checkpoint, receipt_entries
from undersigned.officials.regions import regions_by_code
from undersigned.sharing.actions import note_signature
from undersigned.sharing.models import known_code
from undersigned.sharing.tracking import (
    carried_code,
    counts_share_visits,
)
from undersigned.signatures import actions, public
from undersigned.signatures.abuse import Sender, SigningGuard, form_issued
from undersigned.signatures.forms import PublicationForm, SignForm, carries_challenge
from undersigned.signatures.models import Signature
from undersigned.signatures.signing import Outcome, submit_signature
from undersigned.updates.actions import request_email_subscription
from undersigned.web import errors
from undersigned.web.answers import CHECKED_IN_PAGE, BadAnswers, carried
from undersigned.web.answers import seal as seal_answers
from undersigned.web.answers import unseal as unseal_answers
from undersigned.web.check_page import render_check_page
from undersigned.web.signing import (
    REFUSED_COOKIE,
    SigningCampaign,
    csrf_token_for,
    signing_campaign,
)
from undersigned.web.templatetags.undersigned import written_in

LIST_STATES = {"open": (Campaign.OPEN,), "closed": (Campaign.CLOSED,)}


@require_GET
@cached_public_page(query=("q", "state"))
def index(request: HttpRequest) -> HttpResponse:
    """Every public campaign: searched by title, filtered by open or closed, the open ones
    first and each group by verified signatures."""
    shown = request.GET.get("state", "")
    states = LIST_STATES.get(shown, (Campaign.OPEN, Campaign.CLOSED))
    query = " ".join(request.GET.get("q", "").split())[:100]
    campaigns = list(Campaign.objects.filter(state__in=states).prefetch_related("texts"))
    verified = public.verified_counts(campaigns)
    language = get_language()
    if query:
        folded = query.casefold()
        campaigns = [
            c for c in campaigns if any(folded in t.title.casefold() for t in c.texts.all())
        ]
    campaigns.sort(key=lambda c: (not c.accepts_signatures, -verified.get(c.pk, 0)))
    rows = [
        {"campaign": c, "text": c.text_for(language), "verified": verified.get(c.pk, 0)}
        for c in campaigns
    ]
    return render(
        request,
        "web/index.html",
        {"rows": rows, "query": query, "shown": shown if shown in LIST_STATES else ""},
    )


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
            "checkpoint": latest_checkpoint(campaign),
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
    sign_form = _form_maker(recent, language)
    if request.method == "GET":
        guard = SigningGuard.for_sender(sender, campaign)
        if REFUSED_COOKIE in request.COOKIES:
            return _form_while_refused(request, campaign, text, sign_form, guard)
        challenge = guard.captcha_due()
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
    issued = request.POST.get("issued", "")
    if SWITCH_LANGUAGE in request.POST:
        return _switch_language(request, recent, text, sender, issued)
    if "answers" not in request.POST:
        # A challenge the form carried is checked; submit_signature asks for one when due,
        # so the rates are read once, as the signature is counted.
        form = sign_form(request.POST, challenge=carries_challenge(request.POST))
        if not form.is_valid():
            return _not_valid(request, campaign, text, form, sender, issued)
        if request.POST.get(CHECKED_IN_PAGE) == "1":
            # The page's script showed what will be public, and the signer confirmed it.
            return _submit(request, campaign, text, sign_form, form, sender, issued, form.challenge)
        return _check_answers(request, recent, text, form, issued)
    # The second step: the answers the check page showed, exactly as it showed them.
    try:
        answers = unseal_answers(request.POST["answers"], campaign.slug)
    except BadAnswers:
        notice = gettext("Your answers were too old or changed. Please fill in the form again.")
        return _sign_page(request, campaign, text, sign_form(), status=400, notice=notice)
    if "change" in request.POST:  # back to the form, filled in as it was
        form = SignForm(
            initial=answers.data,
            campaign=campaign,
            language=language,
            challenge=SigningGuard.for_sender(sender, campaign).captcha_due(issued),
            accepts_contacts=recent.accepts_contacts,
        )
        return _sign_page(request, campaign, text, form, issued=issued)
    form = sign_form(answers.data)
    if not form.is_valid():
        return _not_valid(request, campaign, text, form, sender, issued)
    return _submit(request, campaign, text, sign_form, form, sender, issued, answers.challenged)


def _form_maker(recent: SigningCampaign, language: str) -> Callable[..., SignForm]:
    def sign_form(data: Any = None, *, challenge: bool = False) -> SignForm:
        return SignForm(
            data,
            campaign=recent.campaign,
            language=language,
            challenge=challenge,
            accepts_contacts=recent.accepts_contacts,
        )

    return sign_form


def sign_in_one_step(request: HttpRequest, slug: str) -> HttpResponse | None:
    """The signing post as most signers send it: a valid form, no captcha, its answers
    confirmed on the form's own page (scripts on). Answered as `sign` answers it.

    None for any other post, before anything is counted or stored: `sign` answers those.
    """
    post = request.POST
    if (
        post.get(CHECKED_IN_PAGE) != "1"
        or "answers" in post
        or SWITCH_LANGUAGE in post
        or carries_challenge(post)
    ):
        return None
    try:
        recent = signing_campaign(slug)
    except Http404:
        return None
    campaign = recent.campaign
    if not campaign.accepts_signatures:
        return None
    language = get_language()
    sign_form = _form_maker(recent, language)
    form = sign_form(post)
    if not form.is_valid():
        return None
    text = campaign.text_for(language)
    sender = Sender.of_request(request)
    return _submit(request, campaign, text, sign_form, form, sender, post.get("issued", ""), False)


def _not_valid(
    request: HttpRequest,
    campaign: Campaign,
    text: CampaignText,
    form: SignForm,
    sender: Sender,
    issued: str,
) -> HttpResponse:
    """The form again with its errors. Failed attempts count, as on every channel."""
    failed = submit_signature(campaign, None, channel=Signature.WEB, sender=sender)
    if failed.outcome == Outcome.REFUSED:
        return _refused(request, campaign, text, form, sender, failed.retry_minutes)
    return _sign_page(request, campaign, text, form, status=400, issued=issued)


def _submit(
    request: HttpRequest,
    campaign: Campaign,
    text: CampaignText,
    sign_form: Callable[..., SignForm],
    form: SignForm,
    sender: Sender,
    issued: str,
    challenged: bool,
) -> HttpResponse:
    """Sign with a checked form's answers: a receipt, or the reason there is none."""
    language = get_language()
    submitted = submit_signature(
        campaign,
        form.submission(language),
        channel=Signature.WEB,
        sender=sender,
        # The captcha, when one was due, was solved on the form.
        captcha=lambda: challenged,
        issued=issued,
    )
    if submitted.outcome == Outcome.REFUSED:
        return _refused(request, campaign, text, form, sender, submitted.retry_minutes)
    if submitted.outcome == Outcome.CLOSED:
        return render(
            request, "web/sign_closed.html", {"campaign": campaign, "text": text}, status=410
        )
    if submitted.outcome == Outcome.CAPTCHA:
        # Signatures arrived faster since the form was made: the form again, filled in, with
        # a captcha as one more step. Nothing in the answers is wrong, so no error is shown.
        again = sign_form(challenge=True)
        again.initial = carried(form.data, again.fields)
        return _sign_page(request, campaign, text, again, status=400, step="captcha")
    if form.cleaned_data.get("updates_email") and not form.honeypot_filled():
        request_email_subscription(campaign, form.cleaned_data["updates_email"], language)
    if request.POST.get("via"):
        # The form came through a share link: a signature for that channel.
        note_signature(campaign.slug, request.POST["via"])
    return HttpResponseRedirect(reverse("receipt", args=[submitted.token]) + "?new=1")


def _refused(
    request: HttpRequest,
    campaign: Campaign,
    text: CampaignText,
    form: SignForm,
    sender: Sender,
    minutes: int,
) -> HttpResponse:
    """429: the form again, filled in as it was sent, saying why it was refused and when
    it may be sent again. Nothing from the attempt was stored."""
    again = SignForm(
        initial=carried(form.data, form.fields),
        campaign=campaign,
        language=get_language(),
        challenge=SigningGuard.for_sender(sender, campaign).captcha_due(),
        accepts_contacts=form.accepts_contacts,
    )
    response = _sign_page(request, campaign, text, again, status=429, refused_minutes=minutes)
    response["Retry-After"] = str(minutes * 60)
    response.set_cookie(
        REFUSED_COOKIE,
        "1",
        max_age=minutes * 60,
        path=reverse("sign", args=[campaign.slug]),
        secure=settings.CSRF_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _form_while_refused(
    request: HttpRequest,
    campaign: Campaign,
    text: CampaignText,
    sign_form: Callable[..., SignForm],
    guard: SigningGuard,
) -> HttpResponse:
    """The form opened again by a sender who was refused: while the refusal lasts it says
    so (429) instead of looking as if it would take a signature; after, it is the usual
    form and the reminder goes."""
    form = sign_form(challenge=guard.captcha_due())
    token = csrf_token_for(request)
    if not guard.refused_now():
        response = _sign_page(request, campaign, text, form, csrf_token=token)
        response.delete_cookie(REFUSED_COOKIE, path=reverse("sign", args=[campaign.slug]))
        return response
    minutes = guard.retry_minutes()
    response = _sign_page(
        request,
        campaign,
        text,
        form,
        status=429,
        refused_minutes=minutes,
        refused_visit=True,
        csrf_token=token,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


def _switch_language(
    request: HttpRequest, recent: SigningCampaign, text: CampaignText, sender: Sender, issued: str
) -> HttpResponse:
    """The page the signer was on, in the language they chose, with their answers: the
    language links of the form and of the check page post what they hold. Not an attempt."""
    campaign, language = recent.campaign, get_language()
    challenge = SigningGuard.for_sender(sender, campaign).captcha_due(issued)
    form = SignForm(
        campaign=campaign,
        language=language,
        challenge=challenge,
        accepts_contacts=recent.accepts_contacts,
    )
    if "answers" in request.POST:  # from the check page: the check page again
        try:
            answers = unseal_answers(request.POST["answers"], campaign.slug)
        except BadAnswers:
            notice = gettext("Your answers were too old or changed. Please fill in the form again.")
            return _sign_page(request, campaign, text, form, status=400, notice=notice)
        checked = SignForm(
            answers.data,
            campaign=campaign,
            language=language,
            accepts_contacts=recent.accepts_contacts,
        )
        if checked.is_valid():
            return _check_answers(request, recent, text, checked, issued, answers.challenged)
        form.initial = answers.data
    else:
        form.initial = carried(request.POST, form.fields)
    return _sign_page(request, campaign, text, form, issued=issued)


def _sign_page(
    request: HttpRequest,
    campaign: Campaign,
    text: CampaignText,
    form: SignForm,
    status: int = 200,
    notice: str = "",
    issued: str = "",
    step: str = "",
    refused_minutes: int = 0,
    refused_visit: bool = False,
    csrf_token: str | None = None,
) -> HttpResponse:
    # A form without the captcha carries the minute it was made (a new stamp, or the one
    # it came with), so that it is not asked for a captcha that switched on after it.
    stamp = "" if "captcha" in form.fields else (issued or form_issued())
    context = {
        "campaign": campaign,
        "text": text,
        "form": form,
        "notice": notice,
        "form_issued": stamp,
        "step": step,
        "refused_minutes": refused_minutes,
        "refused_visit": refused_visit,
    }
    if csrf_token is not None:  # a plain GET: the proxy may write the token in itself
        context["csrf_token"] = csrf_token
    response = render(request, "web/sign.html", context, status=status)
    response["Cache-Control"] = "no-store"  # it holds what the signer typed
    return response


def _check_answers(
    request: HttpRequest,
    recent: SigningCampaign,
    text: CampaignText,
    form: SignForm,
    issued: str,
    challenged: bool | None = None,
) -> HttpResponse:
    """The first step without the page's script: show exactly what will be public."""
    campaign, language = recent.campaign, get_language()
    data = form.cleaned_data
    context = {
        "campaign": campaign,
        "text": text,
        "form": form,
        "data": data,
        "name_lang": written_in(data["full_name"]),
        "office_lang": written_in(data.get("office") or ""),
        "body_lang": written_in(data.get("body") or ""),
        "municipality_lang": written_in(data.get("municipality") or ""),
        "region_name": regions_by_code()[data["region"]].name(language),
        "answers": seal_answers(form, campaign.slug, challenged=challenged),
        "form_issued": issued,
        "via": carried_code(request, campaign.slug),
        "csrf_token": get_token(request),
    }
    response = HttpResponse(render_check_page(request, recent, language, context))
    response["Cache-Control"] = "no-store"  # it holds what the signer typed
    return response


def _receipt_context(signature: Signature) -> dict[str, object]:
    campaign = signature.campaign
    counts = public.counts_for(campaign)
    # A withdrawn or rejected signature is not shown or counted: no choice of how it is
    # shown, and no count it waits for, applies to it any more.
    active = signature.state in Signature.ACTIVE_STATES
    waiting_for = None
    if (
        active
        and signature.publication == Signature.CONDITIONAL
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
        "active": active,
        "log_receipt": receipt_entries(signature),
    }


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    signature = access_signature_by_receipt(token)
    context = _receipt_context(signature)
    context["token"] = token
    context["receipt_url"] = request.build_absolute_uri(reverse("receipt", args=[token]))
    context["new"] = request.GET.get("new") == "1"
    if context["active"]:
        context["publication_form"] = PublicationForm(signature=signature)
    return render(request, "web/receipt.html", context)


@require_GET
def receipt_address(request: HttpRequest, token: str) -> HttpResponse:
    """The receipt's address as a small text file: in Telegram's browser, with no address
    bar, the one way to keep it besides copying it from the page."""
    signature = access_signature_by_receipt(token)
    text = signature.campaign.text_for(get_language())
    url = request.build_absolute_uri(reverse("receipt", args=[token]))
    body = "\n".join(
        [
            text.title,
            "",
            gettext("Your private receipt (see your signature's state, or withdraw it):"),
            url,
            "",
            gettext("Anyone who has this address can do the same, and it shows that you signed."),
            "",
        ]
    )
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="receipt.txt"'
    response["Cache-Control"] = "no-store"
    return response


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
    if signature.state in Signature.ACTIVE_STATES and form.is_valid():
        actions.change_publication(
            signature, form.cleaned_data["publication"], form.cleaned_data.get("reveal_threshold")
        )
        return redirect("receipt", token)
    context = _receipt_context(signature)
    context.update(
        token=token,
        publication_form=form,
        receipt_url=request.build_absolute_uri(reverse("receipt", args=[token])),
    )
    return render(request, "web/receipt.html", context, status=400)
