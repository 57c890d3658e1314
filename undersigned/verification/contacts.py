"""The bundle of contacts a campaign's verifiers download: the claims of its signatures with
their still-encrypted contacts, all encrypted again to the verifiers' keys (undersigned.vault)."""

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature
from undersigned.vault import bundle
from undersigned.vault.actions import NoVerifierKeys
from undersigned.vault.crypto import encrypt_to
from undersigned.vault.decrypt import FIELDS
from undersigned.vault.models import ContactCiphertext, VerifierKey


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def entry_for(signature: Signature, armored_contact: bytes) -> bundle.Entry:
    fields = {
        "signature": str(signature.pk),
        "handle": signature.handle,
        "state": signature.state,
        "held": "yes" if signature.held else "no",
        "received": signature.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": signature.full_name,
        "office": signature.office,
        "body": signature.body,
        "municipality": signature.municipality,
        "region": signature.region or signature.region_code,
    }
    return bundle.Entry(
        {name: _one_line(fields[name]) for name in FIELDS}, armored_contact.decode("ascii")
    )


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
    entries = [entry_for(contact.signature, bytes(contact.ciphertext)) for contact in contacts]
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
