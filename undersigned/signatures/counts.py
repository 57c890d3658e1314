"""The batched count job and the reconciliation that recomputes tallies from scratch.

Signing writes a small CountChange row; this job folds those rows into Tally in
batches, under a lock, deleting what it folded in the same transaction. No row
is incremented per signature.
"""

import logging
from collections import Counter
from datetime import UTC, date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from undersigned.campaigns.models import Campaign
from undersigned.core.bulk import insert_rows
from undersigned.core.locks import LockBusy, job_lock
from undersigned.core.models import JobRun
from undersigned.signatures.journal import journal_folded
from undersigned.signatures.models import CountChange, Signature, Tally

log = logging.getLogger(__name__)

COUNT_JOB = "counts"
TallyKey = tuple[int, str, str]  # campaign id, key, state


def region_key(code: str) -> str:
    return f"region:{code or '-'}"


def day_key(day: date) -> str:
    return f"day:{day.isoformat()}"


def change_deltas(change: CountChange) -> Counter[TallyKey]:
    """The tally rows one pending change moves, and by how much."""
    deltas: Counter[TallyKey] = Counter()
    campaign = change.campaign_id
    for state, step in ((change.from_state, -1), (change.to_state, 1)):
        if state:
            deltas[(campaign, Tally.ALL, state)] += step
            deltas[(campaign, region_key(change.region_code), state)] += step
    if bool(change.from_state) != bool(change.to_state):
        deltas[(campaign, day_key(change.created_on), Tally.ARRIVED)] += (
            1 if change.to_state else -1
        )
    if change.verified_on is not None:
        if change.to_state == Signature.VERIFIED:
            deltas[(campaign, day_key(change.verified_on), Signature.VERIFIED)] += 1
        if change.from_state == Signature.VERIFIED:
            deltas[(campaign, day_key(change.verified_on), Signature.VERIFIED)] -= 1
    return deltas


def _apply(deltas: Counter[TallyKey]) -> None:
    """Move the tallies by `deltas` in one statement (a few on SQLite, which takes fewer
    parameters): each row is created, or added to."""
    rows = [(*key, delta) for key, delta in sorted(deltas.items()) if delta != 0]
    insert_rows(
        Tally,
        ["campaign", "key", "state", "n"],
        rows,
        add_on_conflict=(["campaign", "key", "state"], "n"),
    )


def fold_changes(batch_size: int | None = None) -> set[int]:
    """Fold one batch of pending changes into the tallies; the campaigns that changed."""
    batch_size = batch_size or settings.COUNT_BATCH_SIZE
    with transaction.atomic():
        changes = list(CountChange.objects.order_by("id")[:batch_size])
        if not changes:
            return set()
        deltas: Counter[TallyKey] = Counter()
        for change in changes:
            deltas.update(change_deltas(change))
        _apply(deltas)
        journal_folded(changes)
        # Exactly the rows folded: a change with a lower id may commit only now, and is left
        # for the next batch (deleting by "id <= last" would drop it uncounted).
        CountChange.objects.filter(id__in=[change.id for change in changes]).delete()
    return {change.campaign_id for change in changes}


def refresh_counts() -> set[int]:
    """Fold the pending changes into the tallies; the campaigns whose tallies moved. Skips
    if a run is under way.

    The count job (undersigned.jobs.counts) runs this, then what follows, reveals first.
    """
    started = timezone.now()
    changed: set[int] = set()
    try:
        with job_lock(COUNT_JOB, lease=timedelta(minutes=2)):
            while batch := fold_changes():
                changed |= batch
            JobRun.finished(COUNT_JOB, started)
    except LockBusy:
        return set()
    return changed


def verified_count(campaign_id: int) -> int:
    """The campaign's verified signatures, as the tallies count them."""
    return tally_of(campaign_id, Tally.ALL).get(Signature.VERIFIED, 0)


def tally_of(campaign_id: int, key: str) -> dict[str, int]:
    return dict(Tally.objects.filter(campaign_id=campaign_id, key=key).values_list("state", "n"))


def recount(campaign: Campaign) -> Counter[TallyKey]:
    """The tallies of a campaign computed from the signatures themselves."""
    counted = Signature.objects.filter(campaign=campaign, merged_into__isnull=True, held=False)
    expected: Counter[TallyKey] = Counter()
    for row in counted.values("state").annotate(n=Count("id")):
        expected[(campaign.pk, Tally.ALL, row["state"])] = row["n"]
    for row in counted.values("region_code", "state").annotate(n=Count("id")):
        expected[(campaign.pk, region_key(row["region_code"]), row["state"])] = row["n"]
    arrivals = counted.annotate(day=TruncDate("created_at", tzinfo=UTC)).values("day")
    for arrived in arrivals.annotate(n=Count("id")):
        expected[(campaign.pk, day_key(arrived["day"]), Tally.ARRIVED)] = arrived["n"]
    verified = counted.filter(state=Signature.VERIFIED)
    verified_days = verified.annotate(day=TruncDate("verified_at", tzinfo=UTC)).values("day")
    for day in verified_days.annotate(n=Count("id")):
        expected[(campaign.pk, day_key(day["day"]), Signature.VERIFIED)] = day["n"]
    return expected


def reconcile_counts(campaign: Campaign, *, wait: float = 0.0) -> int:
    """Replace a campaign's overall and region tallies with a recount; the rows corrected.

    Run under the count lock (waiting up to `wait` seconds for it) after folding what is
    pending, so the recount and the tallies describe the same moment. Day rows are
    rebuilt too.
    """
    corrected = 0
    with job_lock(COUNT_JOB, lease=timedelta(minutes=30), wait=wait), transaction.atomic():
        while fold_changes():
            pass
        expected = recount(campaign)
        current = {
            (campaign.pk, t.key, t.state): t.n for t in Tally.objects.filter(campaign=campaign)
        }
        for key in set(current) | set(expected):
            want = expected.get(key, 0)
            if current.get(key, 0) != want:
                corrected += 1
                Tally.objects.update_or_create(
                    campaign_id=key[0], key=key[1], state=key[2], defaults={"n": want}
                )
    if corrected:
        log.warning("reconciliation corrected %d tally rows of campaign %s", corrected, campaign.pk)
    return corrected


def reconcile_all() -> set[int]:
    """Reconcile every campaign that is not a draft; the campaigns whose tallies were
    corrected (none when the count lock is busy: the next run reconciles)."""
    corrected: set[int] = set()
    try:
        for campaign in Campaign.objects.exclude(state=Campaign.DRAFT):
            if reconcile_counts(campaign):
                corrected.add(campaign.pk)
    except LockBusy:
        pass
    return corrected
