"""What the public may read of a campaign's log, shaped for the endpoints, the static
mirror and the signer's receipt. Reads only; proofs are made from the stored tree."""

import base64
import hashlib
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from undersigned.campaigns.models import Campaign
from undersigned.ledger import note, paths
from undersigned.ledger.actions import StoredTree, figures_at
from undersigned.ledger.keys import default_origin, log_private_key
from undersigned.ledger.models import Checkpoint, Cosignature, LogEntry
from undersigned.officials.regions import region_name
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


def checkpoint_summary(campaign: Campaign) -> dict[str, Any] | None:
    """The latest checkpoint as counts.json and the widget give it: size, time, root, the
    figures it signs and its citable page; None while the log is empty or its latest
    checkpoint is older than times and figures."""
    checkpoint = latest_checkpoint(campaign)
    if checkpoint is None:
        return None
    body = checkpoint.body()
    verified, checking = body.figure(note.EXTENSION_VERIFIED), body.figure(note.EXTENSION_CHECKING)
    time = body.extension(note.EXTENSION_TIME)
    if verified is None or checking is None or time is None:
        return None
    return {
        "size": checkpoint.size,
        "time": time,
        "root": b64(bytes(checkpoint.root)),
        "verified": verified,
        "being_checked": checking,
        # Paths, not addresses: the same JSON serves the site, its onion service and mirrors.
        "cite": "/" + paths.cite_page(campaign.slug, checkpoint.size),
    }


def checkpoint_of_size(campaign: Campaign, size: int) -> Checkpoint | None:
    return (
        Checkpoint.objects.filter(campaign=campaign, size=size)
        .prefetch_related(Prefetch("cosignatures", Cosignature.objects.order_by("id")))
        .first()
    )


def key_fingerprint(key_text: str) -> str:
    """SHA-256 of the log's public key, hex in groups of four: read aloud, compared by eye."""
    digest = hashlib.sha256(note.VerifierKey.parse(key_text).public_key).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def utc_text(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def citable(campaign: Campaign, checkpoint: Checkpoint, language: str) -> dict[str, Any]:
    """Everything a checkpoint's citable page and its JSON say: the figures its entries
    prove, its time, root, size, the log's key, the witnesses' cosignatures, the line to
    quote and how to check it."""
    figures = checkpoint.figures_data() or figures_at(campaign.pk, None, checkpoint.size).figures()
    time = checkpoint.time
    root = b64(bytes(checkpoint.root))
    key = verifier_key(campaign)
    cosignatures = []
    for cosignature in checkpoint.cosignatures.all():
        parsed = note.parse_note(checkpoint.note.rstrip("\n") + "\n" + cosignature.line)
        line = parsed.signatures[-1]
        stamp = note.cosignature_time(line)
        cosignatures.append({"witness": line.name, "time": utc_text(stamp) if stamp else None})
    citation = checkpoint.citation(figures, time) if time else None
    regions = [
        {
            "code": code,
            "name": region_name(code, language) if code != "-" else "—",
            "verified": cell["verified"],
            "checking": cell["checking"],
        }
        for code, cell in sorted(figures.get("regions", {}).items())
        if campaign.publish_region_counts and (cell["verified"] or cell["checking"])
    ]
    site = settings.SITE_URL
    return {
        "campaign": campaign.slug,
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "root": root,
        "time": time,
        "verified": figures["verified"],
        "checking": figures["checking"],
        "regions": regions if campaign.publish_region_counts else None,
        "log_key": key,
        "log_key_fingerprint": key_fingerprint(key),
        "cosignatures": cosignatures,
        "citation": citation.line(language) if citation else None,
        "citation_en": citation.line("en") if citation else None,
        "note": checkpoint.published_note(),
        "verify_command": (
            f'python -m undersigned.ledger.verify {site}/ --cite "{citation.line("en")}"'
            if citation
            else f"python -m undersigned.ledger.verify {site}/c/{campaign.slug}/"
        ),
        "mirror": settings.MIRROR_URL or None,
        # Paths, not addresses: the same JSON serves the site, its onion service and mirrors.
        "page": "/" + paths.cite_page(campaign.slug, checkpoint.size),
        "json": "/" + paths.cite_json(campaign.slug, checkpoint.size),
        "letter": "/" + paths.cite_page(campaign.slug, checkpoint.size) + "letter.pdf",
    }
