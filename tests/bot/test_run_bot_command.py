"""`manage.py run_bot`: long polling against the fake API server until interrupted."""

import os
import signal
import threading
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.base import PersonaTestCase
from tests.bot.fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram, text_update


class RunBotCommandTest(PersonaTestCase):
    def test_polls_answers_and_stops_on_interrupt(self) -> None:
        telegram = FakeTelegram().start()
        self.addCleanup(telegram.stop)
        telegram.push(text_update(4242, "/help"))

        def interrupt_once_answered() -> None:
            for _ in range(300):
                if telegram.drained.wait(0.1) and telegram.sent_messages():
                    break
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would; the bot stops polling

        watcher = threading.Thread(target=interrupt_once_answered, daemon=True)
        out = StringIO()
        with override_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=telegram.url):
            watcher.start()
            call_command("run_bot", stdout=out)
        watcher.join(5)
        assert f"Polling as @{BOT_USERNAME}" in out.getvalue()
        methods = [method for method, _ in telegram.calls]
        assert methods[:2] == ["deleteWebhook", "getMe"]
        [answer] = telegram.sent_messages()
        assert int(answer["chat_id"]) == 4242
        assert "/status" in answer["text"]

    def test_needs_a_token(self) -> None:
        with override_settings(TELEGRAM_BOT_TOKEN=""), self.assertRaises(CommandError):
            call_command("run_bot")
