"""A test case that runs the real bot (aiogram, long polling) against the fake Bot API server.

Each conversation is also kept as a transcript, as the signer would read it on her
phone; `write_transcript` puts it under artifacts/bot/ (ignored by git) to be read.
"""

import asyncio
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from asgiref.sync import async_to_sync
from django.test import override_settings

from harness.fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram, button_update, text_update
from tests.base import PersonaTestCase
from undersigned.bot.handlers import build_dispatcher
from undersigned.bot.outbox import Outbox
from undersigned.core.telegram import build_bot

CHAT = 5550001
# Telegram's limits and the bot's pace, both on a clock this much faster, so that a
# conversation of twenty messages does not take twenty seconds.
SPEED = 20.0
BOT_TIMEOUT_SECONDS = 2  # how long the bot waits for one answer of the fake
TRANSCRIPTS = Path(__file__).resolve().parents[2] / "artifacts" / "bot"


class BotTestCase(PersonaTestCase):
    telegram: FakeTelegram
    speed = SPEED
    bot_timeout = BOT_TIMEOUT_SECONDS

    @classmethod
    def setUpClass(cls) -> None:
        cls.telegram = FakeTelegram(speed=cls.speed).start()
        cls.telegram.timeout_hold = cls.bot_timeout + 1
        cls.addClassCleanup(cls.telegram.stop)
        bot_settings = override_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BOT_USERNAME=BOT_USERNAME,
            TELEGRAM_API_URL=cls.telegram.url,
            SITE_URL="https://petition.example",
        )
        bot_settings.enable()
        # A cleanup, not tearDownClass: it runs after those of a subclass's own
        # override_settings, so these settings never outlive the class.
        cls.addClassCleanup(bot_settings.disable)
        super().setUpClass()

    async def _poll_until_drained(self) -> None:
        # A dispatcher per round: its stop signal belongs to one event loop. The conversation
        # itself is kept in the database, and the outbox for the whole test, as in production.
        dispatcher: Dispatcher = build_dispatcher(self.outbox)
        bot = build_bot()
        try:
            # As run_bot does: each update in a task, one chat's in order.
            polling = asyncio.create_task(
                dispatcher.start_polling(
                    bot,
                    handle_signals=False,
                    handle_as_tasks=True,
                    polling_timeout=0,
                    close_bot_session=False,
                )
            )
            drained = await asyncio.get_running_loop().run_in_executor(
                None, self.telegram.drained.wait, 60
            )
            # The updates taken are still being answered: wait for every one.
            while dispatcher._handle_update_tasks:
                await asyncio.gather(*dispatcher._handle_update_tasks, return_exceptions=True)
            await dispatcher.stop_polling()
            await polling
        finally:
            await _close_session(bot)
        assert drained, "the bot did not take every scripted update"

    def setUp(self) -> None:
        super().setUp()
        self.transcript: list[str] = []
        self.outbox = Outbox(speed=self.speed, timeout=self.bot_timeout)
        self.telegram.forget_pace()
        self.telegram.chats.clear()
        self.telegram.failures.clear()
        self.telegram.faults.clear()
        self.telegram.flaky = set()
        self.telegram.faults_given.clear()

    def converse(self, *updates: dict[str, Any]) -> list[str]:
        """Send updates to the bot as Telegram would; the texts of the messages it sent back."""
        since = len(self.telegram.calls)
        for update in updates:
            self.transcript.append(_as_read(update))
        self.telegram.push(*updates)
        async_to_sync(self._poll_until_drained)()
        for method, params in self.telegram.calls[since:]:
            if method == "sendMessage":
                status = params.get("_status", 200)
                refused = f"[Telegram refused this message: {status}]\n" if status != 200 else ""
                self.transcript.append(refused + _bot_said(params))
            elif method in {"deleteMessage", "deleteMessages"}:
                ids = params.get("message_ids") or [params.get("message_id")]
                self.transcript.append(f"[the bot deletes {len(ids)} message(s)]")
        # What reached the chat: a send Telegram refused (and the outbox then sent again)
        # is in the transcript, not in the answer.
        return [
            message["text"]
            for message in self.telegram.sent_messages(since)
            if message.get("_status", 200) == 200
        ]

    def say(self, text: str, chat: int = CHAT, language: str = "en") -> list[str]:
        return self.converse(text_update(chat, text, language))

    def press(self, data: str, chat: int = CHAT, language: str = "en") -> list[str]:
        """Press the button of the latest message of the chat offering it (or a forged one)."""
        for message in reversed(self.telegram.sent_messages()):
            if int(message["chat_id"]) == chat and data in _button_data(message):
                update = button_update(
                    chat,
                    data,
                    language,
                    message_id=self.telegram_message_id(message),
                    text=message["text"],
                )
                update["callback_query"]["message"]["reply_markup"] = message["reply_markup"]
                return self.converse(update)
        return self.converse(button_update(chat, data, language))

    def telegram_message_id(self, sent: dict[str, Any]) -> int:
        """The id the fake server gave a message the bot sent."""
        chat = self.telegram.chats.get(int(sent["chat_id"]), {})
        ids = [i for i, (_date, text) in chat.items() if text.startswith(sent["text"])]
        return ids[-1] if ids else 1

    def write_transcript(self, name: str) -> Path:
        TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
        path = TRANSCRIPTS / f"{name}.txt"
        path.write_text("\n\n".join(self.transcript) + "\n", encoding="utf-8")
        return path

    def buttons(self, since: int = 0) -> list[str]:
        """Callback data of every button the bot offered in its last message."""
        messages = self.telegram.sent_messages(since)
        markup = messages[-1].get("reply_markup") if messages else None
        if not markup:
            return []
        return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]


async def _close_session(bot: Bot) -> None:
    """Close the bot's HTTP session; plain HTTP to this machine has no TLS connections to
    give the 250 ms AiohttpSession.close waits for them."""
    session = bot.session
    if isinstance(session, AiohttpSession):
        if session._session is not None:
            await session._session.close()
    else:
        await session.close()


def _button_data(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["callback_data"] for row in markup.get("inline_keyboard", []) for button in row]


def _as_read(update: dict[str, Any]) -> str:
    """What the signer did, as a line of the transcript."""
    if "callback_query" in update:
        query = update["callback_query"]
        markup = query["message"].get("reply_markup") or {}
        labels = {
            button["callback_data"]: button["text"]
            for row in markup.get("inline_keyboard", [])
            for button in row
        }
        return f">> [presses: {labels.get(query['data'], query['data'])}]"
    if "edited_message" in update:
        return f">> [edits an earlier message to:] {update['edited_message'].get('text', '')}"
    message = update["message"]
    if "forward_origin" in message:
        return f">> [forwards:] {message.get('text', '')}"
    for kind in ("sticker", "photo", "voice", "contact", "document", "location"):
        if kind in message:
            caption = message.get("caption") or ""
            return f">> [sends a {kind}]" + (f" {caption}" if caption else "")
    return f">> {message.get('text', '')}"


def _bot_said(message: dict[str, Any]) -> str:
    markup = message.get("reply_markup") or {}
    rows = [
        " ".join(f"[{button['text']}]" for button in row)
        for row in markup.get("inline_keyboard", [])
    ]
    return "\n".join([message["text"], *rows])
