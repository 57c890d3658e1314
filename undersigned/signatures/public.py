"""What the public may see of a campaign's signatures: counts, regions, timeline, names.

Reads the tallies the count job keeps (never COUNT(*) per request) and pages
through named signatories (never an unbounded list).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import accumulate

from django.db.models import Q, QuerySet

from undersigned.campaigns.models import Campaign
from undersigned.core.models import JobRun
from undersigned.officials.regions import region_name
from undersigned.signatures.counts import COUNT_JOB
from undersigned.signatures.models import Signature, Tally


@dataclass(frozen=True)
class Counts:
    verified: int
    checking: int
    withdrawn: int
    rejected: int
    counted_at: datetime | None

    @property
    def received(self) -> int:
        """Every signature that arrived and was counted at some point."""
        return self.verified + self.checking + self.withdrawn + self.rejected


def counts_for(campaign: Campaign) -> Counts:
    by_state = dict(
        Tally.objects.filter(campaign=campaign, key=Tally.ALL).values_list("state", "n")
    )
    return Counts(
        verified=by_state.get(Signature.VERIFIED, 0),
        checking=by_state.get(Signature.RECEIVED, 0) + by_state.get(Signature.MATCHED, 0),
        withdrawn=by_state.get(Signature.WITHDRAWN, 0),
        rejected=by_state.get(Signature.REJECTED, 0),
        counted_at=JobRun.last_started(COUNT_JOB),
    )


def verified_counts(campaigns: list[Campaign]) -> dict[int, int]:
    rows = Tally.objects.filter(
        campaign__in=campaigns, key=Tally.ALL, state=Signature.VERIFIED
    ).values_list("campaign_id", "n")
    return dict(rows)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    verified: int
    checking: int


def regions_for(campaign: Campaign, language: str) -> list[RegionRow]:
    if not campaign.publish_region_counts:
        return []
    cells: dict[str, dict[str, int]] = {}
    for key, state, n in Tally.objects.filter(
        campaign=campaign, key__startswith="region:"
    ).values_list("key", "state", "n"):
        cells.setdefault(key.removeprefix("region:"), {})[state] = n
    rows = [
        RegionRow(
            code=code,
            name=region_name(code, language) if code != "-" else "—",
            verified=states.get(Signature.VERIFIED, 0),
            checking=states.get(Signature.RECEIVED, 0) + states.get(Signature.MATCHED, 0),
        )
        for code, states in cells.items()
    ]
    rows = [row for row in rows if row.verified or row.checking]
    return sorted(rows, key=lambda r: (-r.verified, -r.checking, r.name))


@dataclass(frozen=True)
class DayRow:
    day: date
    arrived: int
    verified: int


def timeline_for(campaign: Campaign) -> list[DayRow]:
    """Per day, the running totals of signatures arrived and (standing) verified."""
    cells: dict[str, dict[str, int]] = {}
    for key, state, n in Tally.objects.filter(
        campaign=campaign, key__startswith="day:"
    ).values_list("key", "state", "n"):
        cells.setdefault(key.removeprefix("day:"), {})[state] = n
    days = sorted(cells)
    arrived = accumulate(cells[d].get(Tally.ARRIVED, 0) for d in days)
    verified = accumulate(cells[d].get(Signature.VERIFIED, 0) for d in days)
    return [
        DayRow(date.fromisoformat(d), a, v) for d, a, v in zip(days, arrived, verified, strict=True)
    ]


def named_signatories(campaign: Campaign) -> QuerySet[Signature]:
    """Verified signatories whose names may be shown now, in the order they were verified."""
    if campaign.names_hidden:
        return Signature.objects.none()
    return (
        Signature.objects.filter(
            campaign=campaign, state=Signature.VERIFIED, merged_into__isnull=True
        )
        .filter(
            publication__in=[Signature.NAMED, Signature.CONDITIONAL],
        )
        .exclude(publication=Signature.CONDITIONAL, revealed_at__isnull=True)
        .only(
            "full_name",
            "office",
            "body",
            "municipality",
            "region_code",
            "verified_at",
            "campaign_id",
        )
        .order_by("verified_at", "id")
    )


@dataclass(frozen=True)
class SignatoryPage:
    """One page of named signatories, reached by a cursor: no COUNT(*), no OFFSET."""

    object_list: list[Signature]
    start_index: int
    next_cursor: str | None
    is_first: bool

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


class BadCursor(ValueError):
    """A page cursor that this site did not make."""


# "<verified_at in microseconds>-<id>-<position of the next row>"
_CURSOR = re.compile(r"(\d{1,20})-(\d{1,20})-(\d{1,10})")


def _cursor_after(signature: Signature, position: int) -> str:
    verified_at = signature.verified_at or signature.created_at  # listed ones are verified
    micros = int(verified_at.timestamp()) * 1_000_000 + verified_at.microsecond
    return f"{micros}-{signature.pk}-{position}"


def signatories_page(
    campaign: Campaign, cursor: str | None = None, per_page: int = 100
) -> SignatoryPage:
    """The page of named signatories after `cursor` (the first page when None)."""
    rows = named_signatories(campaign)
    start = 1
    if cursor:
        match = _CURSOR.fullmatch(cursor)
        if match is None:
            raise BadCursor(cursor)
        micros, last_id, start = (int(part) for part in match.groups())
        try:
            after = datetime.fromtimestamp(micros // 1_000_000, UTC).replace(
                microsecond=micros % 1_000_000
            )
        except (OverflowError, OSError, ValueError) as error:
            raise BadCursor(cursor) from error
        rows = rows.filter(Q(verified_at__gt=after) | Q(verified_at=after, id__gt=last_id))
    found = list(rows[: per_page + 1])
    shown = found[:per_page]
    next_cursor = _cursor_after(shown[-1], start + per_page) if len(found) > per_page else None
    return SignatoryPage(shown, max(start, 1), next_cursor, is_first=not cursor)
