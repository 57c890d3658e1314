"""The queue of a campaign's signatures and the page of one signature with its candidates."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from undersigned.access import QUEUE_ROLES, access_campaign_as, access_signature_as, staff_roles
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import StaffRole
from undersigned.desk.auth import staff_required
from undersigned.desk.candidates import candidates_for, signatures_behind
from undersigned.desk.forms import MatchForm, NoteForm, QueueFilterForm, RejectForm, VerifyForm
from undersigned.signatures.models import Signature
from undersigned.verification.actions import (
    SEALED_CHECK_DONE,
    SEALED_CHECK_NOT_DONE,
    has_sealed_signers,
)
from undersigned.verification.models import ConfirmationCode, Decision, confirmations_needed
from undersigned.verification.queue import (
    ALL_STATES,
    mark_repeats,
    next_in_queue,
    queue_of,
    same_claims,
)

PER_PAGE = 50


def mark_official_repeats(campaign: Any, rows: list[Signature]) -> None:
    """Set `official_repeat` on each row whose official stands behind another standing
    signature of the campaign: that signature's number. One query for the page."""
    holders: dict[int, list[int]] = {}
    for official_id, signature_id in (
        Signature.objects.filter(
            campaign=campaign,
            official_id__in={row.official_id for row in rows if row.official_id},
            state__in=Signature.ACTIVE_STATES,
            merged_into__isnull=True,
        )
        .order_by("id")
        .values_list("official_id", "id")
    ):
        holders.setdefault(official_id, []).append(signature_id)
    for row in rows:
        others = [n for n in holders.get(row.official_id or 0, []) if n != row.pk]
        row.official_repeat = others[0] if others else None  # type: ignore[attr-defined]


@require_GET
@staff_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *QUEUE_ROLES)
    form = QueueFilterForm(request.GET or None, language=get_language())
    state = region = held = ""
    if form.is_valid():
        state, region, held = (form.cleaned_data[k] for k in ("state", "region", "held"))
    held_only = {"yes": True, "no": False}.get(held)
    in_any_state = queue_of(campaign, state=ALL_STATES, region=region, held=held_only)
    by_state = dict(
        in_any_state.order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    rows = queue_of(campaign, state=state, region=region, held=held_only)
    page = Paginator(rows.select_related("official"), PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    mark_repeats(campaign, page.object_list)
    mark_official_repeats(campaign, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "desk/queue.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "by_state": [(code, label, by_state.get(code, 0)) for code, label in Signature.STATES],
            "roles": staff_roles(request.user, campaign),
        },
    )


def render_signature(
    request: HttpRequest, signature: Signature, status: int = 200, **forms: Any
) -> HttpResponse:
    """The signature page; decision views re-render it with their invalid form and a 400."""
    campaign = signature.campaign
    roles = staff_roles(request.user, campaign)
    decisions = list(signature.decisions.select_related("verifier", "official"))
    confirmers = Decision.confirmers(signature)
    candidates = (
        candidates_for(signature) if signature.is_checking and not signature.is_sealed else []
    )
    behind = signatures_behind(
        campaign.pk,
        [c.official.pk for c in candidates or []]
        + ([signature.official_id] if signature.official_id else []),
        exclude=signature.pk,
    )
    context = {
        "campaign": campaign,
        "signature": signature,
        "roles": roles,
        "may_decide": StaffRole.VERIFIER in roles,
        # A sealed signature (reopened by a reversal) has no claims left to match.
        "candidates": [(c, behind.get(c.official.pk)) for c in candidates or []]
        if candidates is not None
        else None,
        "same_official": behind.get(signature.official_id or 0),
        "sealed_signers": has_sealed_signers(campaign),
        "sealed_checks": _sealed_checks(signature),
        "decisions": decisions,
        "confirmations": len(confirmers),
        "confirmations_needed": confirmations_needed(campaign),
        "confirmed_by_me": request.user.pk in confirmers,
        "events": AuditEvent.objects.filter(
            object_type=Signature._meta.label_lower, object_id=str(signature.pk)
        ).select_related("actor"),
        "pending_code": ConfirmationCode.objects.filter(
            signature=signature, used_at__isnull=True, revoked_at__isnull=True
        ).last(),
        "next_signature": next_in_queue(signature),
        "same_claims": same_claims(signature),
        "match_form": forms.get("match_form") or MatchForm(),
        "verify_form": forms.get("verify_form")
        or VerifyForm(sealed_signers=has_sealed_signers(campaign)),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "error": forms.get("error", ""),
    }
    return render(request, "desk/signature.html", context, status=status)


def _sealed_checks(signature: Signature) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=Signature._meta.label_lower,
            object_id=str(signature.pk),
            action__in=(SEALED_CHECK_DONE, SEALED_CHECK_NOT_DONE),
        )
        .select_related("actor")
        .order_by("id")
    )


@require_GET
@staff_required
def signature_detail(request: HttpRequest, signature_id: int) -> HttpResponse:
    signature = access_signature_as(request.user, signature_id, *QUEUE_ROLES)
    return render_signature(request, signature)
