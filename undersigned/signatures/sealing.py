"""Sealing: once a hidden signer is decided, the server keeps nothing that names them.

A signer who is not public (counted but not named; conditional below its threshold)
is sealed when their signature is decided (verified, rejected or withdrawn), and every
signer, named or not, when they withdraw: their claims, the official they were matched
to and the verifiers' evidence go into one age file to the campaign's verifier keys, and
the clear copies go: the claims, the official, the digest of the claims, the decision
notes and links, the audit notes; every time in a row that names the signature (its
own, its audit events', decisions', confirmation codes', contact file's) keeps only its
day, and the task queue's rows that name it go. What stays is what the public side
needs: campaign, state, publication choice, the region where region counts are public,
the day, the log handle, the receipt hash, and the ciphertext. A conditional signer
also keeps a commitment (see `decrypt.commitment`) so that a reveal can later be
checked without the server ever holding the name.

With no verifier key, the claims are destroyed all the same: nobody could open them.

Sealing is part of every transition (undersigned.signatures.actions): no caller seals.
"""

import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.db.models import Q
from django.db.models.functions import TruncDay
from django_tasks_db.models import DBTaskResult

from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import CountChange, Decision, Signature, Tally, day_of
from undersigned.signatures.registry_match import match_signature_task
from undersigned.vault.actions import sealing_keys
from undersigned.vault.crypto import encrypt_to
from undersigned.vault.decrypt import REVEAL_FIELDS, SEALED_FORMAT, commitment
from undersigned.vault.models import ContactCiphertext

# Sealed plaintexts are padded to a multiple of this many bytes: lengths tell little.
SEALED_BLOCK = 1024
# Audit events a signer's own actions leave (the migration that sealed older signatures
# kept only their day; every event on a sealed signature keeps only its day now).
SIGNER_EVENTS = frozenset(
    {
        "signature.received",
        "signature.merged",
        "signature.withdrawn",
        "signature.publication_changed",
        "vault.contact_encrypted",
        "confirmation_code.used",
    }
)


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def sealed_plaintext(
    *,
    campaign_slug: str,
    signature: dict[str, Any],
    official: dict[str, Any] | None,
    evidence: list[dict[str, Any]],
    salt: str,
) -> bytes:
    """The JSON a sealed signature holds, padded. Built from plain values so that the
    migration that seals older signatures makes the same files."""
    content = {
        "format": SEALED_FORMAT,
        "campaign": campaign_slug,
        "signature": signature["id"],
        "handle": signature["handle"],
        "received": _iso(signature["created_at"]),
        "verified": _iso(signature.get("verified_at")),
        "publication": signature["publication"],
        "threshold": signature.get("reveal_threshold"),
        "claims": {
            name: signature.get(name) or ""
            for name in ("full_name", "office", "body", "municipality", "region", "region_code")
        },
        "match_score": signature.get("match_score"),
        "official": official,
        "evidence": evidence,
        "salt": salt,
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    padded = -(-len(text) // SEALED_BLOCK) * SEALED_BLOCK
    return text.ljust(padded, b" ")


def official_record(official: Any) -> dict[str, Any] | None:
    if official is None:
        return None
    return {
        "id": official.pk,
        "source": official.source,
        "source_id": official.source_id,
        "full_name": official.full_name,
        "position": official.position,
        "body": official.body,
        "municipality": official.municipality,
        "region_code": official.region_code,
    }


def evidence_records(decisions: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(d.at),
            "kind": d.kind,
            "method": d.method,
            "reason": d.reason,
            "verifier": d.verifier.get_username() if d.verifier_id else "",
            "official_id": d.official_id,
            "note": d.note,
            "link": d.link,
        }
        for d in decisions
    ]


def reveal_commitment(signature: Signature, salt: str) -> str:
    claims = {name: getattr(signature, name) for name in REVEAL_FIELDS}
    return commitment(salt, claims)


def should_seal(signature: Signature) -> bool:
    """A hidden signer decided, or any signer withdrawn, not sealed yet. A conditional signer
    whose threshold the campaign has already reached is named by the count job instead."""
    if signature.is_sealed or signature.is_checking:
        return False
    if signature.state == Signature.WITHDRAWN:
        return True
    if not signature.is_hidden:
        return False
    if signature.publication == Signature.CONDITIONAL and signature.state == Signature.VERIFIED:
        verified = (
            Tally.objects.filter(
                campaign_id=signature.campaign_id, key=Tally.ALL, state=Signature.VERIFIED
            )
            .values_list("n", flat=True)
            .first()
        )
        return (verified or 0) < (signature.reveal_threshold or 0)
    return True


def seal_if_hidden(signature: Signature) -> bool:
    """Seal `signature` if it is a hidden signer just decided; True when it was sealed.

    Runs inside the caller's transaction, after the decision is recorded. An already
    sealed signature moved again only has its new traces scrubbed.
    """
    if signature.is_sealed:
        _keep_days(signature)
        scrub(signature)
        return False
    if not should_seal(signature):
        return False
    seal(signature)
    return True


def _keep_days(signature: Signature) -> None:
    """A sealed signature moved again (reopened, rejected, withdrawn): its new times go
    down to their day too."""
    fields = {}
    for name in ("state_changed_at", "verified_at"):
        moment = getattr(signature, name)
        if moment is not None and moment != day_of(moment):
            fields[name] = day_of(moment)
    if fields:
        Signature.objects.filter(pk=signature.pk).update(**fields)
        for name, value in fields.items():
            setattr(signature, name, value)


def seal(signature: Signature) -> None:
    """Seal a saved signature and scrub what it left elsewhere."""
    before = signature.count_snapshot()
    old_region = signature.region_code
    seal_unsaved(signature)
    signature.save()
    if old_region != signature.region_code and before.state:
        move_region(signature, old_region, before)
    scrub(signature)


def seal_unsaved(signature: Signature) -> None:
    """Seal the signature in memory: the ciphertext, the commitment, the clear fields gone.

    Used as it is for a signature decided as it arrives (a campaign without verification),
    which is then never written in clear at all.
    """
    campaign = signature.campaign
    keys = sealing_keys(campaign)
    salt = secrets.token_hex(32) if signature.publication == Signature.CONDITIONAL else ""
    decisions = (
        Decision.objects.filter(signature=signature).select_related("verifier").order_by("id")
        if signature.pk is not None
        else []
    )
    plaintext = sealed_plaintext(
        campaign_slug=campaign.slug,
        signature={
            f.attname: getattr(signature, f.attname)
            for f in Signature._meta.concrete_fields
            if f.attname != "sealed"
        },
        official=official_record(signature.official),
        evidence=evidence_records(decisions),
        salt=salt,
    )
    # Without a key nobody could ever open it: the claims are simply destroyed.
    ciphertext = encrypt_to(keys, plaintext) if keys else b""
    promise = reveal_commitment(signature, salt) if salt and keys else ""
    signature.seal(ciphertext, promise, keep_region=campaign.publish_region_counts)


def move_region(signature: Signature, old_region: str, counted: Any) -> None:
    """Move the signature's place in the region tallies from the old region to its region
    now ("no region" once sealed, the official's once matched). Not a public event: the
    public log and the overall counts net out."""
    created_on = signature.created_at.astimezone(UTC).date()
    CountChange.objects.bulk_create(
        [
            CountChange(
                campaign_id=signature.campaign_id,
                region_code=old_region,
                from_state=counted.state,
                to_state="",
                created_on=created_on,
                verified_on=counted.verified_on,
            ),
            CountChange(
                campaign_id=signature.campaign_id,
                region_code=signature.region_code,
                from_state="",
                to_state=counted.state,
                created_on=created_on,
                verified_on=counted.verified_on,
            ),
        ]
    )


# The task that matches one received signature to the registry: its queue rows name it.
MATCH_TASK_PATH = match_signature_task.module_path


def scrub(signature: Signature) -> None:
    """The traces a decided hidden signer leaves outside the signature row: decision notes,
    links and matched official, audit notes, the exact times of every row that names the
    signature, and the task queue's rows about it."""
    day = TruncDay("at", tzinfo=UTC)
    decisions = Decision.objects.filter(signature=signature)
    decisions.exclude(Q(official__isnull=True) & Q(note="") & Q(link="")).update(
        official=None, note="", link=""
    )
    decisions.update(at=day)
    events = AuditEvent.objects.filter(
        object_type=Signature._meta.label_lower, object_id=str(signature.pk)
    )
    events.exclude(note="").update(note="")
    events.update(at=day)
    # Confirmation codes belong to verification, above this app: reached through the
    # relation, every time they hold goes down to its day.
    signature.confirmation_codes.update(  # type: ignore[attr-defined]
        **{
            name: TruncDay(name, tzinfo=UTC)
            for name in ("issued_at", "expires_at", "used_at", "revoked_at")
        }
    )
    ContactCiphertext.objects.filter(signature=signature).update(
        created_at=TruncDay("created_at", tzinfo=UTC)
    )
    forget_tasks(signature.pk)
    if signature.client_hash:
        Signature.objects.filter(pk=signature.pk).update(client_hash="")


def forget_tasks(signature_id: int) -> int:
    """Remove the task queue's rows that name the signature (its registry matching)."""
    deleted, _ = DBTaskResult.objects.filter(
        task_path=MATCH_TASK_PATH, args_kwargs__args__0=signature_id
    ).delete()
    return deleted
