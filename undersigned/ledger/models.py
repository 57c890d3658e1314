"""The public log of each campaign: entries, the tree's stored nodes, signed checkpoints
and witnesses. The journal of events waiting to be appended is written with the
signatures' transitions (signatures.models.PendingLogEvent).

Entries and checkpoints are only ever inserted: nothing here updates or deletes them.
"""

import base64
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign
from undersigned.ledger import cite
from undersigned.ledger import note as signed_note


class LogEntry(models.Model):
    campaign = models.ForeignKey(Campaign, related_name="log_entries", on_delete=models.PROTECT)
    index = models.BigIntegerField()
    # The canonical JSON the leaf hash is computed from, exactly as published.
    data = models.TextField()
    # The handle in `data`, indexed so a signer's receipt finds its entries.
    handle = models.CharField(max_length=32, db_index=True)
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        ordering = ["campaign", "index"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "index"], name="log_entry_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.index}"

    @property
    def fields(self) -> dict[str, str]:
        return dict(json.loads(self.data))


class LogNode(models.Model):
    """The hash of a complete subtree of 2**level leaves (level >= 1), kept so a proof
    reads O(log n) rows. `position` packs (level, index) into one indexed number, so a
    proof's nodes are fetched with one `IN` lookup."""

    LEVEL_SHIFT = 56

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, db_index=False)
    position = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "position"], name="log_node_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} node ({self.level}, {self.index})"

    @classmethod
    def position_of(cls, level: int, index: int) -> int:
        return (level << cls.LEVEL_SHIFT) | index

    @property
    def level(self) -> int:
        return self.position >> self.LEVEL_SHIFT

    @property
    def index(self) -> int:
        return self.position & ((1 << self.LEVEL_SHIFT) - 1)


class Checkpoint(models.Model):
    campaign = models.ForeignKey(Campaign, related_name="checkpoints", on_delete=models.PROTECT)
    origin = models.CharField(max_length=300)
    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    # The signed note as the log signed it; witness cosignatures are kept apart.
    note = models.TextField()
    # The figures its entries prove, by region too (ledger.tally.Tally.figures), as JSON;
    # empty for a checkpoint signed before the log kept them.
    figures = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign", "size"]
        get_latest_by = "size"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "size"], name="checkpoint_unique_size")
        ]

    def __str__(self) -> str:
        return f"{self.origin} @{self.size}"

    def body(self) -> signed_note.Checkpoint:
        return signed_note.parse_checkpoint(signed_note.parse_note(self.note).text)

    @property
    def time(self) -> str | None:
        """The time the note carries ("2022-09-12T18:00:00Z"), None on an older note."""
        return self.body().extension(signed_note.EXTENSION_TIME)

    def figures_data(self) -> dict[str, Any] | None:
        return json.loads(self.figures) if self.figures else None

    def citation(self, figures: dict[str, Any], time: str) -> cite.Citation:
        """The line to quote for this checkpoint, with the figures it proves at `time`."""
        return cite.Citation(
            time=time,
            verified=figures["verified"],
            checking=figures["checking"],
            size=self.size,
            origin=self.origin,
            root=base64.b64encode(bytes(self.root)).decode(),
        )

    def published_note(self) -> str:
        """The note with the log's signature and every witness's cosignature."""
        lines = "".join(
            c.line if c.line.endswith("\n") else c.line + "\n" for c in self.cosignatures.all()
        )
        return self.note + lines


class WitnessKey(models.Model):
    """A witness the organizers trust to co-sign this campaign's checkpoints."""

    campaign = models.ForeignKey(Campaign, related_name="witness_keys", on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    verifier_key = models.CharField(max_length=300, help_text=_("name+keyid+base64 key"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="witness_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    checkpoint = models.ForeignKey(
        Checkpoint, related_name="cosignatures", on_delete=models.PROTECT
    )
    witness = models.ForeignKey(WitnessKey, on_delete=models.PROTECT)
    line = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="cosignature_once")
        ]

    def __str__(self) -> str:
        return f"cosignature {self.pk}"
