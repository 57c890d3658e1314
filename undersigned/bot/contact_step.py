"""After signing: an optional contact for verification, attached to the signature at once,
encrypted; it is never kept in the conversation."""

from typing import Any

from django import forms
from django.db import IntegrityError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from undersigned.bot import actions as bot_actions
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
    if state == "signed:contact":
        try:
            contact = clean_contact(kind, text)
        except forms.ValidationError as error:
            prompt = f"{_(CONTACT_PROMPTS.get(kind, ''))}\n{optional_note()}"
            return Outcome([Reply(" ".join(error.messages)), Reply(prompt)], state, data)
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
            {key: value for key, value in data.items() if key != "contact_kind"},
            delete_received=True,
        )
    # signed:done: a correction, or anything else, sent after the contact.
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


def _is_contact(text: str) -> bool:
    for kind in CONTACT_KINDS:
        try:
            clean_contact(kind, text)
        except forms.ValidationError:
            continue
        return True
    return False
