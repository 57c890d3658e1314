"""The chat's other commands: `/forget`, `/staff`, `/stop`, `/cancel`, `/help`."""

from django.utils import translation
from django.utils.translation import gettext as _

from undersigned.bot import actions as bot_actions
from undersigned.bot.replies import (
    Outcome,
    Reply,
    help_reply,
)
from undersigned.updates import actions as update_actions


def forget_question(language: str) -> Outcome:
    with translation.override(language):
        return Outcome(
            [
                Reply(
                    _(
                        "Forget this chat? The bot will:\n"
                        "• delete from this chat our messages of the last 48 hours, yours and "
                        "mine (Telegram lets it go no further back);\n"
                        "• forget which signatures were made from here: /status and /withdraw "
                        "will no longer find them. Your signatures stay, and your receipt links "
                        "still work: keep them elsewhere first if you may want to withdraw;\n"
                        "• stop the updates sent here."
                    ),
                    [[(_("Yes, forget"), "forget:yes"), (_("No"), "forget:no")]],
                )
            ]
        )


def forgotten(language: str, kept: int) -> Outcome:
    with translation.override(language):
        lines = [_("Done: the bot keeps nothing about this chat any more.")]
        if kept:
            lines.append(_("Some messages could not be deleted."))
        lines.append(
            _("Now delete the chat itself: only you can remove what is older than 48 hours.")
        )
        return Outcome([Reply("\n".join(lines))])


def not_forgotten(language: str) -> Outcome:
    with translation.override(language):
        return Outcome([Reply(_("Nothing was deleted."))])


def link_staff(chat_id: int, language: str, code: str) -> Outcome:
    with translation.override(language):
        user = bot_actions.link_staff_chat(code, chat_id)
        if user is None:
            return Outcome([Reply(_("This code is not valid or has expired."))])
        return Outcome([Reply(_("Linked: staff notifications for your campaigns will come here."))])


def stop_updates(chat_id: int, language: str) -> Outcome:
    with translation.override(language):
        removed = update_actions.unsubscribe_telegram_chat(chat_id)
        if removed:
            return Outcome([Reply(_("You will receive no more updates here."))])
        return Outcome([Reply(_("You receive no updates here."))])


def cancel(language: str, state: str | None) -> Outcome:
    with translation.override(language):
        if state:
            return Outcome([Reply(_("Cancelled; nothing was sent."))])
        return Outcome(
            [
                Reply(
                    _(
                        "No signing is under way; there is nothing to cancel. A signature "
                        "already made stays: /withdraw takes it back."
                    )
                )
            ]
        )


def help_text(language: str) -> Outcome:
    with translation.override(language):
        return Outcome([help_reply()])
