"""What the public may read of a campaign's log, shaped for the endpoints, the static
mirror and the signer's receipt. Reads only; proofs are made from the stored tree."""

import base64
from typing import Any

from django.db.models import Prefetch

from undersigned.campaigns.models import Campaign
from undersigned.ledger import note, paths
from undersigned.ledger.actions import StoredTree
from undersigned.ledger.keys import default_origin, log_private_key
from undersigned.ledger.models import Checkpoint, Cosignature, LogEntry
from undersigned.signatures import public
from undersigned.signatures.models import Signature

MAX_RANGE = paths.ENTRIES_PER_PAGE


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def latest_checkpoint(campaign: Campaign) -> Checkpoint | None:
    return (
        Checkpoint.objects.filter(campaign=campaign)
        .prefetch_related(Prefetch("cosignatures", Cosignature.objects.order_by("id")))
        .order_by("-size")
        .first()
    )


def signed_size(campaign: Campaign) -> int:
    checkpoint = latest_checkpoint(campaign)
    return checkpoint.size if checkpoint else 0


def verifier_key(campaign: Campaign) -> str:
    first = Checkpoint.objects.filter(campaign=campaign).order_by("size").first()
    origin = first.origin if first else default_origin(campaign.slug)
    return note.VerifierKey.for_private_key(origin, log_private_key()).text()


def entries(campaign: Campaign, start: int, end: int) -> list[str]:
    """The entries [start, end) as published: each the exact text its leaf hash covers."""
    rows = LogEntry.objects.filter(campaign=campaign, index__gte=start, index__lt=end)
    return list(rows.order_by("index").values_list("data", flat=True))


def entries_page(campaign: Campaign, page: int) -> dict[str, Any]:
    size = signed_size(campaign)
    start = page * paths.ENTRIES_PER_PAGE
    end = min(start + paths.ENTRIES_PER_PAGE, size)
    return {"start": start, "entries": entries(campaign, start, end) if start < end else []}


def claimed_counts(campaign: Campaign) -> dict[str, Any]:
    """The counts the site shows, for verifiers to compare with the log."""
    counts = public.counts_for(campaign)
    regions = regions_checking = None
    if campaign.publish_region_counts:
        rows = public.regions_for(campaign, campaign.original_language)
        regions = {row.code: row.verified for row in rows if row.verified}
        regions_checking = {row.code: row.checking for row in rows if row.checking}
    return {
        "campaign": campaign.slug,
        "verified": counts.verified,
        "checking": counts.checking,
        "regions": regions,
        "regions_checking": regions_checking,
        "checkpoint_size": signed_size(campaign),
    }


def receipt_entries(signature: Signature) -> dict[str, Any] | None:
    """The log entries of one signature with inclusion proofs against the latest checkpoint."""
    campaign = signature.campaign
    checkpoint = latest_checkpoint(campaign)
    if checkpoint is None:
        return None
    rows = LogEntry.objects.filter(
        campaign=campaign, handle=signature.handle, index__lt=checkpoint.size
    ).order_by("index")
    tree = StoredTree(campaign.pk)
    found = [
        {
            "index": row.index,
            "data": row.data,
            "proof": [b64(p) for p in tree.inclusion(row.index, checkpoint.size)],
        }
        for row in rows
    ]
    if not found:
        return None
    return {
        "campaign": campaign.slug,
        "verifier_key": verifier_key(campaign),
        "checkpoint": checkpoint.published_note(),
        "entries": found,
    }
