"""A staff account's one-time enrolment code: what lets it add its authenticator app.

The password alone never enrols a second factor: `create_staff` prints a code once, to be
handed over out of band, and only its hash is kept. The code is used up when the
authenticator is confirmed, and expires after `ENROLMENT_CODE_DAYS`.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# Crockford's base32 without I, L, O, U: readable over the phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


class EnrolmentCode(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_code"
    )
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"enrolment code of user {self.user_id}, until {self.expires_at:%Y-%m-%d}"

    @classmethod
    def lifetime(cls) -> timedelta:
        return timedelta(days=settings.ENROLMENT_CODE_DAYS)

    def is_usable(self) -> bool:
        return timezone.now() < self.expires_at

    def matches(self, code: str) -> bool:
        return self.is_usable() and hmac.compare_digest(self.code_hash, code_hash(code))
