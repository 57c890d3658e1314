"""One-time confirmation codes; verifiers' decisions live beside the signatures they decide
(undersigned.signatures.models.Decision), where the transitions that seal them are."""

import hashlib
import hmac
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Decision as Decision
from undersigned.signatures.models import Signature
from undersigned.signatures.models import is_web_link as is_web_link
from undersigned.signatures.models import web_link as web_link


def confirmations_needed(campaign: Campaign) -> int:
    return 2 if campaign.four_eyes else 1


# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    text = (typed or "").upper().translate(_READ_AS)
    return "".join(ch for ch in text if ch in CODE_ALPHABET)


def hash_code(typed: str) -> str:
    key = hashlib.sha256(f"undersigned.confirmation-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalise_code(typed).encode(), hashlib.sha256).hexdigest()


class ConfirmationCode(models.Model):
    """A one-time code a verifier sends to an official through a channel they trust.

    Only a keyed hash of the code is stored; the code itself is shown once, to the verifier.
    """

    signature = models.ForeignKey(
        Signature, related_name="confirmation_codes", on_delete=models.PROTECT
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"confirmation code {self.pk} for signature {self.signature_id}"

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.used_at is None
            and self.revoked_at is None
            and now < self.expires_at
            and self.failed_attempts < settings.CONFIRMATION_CODE_ATTEMPTS
        )

    # Transitions, called from verification.actions.
    def use(self) -> None:
        self.used_at = timezone.now()

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
