"""`manage.py set_webhook`: registers the webhook with Telegram (here, the fake API server)."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings

from harness.fake_telegram import TOKEN, FakeTelegram
from tests.base import PersonaTestCase

SECRET = "webhook-secret-0123456789abcdef"


class SetWebhookCommandTest(PersonaTestCase):
    telegram: FakeTelegram

    @classmethod
    def setUpClass(cls) -> None:
        cls.telegram = FakeTelegram().start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.telegram.stop()

    def configured(self, **overrides: str) -> override_settings:
        values = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.telegram.url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "SITE_URL": "https://petition.example",
            **overrides,
        }
        return override_settings(**values)

    def calls(self, since: int, method: str) -> list[dict[str, object]]:
        return [params for name, params in self.telegram.calls[since:] if name == method]

    def test_sets_the_webhook_with_its_secret(self) -> None:
        since = len(self.telegram.calls)
        with self.configured():
            call_command("set_webhook", stdout=StringIO())
        [params] = self.calls(since, "setWebhook")
        assert params["url"] == f"https://petition.example/telegram/webhook/{SECRET}/"
        assert params["secret_token"] == SECRET
        assert params["allowed_updates"] == ["message", "edited_message", "callback_query"]
        # With the command menu and descriptions, in Russian (the default) and English.
        menus = {
            language: {c["command"]: c["description"] for c in params["commands"]}
            for language, params in (
                ("ru", self.telegram.profile["setMyCommands:"]),
                ("en", self.telegram.profile["setMyCommands:en"]),
            )
        }
        assert menus["ru"]["withdraw"] == "Отозвать подпись"
        assert menus["en"]["withdraw"] == "Take a signature back"
        assert self.telegram.profile["setMyShortDescription:en"]["short_description"] == (
            "Signs open letters and petitions. /help: who sees what."
        )
        assert (
            "Telegram видит этот чат" in (self.telegram.profile["setMyDescription:"]["description"])
        )

    def test_deletes_the_webhook(self) -> None:
        since = len(self.telegram.calls)
        with self.configured():
            call_command("set_webhook", "--delete", stdout=StringIO())
        assert len(self.calls(since, "deleteWebhook")) == 1

    def test_refuses_what_telegram_would_refuse(self) -> None:
        since = len(self.telegram.calls)
        for overrides in (
            {"TELEGRAM_BOT_TOKEN": ""},
            {"TELEGRAM_WEBHOOK_SECRET": "short"},
            {"TELEGRAM_WEBHOOK_SECRET": "has spaces and is long enough"},
            {"SITE_URL": "http://petition.example"},
        ):
            with self.configured(**overrides), self.assertRaises(CommandError):
                call_command("set_webhook", stdout=StringIO())
        assert self.calls(since, "setWebhook") == []
