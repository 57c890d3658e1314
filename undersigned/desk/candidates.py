"""Registry candidates for a signature, from the matcher, with the officials they name."""

from dataclasses import dataclass, field

from undersigned.officials.models import Official
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature


@dataclass(frozen=True)
class CandidateRow:
    official: Official
    score: float
    explanation: list[str] = field(default_factory=list)


def claims_of(signature: Signature) -> Claims:
    return Claims(
        full_name=signature.full_name,
        office=signature.office,
        body=signature.body,
        municipality=signature.municipality,
        region=signature.region,
        region_code=signature.region_code,
    )


def candidates_for(signature: Signature, limit: int = 5) -> list[CandidateRow] | None:
    """The matcher's best candidates; None when this installation has no matcher."""
    return candidates_for_claims(
        claims_of(signature), signature.campaign.registry_source, limit=limit
    )


def candidates_for_claims(
    claims: Claims, registry_source: str, limit: int = 5
) -> list[CandidateRow] | None:
    """The matcher's best candidates for claims in a campaign's registry; None when this
    installation has no matcher."""
    try:
        from undersigned.officials import matching
    except ImportError:
        return None
    found = matching.find_candidates(claims, source=registry_source or None, limit=limit)
    officials = Official.objects.in_bulk([c.official_id for c in found])
    return [
        CandidateRow(officials[c.official_id], float(c.score), list(c.explanation))
        for c in found
        if c.official_id in officials
    ]


def signatures_behind(
    campaign_id: int, official_ids: list[int], exclude: int | None = None
) -> dict[int, Signature]:
    """For each of these officials already behind a standing signature of the campaign (in
    clear), that signature."""
    rows = Signature.objects.filter(
        campaign_id=campaign_id,
        official_id__in=official_ids,
        state__in=Signature.ACTIVE_STATES,
        merged_into__isnull=True,
    ).order_by("id")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    found: dict[int, Signature] = {}
    for row in rows:
        found.setdefault(row.official_id or 0, row)
    return found
