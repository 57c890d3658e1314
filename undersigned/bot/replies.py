"""The shapes of what the bot says (a Reply, an Outcome) and the words every command
group of the conversation shares: campaign lookup, titles, dates, help."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from undersigned.access import access_public_campaign
from undersigned.campaigns.models import Campaign
from undersigned.signatures.forms import SignForm
from undersigned.signatures.models import Signature

CLAIM_STEPS = ("full_name", "office", "body", "municipality")
SKIP = "/skip"
MAX_REGION_SUGGESTIONS = 6
MAX_TEXT_MESSAGES = 3  # a longer campaign text is cut there, with a link to the rest
BUTTON_TITLE_LENGTH = 28

Buttons = list[list[tuple[str, str]]]  # rows of (label, callback data)


@dataclass
class Reply:
    text: str
    buttons: Buttons | None = None


@dataclass
class Outcome:
    replies: list[Reply]
    state: str | None = None  # None ends the conversation
    data: dict[str, Any] = field(default_factory=dict)
    # The message just received holds something that should not stay in the chat.
    delete_received: bool = False
    # Bot receipts whose links the replies carry: once delivered, their sealed copies go.
    receipts: list[int] = field(default_factory=list)


def language_of(code: str | None) -> str:
    """Telegram's language code of the user, mapped to a language of the site (Russian else)."""
    return "en" if (code or "").lower().startswith("en") else "ru"


def campaign_by_slug(slug: str) -> Campaign | None:
    # Campaign addresses are lower case; a link typed or forwarded may not be.
    slug = slug.strip().lower()
    if not slug or len(slug) > 80:
        return None
    try:
        return access_public_campaign(slug)
    except Http404:
        return None


def sign_form(campaign: Campaign, language: str, data: dict[str, Any] | None = None) -> SignForm:
    return SignForm(data, campaign=campaign, language=language)


def title_of(campaign: Campaign, language: str) -> str:
    return campaign.text_for(language).title


def shorten_title(text: str, length: int = BUTTON_TITLE_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def quoted(title: str) -> str:
    # Russian quotes in Russian, plain ones in English.
    return _("“%(title)s”") % {"title": title}


def day_signed(signature: Signature) -> str:
    return date_format(localtime(signature.created_at), "j E Y")


def help_reply() -> Reply:
    return Reply(
        _(
            "This bot signs open letters and petitions. To sign one, open its link: "
            "the bot starts with that campaign.\n"
            "\n"
            "/status: your signatures from this chat\n"
            "/withdraw: take a signature back\n"
            "/stop: stop updates sent here\n"
            "/forget: delete our recent messages and what the bot keeps about this chat\n"
            "/cancel: stop signing before anything is sent\n"
            "\n"
            "Is this anonymous?\n"
            "Not towards Telegram: it sees this chat, your account and your phone number. "
            "If you choose not to be named, the public does not see your name, but the "
            "campaign's verifiers and organizers do: they check that signers are who they say.\n"
            "\n"
            "Who can read what I wrote here?\n"
            "Telegram, and anyone holding your unlocked phone. /forget deletes the messages "
            "of the last 48 hours; delete the chat itself for the rest.\n"
            "\n"
            "Can I take my signature back?\n"
            "Yes, at any time: /withdraw here, or your receipt link.\n"
            "\n"
            "Can I sign without Telegram?\n"
            "Yes: every campaign has a form on its web page."
        )
    )


def closed() -> Outcome:
    return Outcome([Reply(_("This campaign is closed to new signatures."))])


def shown_as(signature: Signature) -> str:
    # Before a verifier's decision nothing is shown or counted as signed: said so.
    pending = signature.state in (Signature.RECEIVED, Signature.MATCHED)
    if signature.publication == Signature.NAMED and pending:
        return _("name to be shown once verified")
    if signature.publication == Signature.ANONYMOUS and pending:
        return _("name not to be shown")
    if signature.publication == Signature.NAMED:
        return _("name shown")
    if signature.publication == Signature.CONDITIONAL:
        n = signature.reveal_threshold or 0
        return ngettext(
            "name shown after %(n)d verified signature",
            "name shown after %(n)d verified signatures",
            n,
        ) % {"n": n}
    return _("counted, name not shown")


def optional_note() -> str:
    return _("Optional: send /skip to leave it empty.")


def campaign_url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse("campaign", args=[campaign.slug])


def unknown_command(command: str) -> str:
    return _("There is no command %(command)s; your message was not saved as an answer.") % {
        "command": command[:40]
    }


def press_a_button() -> str:
    return _("Please press one of the buttons.")


def finished_note() -> str:
    return _(
        "When you have finished: /forget deletes our messages from this chat; then delete "
        "the chat itself."
    )


def deletion_note(language: str, deleted: bool) -> Reply:
    """Said after trying to delete a message the person sent."""
    with translation.override(language):
        if deleted:
            return Reply(_("I have deleted your message from this chat."))
        return Reply(_("I could not delete your message: please delete it yourself."))
