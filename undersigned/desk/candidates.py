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
    try:
        from undersigned.officials import matching
    except ImportError:
        return None
    source = signature.campaign.registry_source or None
    found = matching.find_candidates(claims_of(signature), source=source, limit=limit)
    officials = Official.objects.in_bulk([c.official_id for c in found])
    return [
        CandidateRow(officials[c.official_id], float(c.score), list(c.explanation))
        for c in found
        if c.official_id in officials
    ]
