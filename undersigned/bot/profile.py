"""What Telegram shows of the bot before and around a chat: the command menu, the
description of an empty chat and the short one of the profile, in Russian (the default)
and English. Registered by `run_bot` and `set_webhook`."""

from aiogram import Bot
from aiogram.types import BotCommand
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

COMMANDS = [
    ("status", gettext_noop("Your signatures from this chat")),
    ("withdraw", gettext_noop("Take a signature back")),
    ("stop", gettext_noop("Stop updates sent here")),
    ("forget", gettext_noop("Delete our messages; forget this chat")),
    ("cancel", gettext_noop("Stop signing before anything is sent")),
    ("help", gettext_noop("How this works; who sees what")),
]
# Telegram's own language codes: None is everyone without a language of their own here.
LANGUAGES = {None: "ru", "en": "en"}


def profile(language: str) -> tuple[list[BotCommand], str, str]:
    with translation.override(language):
        commands = [BotCommand(command=name, description=_(text)) for name, text in COMMANDS]
        description = _(
            "This bot signs open letters and petitions of elected officials. Open a "
            "campaign's link to start.\n\n"
            "Telegram sees this chat, your account and your phone number. Every campaign also "
            "has a form on its web page that keeps Telegram out. /help answers the usual "
            "questions."
        )
        short = _("Signs open letters and petitions. /help: who sees what.")
    return commands, description, short


async def register_profile(bot: Bot) -> None:
    for code, language in LANGUAGES.items():
        commands, description, short = profile(language)
        await bot.set_my_commands(commands, language_code=code)
        await bot.set_my_description(description, language_code=code)
        await bot.set_my_short_description(short, language_code=code)
