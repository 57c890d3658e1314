"""The verification queue: which of a campaign's signatures verifiers see, in what order.

The desk's queue page and the staff API's queue both read it here.
"""

from django.db.models import Count, QuerySet

from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature

ALL_STATES = "all"


def queue_of(
    campaign: Campaign, *, state: str = "", region: str = "", held: bool | None = None
) -> QuerySet[Signature]:
    """The campaign's signatures, oldest first, repeats of another one left out.

    Those being checked by default; those in `state`, or in every state with "all";
    narrowed to one region code, or to held-back (or not held-back) signatures.
    """
    rows = Signature.objects.filter(campaign=campaign, merged_into__isnull=True)
    if region:
        rows = rows.filter(region_code=region)
    if held is not None:
        rows = rows.filter(held=held)
    if state == ALL_STATES:
        pass
    elif state:
        rows = rows.filter(state=state)
    else:
        rows = rows.filter(state__in=Signature.CHECKING_STATES)
    return rows.order_by("created_at", "id")


def next_in_queue(signature: Signature) -> Signature | None:
    """The signature a verifier sees after this one."""
    return (
        queue_of(signature.campaign)
        .exclude(pk=signature.pk)
        .filter(created_at__gte=signature.created_at)
        .first()
    )


def same_claims(signature: Signature) -> list[Signature]:
    """Other signatures of the campaign with the same claims, still in clear, shown side by
    side: a repeat is rejected as a duplicate when verifying. (A sealed earlier one is found
    with the verifiers' offline tool, or by the official when confirming.)"""
    if signature.is_sealed:
        return []
    return list(
        Signature.objects.filter(campaign_id=signature.campaign_id, claims_key=signature.claims_key)
        .exclude(pk=signature.pk)
        .order_by("id")[:20]
    )


def mark_repeats(campaign: Campaign, rows: list[Signature]) -> None:
    """Set `has_same_claims` on each row that shares its claims with another signature."""
    keys = [row.claims_key for row in rows if not row.is_sealed]
    repeated = set(
        Signature.objects.filter(campaign=campaign, claims_key__in=keys)
        .values("claims_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("claims_key", flat=True)
    )
    for row in rows:
        row.has_same_claims = row.claims_key in repeated  # type: ignore[attr-defined]
