"""Checking a contact a signer leaves for verification, before it is encrypted."""

import re

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from undersigned.vault.models import ContactCiphertext

_PHONE_NOISE = re.compile(r"[\s().-]")
_PHONE = re.compile(r"^\+?\d{7,15}$")
_TELEGRAM = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
CONTACT_MAX_LENGTH = 200


def contact_kind_choices() -> list[tuple[str, object]]:
    return [("", _("— no contact —")), *ContactCiphertext.KINDS]


def clean_contact(kind: str, value: str) -> str:
    """The contact in a canonical form; raises ValidationError when it cannot be one of `kind`."""
    value = " ".join((value or "").split())
    if kind == ContactCiphertext.PHONE:
        digits = _PHONE_NOISE.sub("", value)
        if not _PHONE.match(digits):
            raise forms.ValidationError(
                _("Enter a phone number with its country code, e.g. +7 912 345-67-89."),
                code="phone",
            )
        return digits
    if kind == ContactCiphertext.EMAIL:
        try:
            validate_email(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(_("Enter a valid e-mail address."), code="email") from error
        return value
    if kind == ContactCiphertext.TELEGRAM:
        match = _TELEGRAM.match(value)
        if not match:
            raise forms.ValidationError(
                _("Enter a Telegram username, e.g. @olga_semyonova."), code="telegram"
            )
        return "@" + match.group(1)
    raise forms.ValidationError(_("Choose how a verifier can reach you."), code="contact_kind")
