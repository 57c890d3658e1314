"""Verifiers' decisions on signatures, with their evidence, and one-time confirmation codes.

Both tables only grow: a decision is reversed by a new decision, never edited.
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from undersigned.audit.models import AppendOnlyError
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature

# Evidence links are rendered as links on the desk: only web addresses, never javascript:.
web_link = URLValidator(schemes=["http", "https"])


def is_web_link(value: str) -> bool:
    try:
        web_link(value)
    except ValidationError:
        return False
    return True


class Decision(models.Model):
    """One verifier's decision on one signature, with the evidence behind it."""

    MATCH = "match"
    UNMATCH = "unmatch"
    VERIFY = "verify"
    REJECT = "reject"
    REOPEN = "reopen"
    KINDS = [
        (MATCH, _("matched to a registry official")),
        (UNMATCH, _("registry match undone")),
        (VERIFY, _("confirmed")),
        (REJECT, _("rejected")),
        (REOPEN, _("reopened")),
    ]
    # After one of these, earlier confirmations no longer count towards verification.
    STARTS_NEW_ROUND = frozenset({UNMATCH, REJECT, REOPEN})

    CODE = "code"
    PHONE = "phone"
    IN_PERSON = "in_person"
    PUBLIC_STATEMENT = "public_statement"
    KNOWN = "known"
    SIGNER_CONTACT = "signer_contact"
    MANUAL_METHODS: ClassVar[list[tuple[str, Any]]] = [
        (PHONE, _("phone call to the office's public number")),
        (IN_PERSON, _("in person")),
        (PUBLIC_STATEMENT, _("public statement (link)")),
        (KNOWN, _("known to the verifier")),
        (SIGNER_CONTACT, _("reached the signer through the contact they left")),
    ]
    # A code is recorded when the official enters it; the others a verifier records by hand.
    METHODS = [(CODE, _("confirmation code")), *MANUAL_METHODS]

    signature = models.ForeignKey(Signature, related_name="decisions", on_delete=models.PROTECT)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    kind = models.CharField(max_length=16, choices=KINDS)
    method = models.CharField(max_length=20, choices=METHODS, blank=True)
    reason = models.CharField(max_length=16, choices=Signature.REJECT_REASONS, blank=True)
    official = models.ForeignKey(
        "officials.Official", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    link = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} on signature {self.signature_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("decisions are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("decisions are never deleted")

    @property
    def has_web_link(self) -> bool:
        return bool(self.link) and is_web_link(self.link)

    @classmethod
    def confirmers(cls, signature: Signature) -> set[int]:
        """The verifiers whose confirmations count now: those since the last reset."""
        confirmed: set[int] = set()
        for kind, verifier_id in cls.objects.filter(signature=signature).values_list(
            "kind", "verifier_id"
        ):
            if kind in cls.STARTS_NEW_ROUND:
                confirmed.clear()
            elif kind == cls.VERIFY and verifier_id is not None:
                confirmed.add(verifier_id)
        return confirmed


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
