"""Which signatures a bulk invalidation takes: criteria, the matching rows, a description."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature


@dataclass(frozen=True)
class InvalidationCriteria:
    """Standing signatures of one campaign, narrowed by any of the other fields."""

    campaign: Campaign
    received_from: datetime | None = None
    received_to: datetime | None = None
    body_contains: str = ""
    region_code: str = ""
    client_hash: str = ""
    states: tuple[str, ...] = field(default=())
    held: bool | None = None

    def queryset(self) -> QuerySet[Signature]:
        states = [s for s in self.states if s in Signature.ACTIVE_STATES] or list(
            Signature.ACTIVE_STATES
        )
        rows = Signature.objects.filter(campaign=self.campaign, state__in=states)
        if self.received_from is not None:
            rows = rows.filter(created_at__gte=self.received_from)
        if self.received_to is not None:
            rows = rows.filter(created_at__lt=self.received_to)
        if self.body_contains:
            rows = rows.filter(body__icontains=self.body_contains)
        if self.region_code:
            rows = rows.filter(region_code=self.region_code)
        if self.client_hash:
            rows = rows.filter(client_hash=self.client_hash)
        if self.held is not None:
            rows = rows.filter(held=self.held)
        return rows

    def describe(self) -> str:
        """The criteria for the audit trail (no personal data: the body is an institution)."""
        parts = [f"campaign={self.campaign.slug}"]
        if self.received_from:
            parts.append(f"from={self.received_from.isoformat()}")
        if self.received_to:
            parts.append(f"to={self.received_to.isoformat()}")
        if self.body_contains:
            parts.append(f"body~{self.body_contains!r}")
        if self.region_code:
            parts.append(f"region={self.region_code}")
        if self.client_hash:
            parts.append(f"client={self.client_hash[:12]}…")
        if self.states:
            parts.append("states=" + "+".join(self.states))
        if self.held is not None:
            parts.append(f"held={'yes' if self.held else 'no'}")
        return " ".join(parts)
