"""Before [Sign]: an optional contact for verification. It waits sealed to this chat until she
signs, then reaches the signature the way every channel's does: in `Submission.contact`,
encrypted to the verifiers' keys as the signature is recorded."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from undersigned.bot.keys import seal, unseal
from undersigned.bot.replies import (
    SKIP,
    Outcome,
    Reply,
    optional_note,
    press_a_button,
    unknown_command,
)
from undersigned.vault.forms import clean_contact
from undersigned.vault.models import ContactCiphertext

CONTACT_KINDS = {
    ContactCiphertext.PHONE: gettext_noop("Phone"),
    ContactCiphertext.EMAIL: gettext_noop("E-mail"),
    ContactCiphertext.TELEGRAM: gettext_noop("Telegram username"),
}
CONTACT_PROMPTS = {
    ContactCiphertext.PHONE: gettext_noop("Your phone number, with its country code."),
    ContactCiphertext.EMAIL: gettext_noop("Your e-mail address."),
    ContactCiphertext.TELEGRAM: gettext_noop("Your Telegram username, e.g. @olga_semyonova."),
}
# The states of the contact question, beside the dialogue's steps.
TYPING = "sign:contact_value"
CHECKING = "sign:contact_check"
# What the conversation keeps of a contact before [Sign]: its kind, and the contact sealed.
CONTACT_DATA = ("contact_kind", "sealed_contact")


def contact_kind_prompt() -> Reply:
    return Reply(
        _(
            "One more, optional question: a contact for verification. A verifier may use it "
            "to confirm that it was you who signed. Until you press Sign it waits on the "
            "server encrypted to this chat, and is deleted if you cancel; when you sign, it "
            "is encrypted to the verifiers' own keys, and the server can no longer read it. "
            "Telegram, though, sees what you type here."
        ),
        [
            *[[(_(label), f"ck:{kind}")] for kind, label in CONTACT_KINDS.items()],
            [(_("No contact"), "ck:none")],
        ],
    )


def without_contact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in CONTACT_DATA}


def contact_of(chat_id: int, data: dict[str, Any]) -> tuple[str, str]:
    """(kind, contact) as she gave it, unsealed for the signing; ("", "") when none."""
    sealed = data.get("sealed_contact", "")
    if not sealed or data.get("contact_kind") not in CONTACT_KINDS:
        return "", ""
    return data["contact_kind"], unseal(chat_id, bytes.fromhex(sealed))


def summary_line() -> str:
    return _("Contact for verification")


def kind_label(kind: str) -> str:
    return _(CONTACT_KINDS[kind]) if kind in CONTACT_KINDS else "—"


def value_prompt(kind: str) -> Reply:
    return Reply(f"{_(CONTACT_PROMPTS.get(kind, ''))}\n{optional_note()}")


def kind_chosen(data: dict[str, Any], value: str) -> Outcome | None:
    """[Phone] and the like: her contact is asked for; None for [No contact]."""
    if value not in CONTACT_KINDS:
        return None
    return Outcome([value_prompt(value)], TYPING, {**without_contact(data), "contact_kind": value})


def phone_checked(data: dict[str, Any], value: str) -> Outcome | None:
    """[Yes] keeps the sealed number for the signing (None: the dialogue moves on)."""
    if value == "yes" and data.get("sealed_contact"):
        return None
    kind = data.get("contact_kind", ContactCiphertext.PHONE)
    return Outcome([value_prompt(kind)], TYPING, {**without_contact(data), "contact_kind": kind})


def contact_typed(
    chat_id: int, state: str, data: dict[str, Any], text: str, command: str
) -> Outcome | dict[str, Any]:
    """Her contact typed: refused with the web form's words, or sealed to this chat.

    Returns an Outcome to send (a phone number is first echoed masked, for her Yes), or
    the answers with the sealed contact (none after /skip): the dialogue moves on."""
    kind = data.get("contact_kind", "")
    if state == CHECKING:
        if command:
            return Outcome([Reply(unknown_command(command))], state, data)
        return Outcome([Reply(press_a_button())], state, data, delete_received=_is_contact(text))
    if command == SKIP:
        return without_contact(data)
    if command:
        return Outcome([Reply(unknown_command(command)), value_prompt(kind)], state, data)
    try:
        contact = clean_contact(kind, text)
        if kind == ContactCiphertext.PHONE:
            contact = _full_phone(contact)
    except forms.ValidationError as error:
        return Outcome(
            [Reply(" ".join(error.messages)), value_prompt(kind)],
            state,
            data,
            # A number cut short is still most of her number: it goes from the chat.
            delete_received=kind == ContactCiphertext.PHONE
            and sum(c.isdigit() for c in text) >= MIN_DIGITS_TO_DELETE,
        )
    sealed = {**data, "sealed_contact": seal(chat_id, contact).hex()}
    if kind == ContactCiphertext.PHONE:
        # Echoed masked, and kept only once she says it is hers.
        return Outcome(
            [
                Reply(
                    _("Is this your number: %(masked)s?") % {"masked": mask_phone(contact)},
                    [[(_("Yes, it is"), "cph:yes"), (_("No, type it again"), "cph:no")]],
                )
            ],
            CHECKING,
            sealed,
            delete_received=True,
        )
    return sealed


def contact_left_over(text: str) -> bool:
    """A message sent when no question is open that looks like a contact: it goes from the
    chat, as her contact would have."""
    return _is_contact(text)


MIN_DIGITS_TO_DELETE = 5
MIN_PHONE_DIGITS = 10  # with its country code; E.164 allows at most 15
RUSSIAN_PHONE_DIGITS = 11


def _full_phone(phone: str) -> str:
    """The number with its country code, checked for length: a number cut short is refused
    before anything is stored. A Russian number typed the local way (8 912 ...) gets +7."""
    digits = phone.lstrip("+")
    if not phone.startswith("+") and digits.startswith("8") and len(digits) == RUSSIAN_PHONE_DIGITS:
        digits = "7" + digits[1:]
    too_short = len(digits) < MIN_PHONE_DIGITS or (
        digits.startswith("7") and len(digits) != RUSSIAN_PHONE_DIGITS
    )
    if too_short:
        raise forms.ValidationError(
            _(
                "This number has %(n)d digits: too few for a phone number with its country "
                "code. It was not stored."
            )
            % {"n": len(digits)}
        )
    return "+" + digits


def mask_phone(phone: str) -> str:
    """+7 912 ***-**-89: enough for her to know her number, not enough to call it."""
    digits = phone.lstrip("+")
    if digits.startswith("7") and len(digits) == RUSSIAN_PHONE_DIGITS:
        return f"+7 {digits[1:4]} ***-**-{digits[-2:]}"
    return f"+{digits[:-8]} ***-**-{digits[-2:]}"


def _is_contact(text: str) -> bool:
    for kind in CONTACT_KINDS:
        try:
            clean_contact(kind, text)
        except forms.ValidationError:
            continue
        return True
    return False
