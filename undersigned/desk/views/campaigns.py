"""The staff member's campaigns, a campaign's overview, and the organizer's pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from undersigned.access import (
    ORGANIZERS,
    STAFF_ROLES,
    access_campaign_as,
    campaigns_for_staff,
    may_create_campaigns,
    staff_roles,
)
from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import Campaign, StaffRole, TransitionError
from undersigned.desk.auth import staff_required
from undersigned.desk.candidates import candidates_for, candidates_for_claims, signatures_behind
from undersigned.desk.forms import (
    CampaignForm,
    CloseConfirmForm,
    ClosingDateForm,
    NamesHiddenForm,
    OpeningSignatoryForm,
    RegionCountsForm,
    RematchForm,
    RevokeRoleForm,
    RoleForm,
    TextForm,
    TransitionForm,
)
from undersigned.officials.regions import regions_by_code
from undersigned.signatures import actions as signature_actions
from undersigned.signatures import public
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.vault.actions import campaign_accepts_contacts
from undersigned.verification.sealed import reveals_due


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    campaigns = list(campaigns_for_staff(request.user, *STAFF_ROLES).prefetch_related("texts"))
    language = get_language()
    roles: dict[int, list[str]] = {}
    for campaign_id, role in StaffRole.objects.filter(
        user_id=int(request.user.pk or 0)
    ).values_list("campaign_id", "role"):
        roles.setdefault(campaign_id, []).append(role)
    rows = [
        {"campaign": c, "text": c.text_for(language), "roles": sorted(roles.get(c.pk, []))}
        for c in campaigns
    ]
    return render(
        request, "desk/home.html", {"rows": rows, "may_create": may_create_campaigns(request.user)}
    )


@require_GET
@staff_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *STAFF_ROLES)
    return render(
        request,
        "desk/campaign.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(get_language()),
            "counts": public.counts_for(campaign),
            "roles": staff_roles(request.user, campaign),
            "reveals_due": reveals_due(campaign),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def create(request: HttpRequest) -> HttpResponse:
    if not may_create_campaigns(request.user):
        raise PermissionDenied("may not create campaigns")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_actions.create_campaign(
                organizer=request.user,
                slug=data["slug"],
                kind=data["kind"],
                addressee=data["addressee"],
                eligibility=data["eligibility"],
                registry_source=data["registry_source"],
                closes_at=data["closes_at"],
                publish_region_counts=data["publish_region_counts"],
                requires_verification=data["requires_verification"],
                four_eyes=data["four_eyes"],
                reveal_thresholds=data["reveal_thresholds"],
                original_language=data["original_language"],
                texts=[
                    {
                        "language": data["original_language"],
                        "title": data["title"],
                        "body": data["body"],
                        "addressee": data["addressee"],
                    }
                ],
            )
        except IntegrityError:
            form.add_error("slug", _("A campaign with this address exists already."))
        else:
            messages.success(request, _("The campaign is created as a draft."))
            return redirect("desk:manage", campaign.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "desk/create.html", {"form": form}, status=status)


def _manage_context(campaign: Campaign, language: str) -> dict[str, object]:
    texts = {t.language: t for t in campaign.texts.all()}
    return {
        "campaign": campaign,
        "text": campaign.text_for(language),
        "texts": [(code, name, texts.get(code)) for code, name in _languages()],
        "staff": StaffRole.objects.filter(campaign=campaign)
        .select_related("user")
        .order_by("role", "user__username"),
        "role_form": RoleForm(),
        "closing_form": ClosingDateForm(initial={"closes_at": campaign.closes_at}),
        "may_set_closing_date": campaign.state in (Campaign.DRAFT, Campaign.OPEN),
        "opening_form": OpeningSignatoryForm(language=language),
        "may_open": campaign.state in (Campaign.DRAFT, Campaign.CLOSED),
        "may_close": campaign.state == Campaign.OPEN,
        "may_archive": campaign.state == Campaign.CLOSED,
        "may_add_opening": campaign.takes_opening_signatories,
        "opening": _opening_rows(campaign),
    }


def _opening_rows(campaign: Campaign) -> list[dict[str, Any]]:
    """The opening signatories, each with its registry official and, while the campaign is
    a draft, the candidates it may be corrected to."""
    rows = []
    signatures = campaign.signatures.filter(
        channel=Signature.ORGANIZER, state__in=Signature.ACTIVE_STATES
    ).select_related("official")
    correctable = campaign.takes_opening_signatories and _matches_registry(campaign)
    for signature in signatures.order_by("id"):
        candidates = (
            candidates_for(signature) or [] if correctable and not signature.is_sealed else []
        )
        rows.append({"signature": signature, "candidates": candidates})
    return rows


def _languages() -> list[tuple[str, str]]:
    from django.conf import settings

    return list(settings.LANGUAGES)


def _render_manage(
    request: HttpRequest, campaign: Campaign, status: int = 200, **extra: object
) -> HttpResponse:
    context = _manage_context(campaign, get_language())
    context.update(extra)
    return render(request, "desk/manage.html", context, status=status)


@require_GET
@staff_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    return _render_manage(request, campaign)


@require_POST
@staff_required
def transition(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, campaign, 400, error=_("Unknown action."))
    action = form.cleaned_data["action"]
    if action == "close" and campaign.state == Campaign.OPEN:
        confirm = CloseConfirmForm(request.POST)
        if not confirm.is_valid():
            return _render_close(request, campaign, confirm if "confirm" in request.POST else None)
    move = {
        "open": campaign_actions.open_campaign,
        "close": campaign_actions.close_campaign,
        "archive": campaign_actions.archive_campaign,
    }[action]
    try:
        move(campaign, actor=request.user)
    except TransitionError:
        return _render_manage(
            request, campaign, 400, error=_("A campaign in this state cannot do that.")
        )
    messages.success(request, _("The campaign's state has changed."))
    return redirect("desk:manage", campaign.slug)


def _render_close(
    request: HttpRequest, campaign: Campaign, form: CloseConfirmForm | None
) -> HttpResponse:
    """The question before closing: how many signatures are still being checked."""
    checking = campaign.signatures.filter(
        state__in=Signature.CHECKING_STATES, merged_into__isnull=True
    ).count()
    return render(
        request,
        "desk/close.html",
        {"campaign": campaign, "checking": checking, "form": form or CloseConfirmForm()},
        status=200 if form is None else 400,
    )


@require_GET
@staff_required
def close_confirmation(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    if campaign.state != Campaign.OPEN:
        return redirect("desk:manage", campaign.slug)
    return _render_close(request, campaign, None)


@require_POST
@staff_required
def closing_date(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = ClosingDateForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, campaign, 400, closing_form=form)
    try:
        campaign_actions.set_closing_date(
            campaign, form.cleaned_data["closes_at"], actor=request.user
        )
    except TransitionError:
        return _render_manage(
            request, campaign, 400, error=_("A closed campaign has no closing date to change.")
        )
    messages.success(
        request,
        _("The closing date is set.")
        if form.cleaned_data["closes_at"]
        else _("The closing date is removed: the campaign closes when you close it."),
    )
    return redirect("desk:manage", campaign.slug)


@require_POST
@staff_required
def region_counts(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = RegionCountsForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, campaign, 400, error=_("Unknown action."))
    published = form.cleaned_data["published"] == "yes"
    try:
        campaign_actions.set_region_counts_published(campaign, published, actor=request.user)
    except TransitionError:
        return _render_manage(
            request,
            campaign,
            400,
            error=_("Whether counts by region are published is fixed once the campaign is open."),
        )
    messages.success(
        request,
        _("Counts by region will be published.")
        if published
        else _("Counts by region will not be published."),
    )
    return redirect("desk:manage", campaign.slug)


@require_POST
@staff_required
def names_hidden(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = NamesHiddenForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, campaign, 400, error=_("Unknown action."))
    hidden = form.cleaned_data["hidden"] == "yes"
    campaign_actions.set_names_hidden(campaign, hidden, actor=request.user)
    messages.success(
        request,
        _("Every name of this campaign is now hidden.")
        if hidden
        else _("Names are shown again as each signer chose."),
    )
    return redirect("desk:manage", campaign.slug)


@require_POST
@staff_required
def grant_role(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = RoleForm(request.POST)
    if form.is_valid():
        user = (
            get_user_model()
            .objects.filter(username=form.cleaned_data["username"], is_active=True)
            .first()
        )
        if user is None:
            form.add_error("username", _("There is no active staff account with this username."))
        else:
            campaign_actions.grant_role(
                campaign, user, form.cleaned_data["role"], actor=request.user
            )
            messages.success(request, _("The role is granted."))
            return redirect("desk:manage", campaign.slug)
    return _render_manage(request, campaign, 400, role_form=form)


@require_POST
@staff_required
def revoke_role(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = RevokeRoleForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, campaign, 400, error=_("Unknown action."))
    user = get_user_model().objects.filter(pk=form.cleaned_data["user"]).first()
    if user is None:
        raise Http404("no such user")
    try:
        campaign_actions.revoke_role(campaign, user, form.cleaned_data["role"], actor=request.user)
    except TransitionError:
        return _render_manage(
            request, campaign, 400, error=_("A campaign keeps at least one organizer.")
        )
    messages.success(request, _("The role is revoked."))
    return redirect("desk:manage", campaign.slug)


@require_http_methods(["GET", "POST"])
@staff_required
def edit_text(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    if language not in dict(_languages()):
        raise Http404("no such language")
    existing = campaign.texts.filter(language=language).first()
    initial = (
        {"title": existing.title, "body": existing.body, "addressee": existing.addressee}
        if existing
        else None
    )
    form = TextForm(request.POST or None, initial=initial)
    error = ""
    if campaign.state != Campaign.DRAFT:
        error = _("Texts can be changed only while the campaign is a draft.")
    if request.method == "POST" and not error and form.is_valid():
        campaign_actions.set_campaign_text(
            campaign,
            language,
            actor=request.user,
            is_original=existing.is_original if existing else False,
            **form.cleaned_data,
        )
        messages.success(request, _("The text is saved."))
        return redirect("desk:manage", campaign.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "desk/text.html",
        {
            "campaign": campaign,
            "form": form,
            "language": language,
            "existing": existing,
            "error": error,
        },
        status=status,
    )


def _opening_claims(data: dict[str, Any]) -> Claims:
    region = regions_by_code().get(data["region"]) if data["region"] else None
    return Claims(
        full_name=data["full_name"],
        office=data["office"],
        body=data["body"],
        municipality=data["municipality"],
        region=region.name_ru if region else "",
        region_code=region.code if region else "",
    )


def _matches_registry(campaign: Campaign) -> bool:
    return campaign.eligibility == Campaign.ELIGIBLE_OFFICIALS


def _refusal(refused: signature_actions.OpeningSignatoryRefused) -> str:
    if refused.reason == refused.NO_VERIFIER_KEY:
        return _(
            "Not added: a signatory counted but not named is sealed at once to the verifiers' "
            "keys, and this campaign has no verifier key yet. Add a verifier key first (Verifier "
            "keys), or add the signatory as named."
        )
    if refused.reason == refused.OFFICIAL_TAKEN and refused.other is not None:
        return _(
            "Not added: this registry official already stands behind signature %(n)s of the "
            "campaign. One person counts once."
        ) % {"n": f"#{refused.other.pk}"}
    return _("There is no such official in the campaign's registry.")


@require_POST
@staff_required
def add_opening_signatory(request: HttpRequest, slug: str) -> HttpResponse:
    """Two steps: the claims, then the registry official the organizer picks among the
    candidates (or none), as a verifier does. Nothing is stored before the second."""
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    form = OpeningSignatoryForm(request.POST, language=get_language())
    if not campaign.takes_opening_signatories:
        return _render_manage(
            request,
            campaign,
            400,
            error=_(
                "Opening signatories are added only while the campaign is a draft. Once it is "
                "open, every signature goes through verification."
            ),
        )
    if not form.is_valid():
        return _render_manage(request, campaign, 400, opening_form=form)
    data = form.cleaned_data
    claims = _opening_claims(data)
    choice = data["official"]
    if data["publication"] != Signature.NAMED and not campaign_accepts_contacts(campaign):
        # Said at once, before the organizer picks an official.
        refused = signature_actions.OpeningSignatoryRefused(
            signature_actions.OpeningSignatoryRefused.NO_VERIFIER_KEY
        )
        return _render_manage(request, campaign, 400, opening_form=form, error=_refusal(refused))
    if _matches_registry(campaign) and not choice:
        candidates = candidates_for_claims(claims, campaign.registry_source) or []
        behind = signatures_behind(campaign.pk, [c.official.pk for c in candidates])
        return _render_manage(
            request,
            campaign,
            opening_form=form,
            opening_candidates=[(c, behind.get(c.official.pk)) for c in candidates],
            choosing_official=True,
        )
    official_id = int(choice) if choice and choice != OpeningSignatoryForm.NO_OFFICIAL else None
    try:
        signature_actions.add_opening_signatory(
            campaign,
            request.user,
            claims,
            publication=data["publication"],
            official_id=official_id,
        )
    except IntegrityError:
        form.add_error("full_name", _("This signatory is on the campaign already."))
        return _render_manage(request, campaign, 400, opening_form=form)
    except signature_actions.OpeningSignatoryRefused as refused:
        return _render_manage(request, campaign, 400, opening_form=form, error=_refusal(refused))
    if official_id is None and _matches_registry(campaign):
        messages.warning(
            request,
            _(
                "The opening signatory is added and verified, without a registry official: "
                "a later repeat of this person will not be recognised automatically."
            ),
        )
    else:
        messages.success(request, _("The opening signatory is added and verified."))
    return redirect("desk:manage", campaign.slug)


@require_POST
@staff_required
def rematch_opening_signatory(request: HttpRequest, slug: str, signature_id: int) -> HttpResponse:
    """Correct an opening signatory's registry official while the campaign is a draft."""
    campaign = access_campaign_as(request.user, slug, *ORGANIZERS)
    signature = campaign.signatures.filter(
        pk=signature_id, channel=Signature.ORGANIZER, sealed__isnull=True
    ).first()
    if signature is None:
        raise Http404("no such opening signatory")
    form = RematchForm(request.POST)
    if not form.is_valid():
        return _render_manage(request, campaign, 400, error=_("Choose an official or none."))
    choice = form.cleaned_data["official"]
    official_id = None if choice == OpeningSignatoryForm.NO_OFFICIAL else int(choice)
    try:
        signature_actions.rematch_opening_signatory(signature, official_id, actor=request.user)
    except signature_actions.OpeningSignatoryRefused as refused:
        return _render_manage(request, campaign, 400, error=_refusal(refused))
    except ValueError:
        return _render_manage(
            request,
            campaign,
            400,
            error=_("Opening signatories are corrected only while the campaign is a draft."),
        )
    messages.success(request, _("The opening signatory's registry official is changed."))
    return redirect("desk:manage", campaign.slug)
