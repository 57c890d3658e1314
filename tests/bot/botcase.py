"""A test case that runs the real bot (aiogram, long polling) against the fake Bot API server."""

import asyncio
from typing import Any

from aiogram import Dispatcher
from asgiref.sync import async_to_sync
from django.test import override_settings

from tests.base import PersonaTestCase
from tests.bot.fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram, button_update, text_update
from undersigned.bot.handlers import build_dispatcher
from undersigned.core.telegram import build_bot

CHAT = 5550001


class BotTestCase(PersonaTestCase):
    telegram: FakeTelegram

    @classmethod
    def setUpClass(cls) -> None:
        cls.telegram = FakeTelegram().start()
        cls._bot_settings = override_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BOT_USERNAME=BOT_USERNAME,
            TELEGRAM_API_URL=cls.telegram.url,
            SITE_URL="https://petition.example",
        )
        cls._bot_settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._bot_settings.disable()
        cls.telegram.stop()

    async def _poll_until_drained(self) -> None:
        # A dispatcher per round: its stop signal belongs to one event loop. The conversation
        # itself is kept in the database, as in production.
        dispatcher: Dispatcher = build_dispatcher()
        bot = build_bot()
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_signals=False, handle_as_tasks=False, polling_timeout=0
            )
        )
        drained = await asyncio.get_running_loop().run_in_executor(
            None, self.telegram.drained.wait, 30
        )
        await dispatcher.stop_polling()
        await polling
        assert drained, "the bot did not take every scripted update"

    def converse(self, *updates: dict[str, Any]) -> list[str]:
        """Send updates to the bot as Telegram would; the texts of the messages it sent back."""
        since = len(self.telegram.calls)
        self.telegram.push(*updates)
        async_to_sync(self._poll_until_drained)()
        return [message["text"] for message in self.telegram.sent_messages(since)]

    def say(self, text: str, chat: int = CHAT, language: str = "en") -> list[str]:
        return self.converse(text_update(chat, text, language))

    def press(self, data: str, chat: int = CHAT, language: str = "en") -> list[str]:
        return self.converse(button_update(chat, data, language))

    def buttons(self, since: int = 0) -> list[str]:
        """Callback data of every button the bot offered in its last message."""
        messages = self.telegram.sent_messages(since)
        markup = messages[-1].get("reply_markup") if messages else None
        if not markup:
            return []
        return [button["callback_data"] for row in markup["inline_keyboard"] for button in row]
