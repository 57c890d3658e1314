"""After signing: an optional contact for verification, attached to the signature at once,
encrypted; it is never kept in the conversation."""

from typing import Any

from django import forms
from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from undersigned.bot import actions as bot_actions
from undersigned.bot.keys import seal, unseal
from undersigned.bot.replies import (
    SKIP,
    Outcome,
    Reply,
    finished_note,
    optional_note,
    press_a_button,
    unknown_command,
)
from undersigned.vault.actions import NoVerifierKeys, attach_contact
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


# After signing: an optional contact for verification, attached to the signature at once.
def contact_kind_prompt() -> Reply:
    return Reply(
        _(
            "One more, optional step: a contact for verification. A verifier may use it to "
            "confirm that it was you who signed. It is encrypted to the verifiers' own keys as "
            "soon as it arrives, and the server cannot read it. Telegram, though, sees what "
            "you type here."
        ),
        [
            *[[(_(label), f"ck:{kind}")] for kind, label in CONTACT_KINDS.items()],
            [(_("No contact"), "ck:none")],
        ],
    )


def contact_choice(
    chat_id: int, language: str, state: str, data: dict[str, Any], kind: str, value: str
) -> Outcome:
    with translation.override(data.get("lang", language)):
        if state == "signed:contact_kind" and kind == "ck" and value in CONTACT_KINDS:
            return Outcome(
                [Reply(f"{_(CONTACT_PROMPTS[value])}\n{optional_note()}")],
                "signed:contact",
                {**data, "contact_kind": value},
            )
        if state == "signed:contact_kind" and kind == "ck":
            return Outcome(
                [Reply(_("No contact, then. Your signature stands.") + "\n" + finished_note())]
            )
        if state == "signed:contact_check" and kind == "cph":
            sealed = data.get("sealed_phone", "")
            rest = {key: v for key, v in data.items() if key != "sealed_phone"}
            if value == "yes" and sealed:
                phone = unseal(chat_id, bytes.fromhex(sealed))
                return _attach(chat_id, rest, ContactCiphertext.PHONE, phone)
            return Outcome(
                [Reply(f"{_(CONTACT_PROMPTS[ContactCiphertext.PHONE])}\n{optional_note()}")],
                "signed:contact",
                rest,
            )
        return Outcome(
            [Reply(_("Your signature is already recorded; that button does nothing now."))],
            state,
            data,
        )


def contact_text(
    chat_id: int,
    language: str,
    state: str,
    data: dict[str, Any],
    text: str,
    command: str,
) -> Outcome:
    kind = data.get("contact_kind", "")
    if state == "signed:contact" and command == SKIP:
        return Outcome(
            [Reply(_("No contact, then. Your signature stands.") + "\n" + finished_note())]
        )
    if command:
        return Outcome([Reply(unknown_command(command))], state, data)
    if state == "signed:contact_kind":
        return Outcome([Reply(press_a_button()), contact_kind_prompt()], state, data)
    if state == "signed:contact_check":
        return Outcome([Reply(press_a_button())], state, data)
    if state == "signed:contact":
        try:
            contact = clean_contact(kind, text)
            if kind == ContactCiphertext.PHONE:
                contact = _full_phone(contact)
        except forms.ValidationError as error:
            prompt = f"{_(CONTACT_PROMPTS.get(kind, ''))}\n{optional_note()}"
            return Outcome(
                [Reply(" ".join(error.messages)), Reply(prompt)],
                state,
                data,
                # A number cut short is still most of her number: it goes from the chat.
                delete_received=kind == ContactCiphertext.PHONE
                and sum(c.isdigit() for c in text) >= MIN_DIGITS_TO_DELETE,
            )
        if kind == ContactCiphertext.PHONE:
            # Echoed masked, and stored only once she says it is hers; until then it is
            # kept sealed to this chat, never in clear.
            return Outcome(
                [
                    Reply(
                        _("Is this your number: %(masked)s?") % {"masked": mask_phone(contact)},
                        [[(_("Yes, attach it"), "cph:yes"), (_("No, type it again"), "cph:no")]],
                    )
                ],
                "signed:contact_check",
                {**data, "sealed_phone": seal(chat_id, contact).hex()},
                delete_received=True,
            )
        return _attach(chat_id, data, kind, contact)
    # signed:done: a correction, or anything else, sent after the contact.
    return _after_contact(data, kind, text, state)


def _attach(chat_id: int, data: dict[str, Any], kind: str, contact: str) -> Outcome:
    """Attach the contact to this chat's signature, encrypted; the conversation moves on."""
    signature = bot_actions.signature_of_chat(chat_id, int(data.get("receipt") or 0))
    if signature is None:
        return Outcome(
            [Reply(_("Your signature is no longer found here; the contact was not stored."))],
            delete_received=True,
        )
    try:
        attach_contact(signature, kind, contact)
    except (NoVerifierKeys, IntegrityError):
        return Outcome(
            [
                Reply(
                    _(
                        "The contact could not be attached; it was not stored. "
                        "Your signature stands."
                    )
                )
            ],
            delete_received=True,
        )
    return Outcome(
        [
            Reply(
                _(
                    "Contact attached to your signature, encrypted for the verifiers. "
                    "It cannot be changed here: if it is wrong, take the signature back "
                    "with /withdraw and sign again."
                )
            ),
            Reply(finished_note()),
        ],
        "signed:done",
        {key: value for key, value in data.items() if key not in {"contact_kind", "sealed_phone"}},
        delete_received=True,
    )


def _after_contact(data: dict[str, Any], kind: str, text: str, state: str) -> Outcome:
    looks_like_contact = bool(kind) or _is_contact(text)
    return Outcome(
        [
            Reply(
                _(
                    "Your signature and its contact are already recorded; this message was not "
                    "added to them. If the contact was wrong, take the signature back with "
                    "/withdraw and sign again."
                )
            )
        ],
        state,
        data,
        delete_received=looks_like_contact,
    )


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
