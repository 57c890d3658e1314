"""The bot's connection to the Telegram Bot API (or any server speaking it), from settings.

Link previews are off for every message: a preview would make Telegram's servers
fetch the links the bot sends, receipt links included.
"""

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# A Telegram message holds at most this many characters.
MESSAGE_LIMIT = 4096


class TelegramSendError(Exception):
    def __init__(self, code: str, *, temporary: bool):
        super().__init__(code)
        self.code = code
        self.temporary = temporary


def bot_configured() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def build_bot() -> Bot:
    """A Bot for the configured token and API server. Close its session when done."""
    if not bot_configured():
        raise ImproperlyConfigured("TELEGRAM_BOT_TOKEN is not set")
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.TELEGRAM_API_URL))
    return Bot(
        settings.TELEGRAM_BOT_TOKEN,
        session=session,
        default=DefaultBotProperties(link_preview_is_disabled=True),
    )


def shorten(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


async def _send(chat_id: int, text: str) -> None:
    bot = build_bot()
    try:
        await bot.send_message(chat_id, shorten(text))
    finally:
        await bot.session.close()


def send_text(chat_id: int, text: str) -> None:
    """Send one message from synchronous code; raises TelegramSendError saying if it may pass."""
    try:
        async_to_sync(_send)(chat_id, text)
    except TelegramRetryAfter:
        raise TelegramSendError("telegram 429", temporary=True) from None
    except TelegramServerError:
        raise TelegramSendError("telegram 5xx", temporary=True) from None
    except TelegramNetworkError:
        raise TelegramSendError("telegram network", temporary=True) from None
    except TelegramAPIError as error:  # blocked by the user, chat gone, bad request
        raise TelegramSendError(f"telegram {type(error).__name__}", temporary=False) from None
