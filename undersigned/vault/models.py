"""Verifiers' public keys, and signers' contacts stored only as ciphertext to those keys."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign, TransitionError


def parse_public_key(text: str) -> str:
    """An age X25519 public key (`age1…`), checked; raises ValidationError otherwise."""
    import pyrage

    key = text.strip()
    if not key.startswith("age1"):
        raise ValidationError(_("An age public key starts with age1."), code="age_key")
    try:
        pyrage.x25519.Recipient.from_str(key)
    except Exception as error:  # pyrage raises its own error types for malformed keys
        raise ValidationError(_("This is not a valid age public key."), code="age_key") from error
    return key


class VerifierKey(models.Model):
    """A verifier's age public key. The private half never reaches the server.

    A key with no campaign applies to every campaign.
    """

    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, related_name="verifier_keys", on_delete=models.CASCADE
    )
    public_key = models.CharField(max_length=100)
    label = models.CharField(max_length=100)
    added_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "public_key"],
                condition=Q(revoked_at__isnull=True),
                name="verifier_key_active_once",
            )
        ]

    def __str__(self) -> str:
        scope = self.campaign.slug if self.campaign is not None else "*"
        return f"{self.label} ({scope})"

    @classmethod
    def active_for(cls, campaign: Campaign) -> QuerySet["VerifierKey"]:
        return cls.objects.filter(
            Q(campaign=campaign) | Q(campaign__isnull=True), revoked_at__isnull=True
        ).order_by("id")

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is not None:
            raise TransitionError(f"verifier key {self.pk} is already revoked")
        self.revoked_at = timezone.now()


class ContactCiphertext(models.Model):
    """A signer's contact for verification, as an age file the server cannot open.

    Its plaintext holds the kind and the contact ("phone: +7…"), padded so that the
    length gives nothing away.
    """

    PHONE = "phone"
    EMAIL = "email"
    TELEGRAM = "telegram"
    KINDS = [(PHONE, _("Phone")), (EMAIL, _("E-mail")), (TELEGRAM, _("Telegram"))]

    signature = models.OneToOneField(
        "signatures.Signature", related_name="contact", on_delete=models.CASCADE
    )
    ciphertext = models.BinaryField()
    # How many verifier keys it was encrypted to (who they were is in the audit trail).
    recipient_count = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signature_id"]

    def __str__(self) -> str:
        return f"contact of signature {self.signature_id}"
