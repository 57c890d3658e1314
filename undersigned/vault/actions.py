"""Changes in the vault: verifier keys, contacts encrypted on arrival, exported bundles."""

from typing import Any

from django.conf import settings
from django.db import transaction

from undersigned.audit.actions import record
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.core.kept import Kept
from undersigned.vault.crypto import contact_plaintext, encrypt_to
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


# The keys each campaign's hidden signers are sealed to, by campaign id: the busiest path
# of a mass petition seals one signer in four.
_sealing_keys: Kept[int, tuple[str, ...]] = Kept(lambda: settings.CAMPAIGN_CACHE_SECONDS)


def sealing_keys(campaign: Campaign) -> list[str]:
    """The campaign's active verifier keys, read at most CAMPAIGN_CACHE_SECONDS ago.

    A key added or revoked in this process counts at once (`forget_sealing_keys`); other
    processes see it within that time, as they see any change to the campaign.
    """
    return list(
        _sealing_keys.get(
            campaign.pk,
            lambda: tuple(VerifierKey.active_for(campaign).values_list("public_key", flat=True)),
        )
    )


def forget_sealing_keys(**kwargs: Any) -> None:
    """Signal receiver: a verifier key or a campaign changed in this process."""
    _sealing_keys.clear()


def campaign_accepts_contacts(campaign: Campaign) -> bool:
    return VerifierKey.active_for(campaign).exists()


def attach_contact(signature: Any, kind: str, value: str) -> ContactCiphertext:
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
