"""What the public may see of a campaign's signatures: counts, regions, timeline, names.

Reads the tallies the count job keeps (never COUNT(*) per request) and pages
through named signatories (never an unbounded list).
"""

import base64
import hashlib
import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from itertools import accumulate

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.db.models import QuerySet

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
        Signature.objects.filter(campaign=campaign)
        .filter(Signature.LISTED)  # the condition of the index the list is read from
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


# A cursor holds the last row's verification time and id and the next row's position,
# encrypted (deterministically, so one page has one address the caches can keep) and
# bound to its campaign: the public sees neither ids nor times, and cannot make one up.
_CURSOR_LAYOUT = struct.Struct(">qqI")


@cache
def _cursor_cipher() -> AESSIV:
    key = hashlib.sha512(b"signatories-cursor:" + settings.SECRET_KEY.encode()).digest()
    return AESSIV(key)


def _cursor_after(campaign: Campaign, signature: Signature, position: int) -> str:
    verified_at = signature.verified_at or signature.created_at  # listed ones are verified
    micros = int(verified_at.timestamp()) * 1_000_000 + verified_at.microsecond
    sealed = _cursor_cipher().encrypt(
        _CURSOR_LAYOUT.pack(micros, signature.pk, position), [str(campaign.pk).encode()]
    )
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def _open_cursor(campaign: Campaign, cursor: str) -> tuple[datetime, int, int]:
    if len(cursor) != 48:
        raise BadCursor(cursor)
    try:
        sealed = base64.urlsafe_b64decode(cursor + "==")
        plain = _cursor_cipher().decrypt(sealed, [str(campaign.pk).encode()])
        micros, last_id, position = _CURSOR_LAYOUT.unpack(plain)
        after = datetime.fromtimestamp(micros // 1_000_000, UTC).replace(
            microsecond=micros % 1_000_000
        )
    except (InvalidTag, ValueError, struct.error, OverflowError, OSError) as error:
        raise BadCursor(cursor) from error
    return after, last_id, position


def signatories_page(
    campaign: Campaign, cursor: str | None = None, per_page: int = 100
) -> SignatoryPage:
    """The page of named signatories after `cursor` (the first page when None)."""
    rows = named_signatories(campaign)
    start = 1
    if cursor:
        after, last_id, start = _open_cursor(campaign, cursor)
        # One row comparison, parameterised: the index is entered at the cursor, whatever
        # its depth.
        rows = rows.extra(where=["(verified_at, id) > (%s, %s)"], params=[after, last_id])
    found = list(rows[: per_page + 1])
    shown = found[:per_page]
    next_cursor = (
        _cursor_after(campaign, shown[-1], start + per_page) if len(found) > per_page else None
    )
    return SignatoryPage(shown, max(start, 1), next_cursor, is_first=not cursor)
