"""The connection to the Telegram Bot API (or any server speaking it), from settings: the bot
and the updates sent to subscribers use it.

Link previews are off for every message: a preview would make Telegram's servers
fetch the links the bot sends, receipt links included.
"""

import asyncio
import atexit
import threading
from contextlib import suppress

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
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from undersigned.core.telegram_config import bot_configured

# A Telegram message holds at most this many characters.
MESSAGE_LIMIT = 4096


class TelegramSendError(Exception):
    def __init__(self, code: str, *, temporary: bool):
        super().__init__(code)
        self.code = code
        self.temporary = temporary


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


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The text in parts Telegram takes, cut between paragraphs, else lines, else words."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut >= limit // 2:  # never a part of a few words
                break
        else:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


# Messages sent from synchronous code (tasks) go through one event loop per process, in a
# thread of its own, with one Bot (and HTTP session) per token and API server: no session
# is opened and closed per message.
_sender_loop: asyncio.AbstractEventLoop | None = None
_sender_bots: dict[tuple[str, str], Bot] = {}
_sender_lock = threading.Lock()
SEND_TIMEOUT_SECONDS = 60


def _loop() -> asyncio.AbstractEventLoop:
    global _sender_loop
    with _sender_lock:
        if _sender_loop is None:
            _sender_loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=_sender_loop.run_forever, name="telegram-sender", daemon=True
            )
            thread.start()
            atexit.register(_close_sender_sessions)
        return _sender_loop


def _close_sender_sessions() -> None:
    async def close() -> None:
        for bot in _sender_bots.values():
            await bot.session.close()

    if _sender_loop is not None and _sender_loop.is_running():
        with suppress(Exception):  # leaving the process anyway
            asyncio.run_coroutine_threadsafe(close(), _sender_loop).result(5)


async def _send(chat_id: int, text: str) -> int:
    key = (settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_URL)
    if key not in _sender_bots:
        _sender_bots[key] = build_bot()
    message = await _sender_bots[key].send_message(chat_id, shorten(text))
    return message.message_id


def send_text(chat_id: int, text: str) -> int:
    """Send one message from synchronous code; its id. Raises TelegramSendError saying if
    the failure may pass."""
    if not bot_configured():
        raise TelegramSendError("telegram not configured", temporary=True)
    future = asyncio.run_coroutine_threadsafe(_send(chat_id, text), _loop())
    try:
        return future.result(timeout=SEND_TIMEOUT_SECONDS)
    except TimeoutError:
        future.cancel()
        raise TelegramSendError("telegram timeout", temporary=True) from None
    except TelegramRetryAfter:
        raise TelegramSendError("telegram 429", temporary=True) from None
    except TelegramServerError:
        raise TelegramSendError("telegram 5xx", temporary=True) from None
    except TelegramNetworkError:
        raise TelegramSendError("telegram network", temporary=True) from None
    except TelegramAPIError as error:  # blocked by the user, chat gone, bad request
        raise TelegramSendError(f"telegram {type(error).__name__}", temporary=False) from None
