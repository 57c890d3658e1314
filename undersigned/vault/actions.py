"""Changes in the vault: verifier keys, contacts encrypted on arrival, exported bundles."""

import base64
import hmac
import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.ledger.actions import log_reveals
from undersigned.signatures.actions import Claims, sign
from undersigned.signatures.models import Signature, Tally
from undersigned.vault import bundle
from undersigned.vault.crypto import contact_plaintext, encrypt_to
from undersigned.vault.decrypt import REVEAL_FIELDS, REVEAL_FORMAT, SEALED_HEADER, commitment
from undersigned.vault.models import ContactCiphertext, VerifierKey, parse_public_key


class NoVerifierKeys(Exception):
    """The campaign has no active verifier key: contacts can be neither taken nor exported."""


def add_verifier_key(
    public_key: str, label: str, *, campaign: Campaign | None = None, actor: Any = None
) -> VerifierKey:
    key = parse_public_key(public_key)
    with transaction.atomic():
        verifier_key = VerifierKey.objects.create(
            campaign=campaign, public_key=key, label=label.strip()
        )
        record("vault.key_added", verifier_key, actor=actor, campaign=campaign, note=key)
    return verifier_key


def revoke_verifier_key(verifier_key: VerifierKey, *, actor: Any = None) -> VerifierKey:
    with transaction.atomic():
        verifier_key = VerifierKey.objects.select_for_update().get(pk=verifier_key.pk)
        verifier_key.revoke()
        verifier_key.save(update_fields=["revoked_at"])
        record(
            "vault.key_revoked",
            verifier_key,
            actor=actor,
            campaign=verifier_key.campaign,
            note=verifier_key.public_key,
        )
    return verifier_key


def campaign_accepts_contacts(campaign: Campaign) -> bool:
    return VerifierKey.active_for(campaign).exists()


def attach_contact(signature: Signature, kind: str, value: str) -> ContactCiphertext:
    """Encrypt a contact to every active verifier key of the campaign; keep only the ciphertext."""
    if kind not in dict(ContactCiphertext.KINDS):
        raise ValueError(f"unknown contact kind {kind!r}")
    keys = list(VerifierKey.active_for(signature.campaign).values_list("public_key", flat=True))
    if not keys:
        raise NoVerifierKeys(signature.campaign.slug)
    ciphertext = encrypt_to(keys, contact_plaintext(kind, value), armored=True)
    with transaction.atomic():
        contact = ContactCiphertext.objects.create(
            signature=signature, ciphertext=ciphertext, recipient_count=len(keys)
        )
        record(
            "vault.contact_encrypted",
            signature,
            actor_kind=AuditEvent.ACTOR_SIGNER,
            campaign=signature.campaign,
            note=f"to {len(keys)} verifier keys",
        )
    return contact


def export_contacts(campaign: Campaign, *, actor: Any = None, now: datetime | None = None) -> bytes:
    """An age file, encrypted to the campaign's verifier keys, of its signatures' claims and
    their still-encrypted contacts. Withdrawn signatures are left out."""
    keys = list(VerifierKey.active_for(campaign).values_list("public_key", flat=True))
    if not keys:
        raise NoVerifierKeys(campaign.slug)
    contacts = (
        ContactCiphertext.objects.filter(signature__campaign=campaign)
        .exclude(signature__state=Signature.WITHDRAWN)
        .select_related("signature")
        .order_by("signature_id")
    )
    entries = [
        bundle.entry_for(contact.signature, bytes(contact.ciphertext)) for contact in contacts
    ]
    exported_at = (now or timezone.now()).astimezone(UTC)
    text = bundle.render(campaign.slug, exported_at, entries)
    encrypted = encrypt_to(keys, text.encode())
    record(
        "vault.contacts_exported",
        campaign,
        actor=actor,
        campaign=campaign,
        note=f"{len(entries)} contacts to {len(keys)} verifier keys",
    )
    return encrypted


def sign_with_contact(
    campaign: Campaign, claims: Claims, contact: tuple[str, str] | None, **sign_options: Any
) -> tuple[Signature, str]:
    """Sign, and in the same transaction attach the encrypted contact if one was left.

    If the campaign lost its last verifier key in between, the contact is dropped: it is
    never kept in clear.
    """
    if contact is None:
        return sign(campaign, claims, **sign_options)
    with transaction.atomic():
        signature, token = sign(campaign, claims, **sign_options)
        with suppress(NoVerifierKeys):
            attach_contact(signature, *contact)
    return signature, token


# Sealed signatures


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
    from undersigned.web.cache import invalidate_campaign

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
