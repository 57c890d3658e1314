"""`manage.py run_bot`: long polling against the fake API server until interrupted.

A TransactionTestCase: the bot writes from a thread of its own, as in production."""

import os
import shutil
import signal
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase, override_settings

from harness.fake_telegram import BOT_USERNAME, TOKEN, FakeTelegram, text_update


class RunBotCommandTest(TransactionTestCase):
    def setUp(self) -> None:
        # A copy of the catalogues without their compiled .mo files.
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.locale = Path(folder.name)
        for po in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/*.po"):
            target = self.locale / po.relative_to(settings.LOCALE_PATHS[0])
            target.parent.mkdir(parents=True)
            shutil.copy(po, target)

    def test_polls_answers_and_stops_on_interrupt(self) -> None:
        telegram = FakeTelegram().start()
        self.addCleanup(telegram.stop)
        telegram.push(text_update(4242, "/help"))

        def interrupt_once_answered() -> None:
            # Patient: on a busy machine compiling the catalogues alone takes many seconds.
            # (Once the updates are drained, waiting on that event no longer sleeps.)
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                if telegram.drained.is_set() and telegram.sent_messages():
                    break
                time.sleep(0.1)
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C would; the bot stops polling

        watcher = threading.Thread(target=interrupt_once_answered, daemon=True)
        out = StringIO()
        with override_settings(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=telegram.url, LOCALE_PATHS=[self.locale]
        ):
            watcher.start()
            call_command("run_bot", stdout=out)
        watcher.join(5)
        assert f"Polling as @{BOT_USERNAME}" in out.getvalue()
        methods = [method for method, _ in telegram.calls]
        assert methods[:2] == ["deleteWebhook", "getMe"]
        # The menu and descriptions, in Russian (the default) and English.
        assert set(telegram.profile) == {
            f"{method}:{language}"
            for method in ("setMyCommands", "setMyDescription", "setMyShortDescription")
            for language in ("", "en")
        }
        russian = _commands(telegram.profile["setMyCommands:"])
        english = _commands(telegram.profile["setMyCommands:en"])
        assert (
            set(russian)
            == set(english)
            == {"status", "withdraw", "stop", "forget", "cancel", "help"}
        )
        assert english["forget"] == "Delete our messages; forget this chat"
        assert russian["forget"] == "Удалить наши сообщения и забыть этот чат"
        # The catalogues were compiled by run_bot itself, here into a copy of the locale.
        assert (self.locale / "ru" / "LC_MESSAGES" / "django.mo").exists()
        [answer] = telegram.sent_messages()
        assert int(answer["chat_id"]) == 4242
        assert "/status" in answer["text"]

    def test_needs_a_token(self) -> None:
        with override_settings(TELEGRAM_BOT_TOKEN=""), self.assertRaises(CommandError):
            call_command("run_bot")


def _commands(params: dict[str, Any]) -> dict[str, str]:
    return {command["command"]: command["description"] for command in params["commands"]}
