"""What the bot says and does, as plain synchronous functions over the database.

Each function takes the chat, the signer's language, the conversation's state and
answers so far, and what the person sent; it returns the replies and the new state.
The aiogram handlers (handlers.py) only carry these to and from Telegram.

This module routes what arrives to its command group: the signing dialogue
(signing_dialogue.py, with its contact question in contact_step.py), the chat's
own signatures (signatures_menu.py) and the other commands (chat_commands.py).
"""

import re
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from undersigned.bot import signing_dialogue
from undersigned.bot.contact_step import TYPING, contact_left_over
from undersigned.bot.replies import (
    Outcome,
    Reply,
    campaign_by_slug,
    closed,
    help_reply,
    unknown_command,
)
from undersigned.bot.signatures_menu import (
    lower_visibility,
    withdraw_choice,
)
from undersigned.bot.signing_dialogue import start
from undersigned.vault.models import ContactCiphertext


def on_text(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], text: str
) -> Outcome:
    """Something typed while a conversation is (or is not) under way."""
    language = data.get("lang", language)
    state, data = _current(state, data)
    with translation.override(language):
        # A phone may capitalise the first letter: /Skip is /skip.
        command = text.split()[0].lower() if text.startswith("/") and text.strip() else ""
        slug = _campaign_asked_for(text)
        if slug and state != TYPING:
            # "start deputies-appeal" without its slash, or the campaign's link pasted.
            return signing_dialogue.start(chat_id, language, slug)
        step = (state or "").removeprefix("sign:")
        campaign = campaign_by_slug(data.get("slug", "")) if state else None
        if campaign is None:
            if command:
                return Outcome([Reply(unknown_command(command)), help_reply()])
            return Outcome(
                [Reply(_("No signing is under way: this message was not stored.")), help_reply()],
                # A contact sent after signing, as a correction: it does not stay in the chat.
                delete_received=contact_left_over(text),
            )
        if not campaign.accepts_signatures:
            return closed()
        return signing_dialogue.answer_text(
            chat_id, language, state or "", step, campaign, data, text, command
        )


def _current(state: str | None, data: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """A conversation still at a question asked after signing (the contact question came
    after Sign until it came before): that question is closed, as the conversation is."""
    if state and state.startswith("signed:"):
        return None, {}
    return state, data


START_WITHOUT_SLASH = re.compile(r"^\s*start\s+([a-z0-9][a-z0-9-]{0,79})\s*$", re.IGNORECASE)
CAMPAIGN_LINK = re.compile(
    r"^\s*(?:https?://)?\S*?(?:/c/([a-z0-9][a-z0-9-]{0,79})/?|[?&]start=([a-z0-9][a-z0-9-]{0,79}))\s*$",
    re.IGNORECASE,
)


def _campaign_asked_for(text: str) -> str:
    """The slug of an existing campaign the message asks for as a command or a link; ""."""
    found = START_WITHOUT_SLASH.match(text) or CAMPAIGN_LINK.match(text)
    if found is None:
        return ""
    slug = next(group for group in found.groups() if group)
    return slug if campaign_by_slug(slug) is not None else ""


def on_choice(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], choice: str
) -> Outcome:
    """A button pressed."""
    kind, _sep, value = choice.partition(":")
    state, data = _current(state, data)
    if kind in {"wd", "wdyes", "wdno"}:
        return withdraw_choice(chat_id, language, kind, value)
    if kind == "vis":
        return lower_visibility(chat_id, language, value)
    if kind == "other":
        return start(chat_id, language, value, check_chat=False)
    language = data.get("lang", language)
    with translation.override(language):
        step = (state or "").removeprefix("sign:")
        campaign = campaign_by_slug(data.get("slug", "")) if state else None
        if campaign is None:
            return Outcome(
                [Reply(_("This button belongs to a finished conversation.")), help_reply()]
            )
        if not campaign.accepts_signatures:
            return closed()
        return signing_dialogue.answer_choice(
            chat_id, language, state or "", step, campaign, data, kind, value
        )


def on_other(
    chat_id: int, language: str, state: str | None, data: dict[str, Any], kind: str
) -> Outcome:
    """Something other than text: a photo, a file, a shared contact, a sticker, a voice message."""
    language = data.get("lang", language)
    with translation.override(language):
        if kind in {"photo", "document"}:
            said = _(
                "Please do not send photos or files here, and above all no pictures of "
                "documents: signing needs none, and Telegram keeps whatever is sent."
            )
        elif kind == "contact":
            said = _(
                "Please do not share your contact card here: it holds your phone number, and "
                "signing does not need it."
            )
            if state == TYPING and data.get("contact_kind") == ContactCiphertext.PHONE:
                said += " " + _("To leave your phone number for verification, type it.")
        elif kind == "someone's contact":
            said = _(
                "Please do not share contact cards here: they hold phone numbers, and signing "
                "does not need them."
            )
        elif kind == "location":
            said = _(
                "Please do not send your location here: signing does not need it, and "
                "Telegram keeps whatever is sent."
            )
        elif kind == "forwarded":
            said = _(
                "A forwarded message is not taken as an answer: please type your answer yourself."
            )
        elif kind == "edited":
            said = _(
                "An edited message is not read: your answer stays as you first sent it. "
                "Before you sign, “Change an answer” corrects it."
            )
        elif kind == "voice":
            said = _("I cannot listen to voice messages. Please type your answer.")
        else:
            said = _("I understand only text and buttons.")
        replies = [Reply(said)]
        step = (state or "").removeprefix("sign:")
        campaign = (
            campaign_by_slug(data.get("slug", "")) if state and state.startswith("sign:") else None
        )
        if campaign is not None and campaign.accepts_signatures:
            replies.append(signing_dialogue.prompt(step, campaign, language, data))
        return Outcome(
            replies,
            state,
            data,
            delete_received=kind
            in {"photo", "document", "contact", "someone's contact", "location"},
        )
