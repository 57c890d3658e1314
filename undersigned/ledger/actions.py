"""Changes to the public log: appending the journaled events (signatures.journal) in
batches, signing checkpoints, and witnesses. Each runs in a transaction and records
itself in the audit trail; no entry or checkpoint is ever rewritten or deleted."""

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign
from undersigned.core.bulk import insert_rows
from undersigned.core.locks import LockBusy, job_lock
from undersigned.ledger import merkle, note, tally
from undersigned.ledger.keys import default_origin, log_private_key
from undersigned.ledger.models import (
    Checkpoint,
    Cosignature,
    LogEntry,
    LogNode,
    WitnessKey,
)
from undersigned.signatures.counts import COUNT_JOB
from undersigned.signatures.models import PendingLogEvent

log = logging.getLogger(__name__)
T = TypeVar("T")


class LedgerError(ValueError):
    """A request the log refuses (a bad cosignature, an unknown witness...)."""


def batch_time(now: datetime) -> str:
    """The time every entry of a batch carries, rounded down so it tells little."""
    step = max(settings.LEDGER_TIME_ROUNDING_SECONDS, 1)
    seconds = int(now.timestamp()) // step * step
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Pending(NamedTuple):
    """A journaled event as the batch reads it."""

    id: int
    campaign_id: int
    event: str
    handle: str
    region_code: str


def entry_data(event: Pending, campaign: Campaign, time: str) -> str:
    fields = {"event": event.event, "handle": event.handle, "time": time}
    if campaign.publish_region_counts:
        fields["region"] = event.region_code
    return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def tree_size(campaign_id: int) -> int:
    entries = LogEntry.objects.filter(campaign_id=campaign_id).order_by("-index")
    last = entries.values_list("index", flat=True).first()
    return 0 if last is None else last + 1


class StoredTree:
    """A campaign's tree as stored: leaves in LogEntry, complete subtrees in LogNode.

    A proof or root reads its O(log n) nodes in two queries: the nodes a computation
    needs do not depend on their values, so they are listed first, then fetched at once.
    """

    def __init__(self, campaign_id: int):
        self.campaign_id = campaign_id

    def nodes(self, positions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        wanted = set(positions)
        leaves = [index for level, index in wanted if level == 0]
        inner = [LogNode.position_of(level, index) for level, index in wanted if level]
        found: dict[tuple[int, int], bytes] = {}
        if leaves:
            rows = LogEntry.objects.filter(campaign_id=self.campaign_id, index__in=leaves)
            for index, value in rows.order_by().values_list("index", "leaf_hash"):
                found[(0, index)] = bytes(value)
        if inner:
            nodes = LogNode.objects.filter(campaign_id=self.campaign_id, position__in=inner)
            for position, value in nodes.values_list("position", "hash"):
                found[
                    (position >> LogNode.LEVEL_SHIFT, position & ((1 << LogNode.LEVEL_SHIFT) - 1))
                ] = bytes(value)
        if missing := wanted - set(found):
            raise merkle.ProofError(f"the log has no node {min(missing)}")
        return found

    def node(self, level: int, index: int) -> bytes:
        return self.nodes([(level, index)])[(level, index)]

    def _compute(self, compute: Callable[[merkle.NodeSource], T]) -> T:
        wanted: list[tuple[int, int]] = []

        def record(level: int, index: int) -> bytes:
            wanted.append((level, index))
            return bytes(merkle.HASH_SIZE)

        compute(record)
        found = self.nodes(wanted) if wanted else {}
        return compute(lambda level, index: found[(level, index)])

    def root(self, size: int) -> bytes:
        return self._compute(lambda node: merkle.root_hash(size, node))

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return self._compute(lambda node: merkle.inclusion_proof(index, size, node))

    def consistency(self, first: int, second: int) -> list[bytes]:
        return self._compute(lambda node: merkle.consistency_proof(first, second, node))

    def right_edge(self, size: int) -> merkle.NodeSource:
        """The node source appending to a tree of `size` needs: its complete right-edge subtrees."""
        positions, start = [], 0
        while start < size:
            level = (size - start).bit_length() - 1
            positions.append((level, start >> level))
            start += 1 << level
        # Appending also reads the left siblings of the edge's parts, which are those very parts.
        found = self.nodes(positions) if positions else {}
        return lambda level, index: found[(level, index)]


def _append(campaign: Campaign, events: list[Pending], time: str) -> int:
    size = tree_size(campaign.pk)
    datas = [entry_data(event, campaign, time) for event in events]
    leaves = [merkle.leaf_hash(data.encode()) for data in datas]
    nodes = merkle.new_nodes(size, leaves, StoredTree(campaign.pk).right_edge(size))
    insert_rows(
        LogEntry,
        ["campaign", "index", "data", "handle", "leaf_hash"],
        [
            (campaign.pk, size + offset, data, event.handle, leaf)
            for offset, (event, data, leaf) in enumerate(zip(events, datas, leaves, strict=True))
        ],
    )
    insert_rows(
        LogNode,
        ["campaign", "position", "hash"],
        [(campaign.pk, LogNode.position_of(lv, ix), value) for (lv, ix), value in nodes.items()],
    )
    return size + len(events)


def figures_at(campaign_id: int, previous: Checkpoint | None, size: int) -> tally.Tally:
    """The figures the first `size` entries prove: the previous checkpoint's figures moved
    by the entries since, each replayed from its handle's standing in the entries before."""
    entries = LogEntry.objects.filter(campaign_id=campaign_id, index__lt=size).order_by("index")
    figures = previous.figures_data() if previous is not None else None
    if previous is None or figures is None:
        result = tally.Tally()
    else:
        result = tally.Tally.from_figures(figures)
        entries = entries.filter(index__gte=previous.size)
    rows = [(index, json.loads(data)) for index, data in entries.values_list("index", "data")]
    if figures is not None and previous is not None:
        handles = sorted({entry["handle"] for _, entry in rows})
        before = tally.Tally()
        for start in range(0, len(handles), 5000):
            earlier = LogEntry.objects.filter(
                campaign_id=campaign_id,
                handle__in=handles[start : start + 5000],
                index__lt=previous.size,
            ).order_by("index")
            for index, data in earlier.values_list("index", "data"):
                before.apply(index, json.loads(data))
        result.standing = before.standing
    for index, entry in rows:
        if problem := result.apply(index, entry):
            log.error("the log's entries do not replay: %s", problem)
    return result


def sign_checkpoint(campaign: Campaign, time: str | None = None) -> Checkpoint | None:
    """Sign the campaign's tree as it stands now, unless that size is signed already, with
    its time (rounded like the entries', never before the last checkpoint's) and the
    verified and being-checked figures its entries prove."""
    size = tree_size(campaign.pk)
    latest = Checkpoint.objects.filter(campaign=campaign).order_by("-size").first()
    if latest is not None and latest.size == size:
        return None
    origin = latest.origin if latest is not None else default_origin(campaign.slug)
    time = time or batch_time(timezone.now())
    if latest is not None and (latest.time or "") > time:
        time = latest.time or time
    figures = figures_at(campaign.pk, latest, size)
    root = StoredTree(campaign.pk).root(size)
    body = note.Checkpoint(
        origin,
        size,
        root,
        (
            f"{note.EXTENSION_TIME} {time}",
            f"{note.EXTENSION_VERIFIED} {figures.verified}",
            f"{note.EXTENSION_CHECKING} {figures.checking}",
        ),
    ).body()
    signed = note.SignedNote(body, (note.sign(body, origin, log_private_key()),))
    checkpoint = Checkpoint.objects.create(
        campaign=campaign,
        origin=origin,
        size=size,
        root=root,
        note=signed.render(),
        figures=json.dumps(figures.figures(), sort_keys=True),
        created_at=timezone.now(),
    )
    record("ledger.checkpoint_signed", checkpoint, campaign=campaign, note=f"size {size}")
    return checkpoint


def append_pending(batch_size: int | None = None) -> dict[int, int]:
    """Append every journaled event, in batches, and sign a checkpoint per campaign after
    each batch. The new sizes by campaign id.

    Every journaled event is already counted (the count job journals it as it folds its
    change). Runs under the count job's lock: while it is held nothing is folded, so a
    checkpoint's figures are those of the events appended.
    """
    try:
        with job_lock(COUNT_JOB, lease=timedelta(minutes=5)):
            return append_ready(batch_size)
    except LockBusy:
        return {}


def append_ready(batch_size: int | None = None) -> dict[int, int]:
    """`append_pending` for a caller that holds the count job's lock already."""
    batch_size = batch_size or settings.LEDGER_BATCH_SIZE
    sizes: dict[int, int] = {}
    while batch := _append_batch(batch_size):
        sizes.update(batch)
    return sizes


def _append_batch(batch_size: int) -> dict[int, int]:
    with transaction.atomic():
        # Events go in the order the count job journaled them: each with its change's
        # fold, a reveal after the verification it follows.
        ready = PendingLogEvent.objects.order_by("id")[:batch_size]
        events = [Pending(*row) for row in ready.values_list(*Pending._fields)]
        if not events:
            return {}
        time = batch_time(timezone.now())
        by_campaign: dict[int, list[Pending]] = defaultdict(list)
        for event in events:
            by_campaign[event.campaign_id].append(event)
        sizes = {}
        for campaign in Campaign.objects.filter(id__in=by_campaign):
            sizes[campaign.pk] = _append(campaign, by_campaign[campaign.pk], time)
            sign_checkpoint(campaign, time)
        ids = [event.id for event in events]
        for start in range(0, len(ids), 5000):
            PendingLogEvent.objects.filter(id__in=ids[start : start + 5000]).delete()
    return sizes


def add_witness(campaign: Campaign, verifier_key: str, *, actor: Any) -> WitnessKey:
    """Trust a witness's key (c2sp cosignature key, "name+keyid+base64") for this campaign."""
    try:
        key = note.VerifierKey.parse(verifier_key)
    except note.NoteError as error:
        raise LedgerError(str(error)) from error
    if key.algorithm != note.ALG_COSIGNATURE_V1:
        raise LedgerError("a witness key is a cosignature/v1 key")
    with transaction.atomic():
        if WitnessKey.objects.filter(campaign=campaign, name=key.name).exists():
            raise LedgerError("a witness of that name is already trusted")
        witness = WitnessKey.objects.create(
            campaign=campaign, name=key.name, verifier_key=key.text()
        )
        record("ledger.witness_added", witness, actor=actor, campaign=campaign, note=key.name)
    return witness


def add_cosignature(campaign: Campaign, size: int, line: str) -> Cosignature:
    """Attach a trusted witness's cosignature to the checkpoint of that size."""
    checkpoint = Checkpoint.objects.filter(campaign=campaign, size=size).first()
    if checkpoint is None:
        raise LedgerError("no checkpoint of that size")
    signed = note.parse_note(checkpoint.note)
    try:
        parsed = note.parse_note(signed.text + "\n" + line.strip() + "\n")
    except note.NoteError as error:
        raise LedgerError(str(error)) from error
    if len(parsed.signatures) != 1:
        raise LedgerError("send one cosignature line")
    cosigned = parsed.signatures[0]
    witness = WitnessKey.objects.filter(campaign=campaign, name=cosigned.name).first()
    if witness is None:
        raise LedgerError("no trusted witness of that name")
    if not note.signature_valid(parsed, cosigned, note.VerifierKey.parse(witness.verifier_key)):
        raise LedgerError("the cosignature does not verify")
    with transaction.atomic():
        if Cosignature.objects.filter(checkpoint=checkpoint, witness=witness).exists():
            raise LedgerError("this witness has co-signed this checkpoint already")
        cosignature = Cosignature.objects.create(
            checkpoint=checkpoint, witness=witness, line=cosigned.text()
        )
        record("ledger.cosigned", cosignature, campaign=campaign, note=f"{witness.name} @{size}")
    return cosignature
