"""Sealed signatures for verifiers: the sealed bundle they download, and the reveal file
they upload to name conditional signers whose threshold is reached.

The server hands out ciphertext only, and publishes only names that open the commitments
it holds (undersigned.signatures.sealing): nobody, staff included, can put a name in.
"""

import base64
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign
from undersigned.campaigns.page_cache import invalidate_campaign
from undersigned.signatures.journal import log_reveals
from undersigned.signatures.models import Signature, Tally
from undersigned.vault.actions import NoVerifierKeys
from undersigned.vault.crypto import encrypt_to
from undersigned.vault.decrypt import REVEAL_FIELDS, REVEAL_FORMAT, SEALED_HEADER, commitment
from undersigned.vault.models import VerifierKey


def export_sealed(campaign: Campaign, *, actor: Any = None, now: datetime | None = None) -> bytes:
    """An age file, to the campaign's verifier keys, of its sealed signatures: one JSON line
    each, with the state the server knows and the ciphertext only verifiers can open."""
    keys = list(VerifierKey.active_for(campaign).values_list("public_key", flat=True))
    if not keys:
        raise NoVerifierKeys(campaign.slug)
    verified = verified_count(campaign)
    rows = (
        Signature.objects.filter(campaign=campaign, sealed__isnull=False)
        .exclude(sealed=b"")
        .order_by("id")
        .values_list("handle", "state", "publication", "reveal_threshold", "revealed_at", "sealed")
    )
    lines = []
    for handle, state, publication, threshold, revealed_at, sealed in rows:
        due = (
            state == Signature.VERIFIED
            and publication == Signature.CONDITIONAL
            and revealed_at is None
            and (threshold or 0) <= verified
        )
        lines.append(
            json.dumps(
                {
                    "handle": handle,
                    "state": state,
                    "publication": publication,
                    "threshold": threshold,
                    "reveal_due": due,
                    "sealed": base64.b64encode(bytes(sealed or b"")).decode("ascii"),
                }
            )
        )
    exported_at = (now or timezone.now()).astimezone(UTC)
    text = "\n".join(
        [
            SEALED_HEADER,
            f"campaign: {campaign.slug}",
            f"exported: {exported_at:%Y-%m-%dT%H:%M:%SZ}",
            f"sealed: {len(lines)}",
            f"verified: {verified}",
            "",
            *lines,
            "",
        ]
    )
    encrypted = encrypt_to(keys, text.encode())
    record(
        "vault.sealed_exported",
        campaign,
        actor=actor,
        campaign=campaign,
        note=f"{len(lines)} sealed signatures to {len(keys)} verifier keys",
    )
    return encrypted


def verified_count(campaign: Campaign) -> int:
    row = Tally.objects.filter(campaign=campaign, key=Tally.ALL, state=Signature.VERIFIED).first()
    return row.n if row else 0


def reveals_due(campaign: Campaign) -> int:
    """Sealed conditional signers whose threshold is reached, waiting for a reveal file."""
    return Signature.objects.filter(
        campaign=campaign,
        state=Signature.VERIFIED,
        publication=Signature.CONDITIONAL,
        revealed_at__isnull=True,
        sealed__isnull=False,
        reveal_threshold__lte=verified_count(campaign),
    ).count()


class BadRevealFile(ValueError):
    """A reveal file that is not one, or for another campaign."""


@dataclass(frozen=True)
class RevealOutcome:
    published: int
    refused: int


def parse_reveal_file(data: bytes, campaign: Campaign) -> list[dict[str, str]]:
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRevealFile("not a reveal file") from error
    if not isinstance(content, dict) or content.get("format") != REVEAL_FORMAT:
        raise BadRevealFile("not a reveal file")
    if content.get("campaign") != campaign.slug:
        raise BadRevealFile("a reveal file of another campaign")
    reveals = content.get("reveals")
    if not isinstance(reveals, list):
        raise BadRevealFile("not a reveal file")
    fields = ("handle", "salt", *REVEAL_FIELDS)
    entries = []
    for item in reveals:
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in fields):
            raise BadRevealFile("an entry of the reveal file is incomplete")
        entries.append({f: item[f] for f in fields})
    return entries


def publish_reveals(
    campaign: Campaign, entries: list[dict[str, str]], *, actor: Any
) -> RevealOutcome:
    """Name the sealed conditional signers whose threshold is reached, from a reveal file.

    An entry is published only if its salt and claims open the commitment the signature
    holds: nobody, staff included, can put a name in that the signer did not give.
    """
    published: list[tuple[str, str]] = []
    refused = 0
    with transaction.atomic():
        verified = verified_count(campaign)
        for entry in entries:
            signature = (
                Signature.objects.select_for_update()
                .filter(
                    campaign=campaign,
                    handle=entry["handle"],
                    state=Signature.VERIFIED,
                    publication=Signature.CONDITIONAL,
                    revealed_at__isnull=True,
                    reveal_threshold__lte=verified,
                )
                .exclude(commitment="")
                .first()
            )
            if signature is None or not hmac.compare_digest(
                commitment(entry["salt"], entry), signature.commitment
            ):
                refused += 1
                continue
            signature.unseal_revealed(entry)
            signature.save(
                update_fields=["full_name", "office", "body", "municipality", "revealed_at"]
            )
            published.append((signature.handle, signature.region_code))
        if published:
            log_reveals(campaign, published)
        record(
            "campaign.reveals_uploaded",
            campaign,
            actor=actor,
            campaign=campaign,
            note=f"{len(published)} signers named, {refused} entries refused",
        )
        transaction.on_commit(lambda: invalidate_campaign(campaign))
    return RevealOutcome(len(published), refused)
