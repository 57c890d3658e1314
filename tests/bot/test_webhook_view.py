"""The webhook Telegram calls in production, with the bot answering through the fake API server."""

import json

from django.test import override_settings
from django.urls import reverse

from harness.fake_telegram import TOKEN, FakeTelegram, text_update
from tests.base import PersonaTestCase
from undersigned.bot.models import BotConversation

SECRET = "webhook-secret-0123456789abcdef"


class WebhookViewTest(PersonaTestCase):
    telegram: FakeTelegram

    @classmethod
    def setUpClass(cls) -> None:
        cls.telegram = FakeTelegram().start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.telegram.stop()

    def setUp(self) -> None:
        super().setUp()
        settings = override_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.telegram.url,
            TELEGRAM_WEBHOOK_SECRET=SECRET,
        )
        settings.enable()
        self.addCleanup(settings.disable)

    def post(
        self, update: dict[str, object], *, path_secret: str = SECRET, header: str = SECRET
    ) -> int:
        response = self.client.post(
            reverse("telegram_webhook", args=[path_secret]),
            json.dumps({"update_id": 1, **update}),
            content_type="application/json",
            headers={"X-Telegram-Bot-Api-Secret-Token": header},
        )
        return response.status_code

    def test_an_update_is_handled_before_the_answer(self) -> None:
        since = len(self.telegram.calls)
        assert self.post(text_update(9001, f"/start {self.campaign.slug}")) == 200
        texts = [m["text"] for m in self.telegram.sent_messages(since)]
        assert "Deputies' appeal" in texts[0]
        assert texts[-1].startswith("Full name")
        assert BotConversation.objects.count() == 1  # the next update may reach another worker

    def test_wrong_secrets_are_not_found_and_change_nothing(self) -> None:
        since = len(self.telegram.calls)
        update = text_update(9001, f"/start {self.campaign.slug}")
        assert self.post(update, path_secret="wrong-secret-0123456789abcdef") == 404
        assert self.post(update, header="") == 404
        assert self.post(update, header="wrong") == 404
        with self.settings(TELEGRAM_WEBHOOK_SECRET=""):  # no webhook configured: none answers
            assert self.post(update, path_secret="x", header="") == 404
        assert self.telegram.sent_messages(since) == []
        assert not BotConversation.objects.exists()

    def test_only_json_updates_by_post(self) -> None:
        url = reverse("telegram_webhook", args=[SECRET])
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert self.client.get(url, headers=headers).status_code == 405
        bad = self.client.post(url, "not json", content_type="application/json", headers=headers)
        assert bad.status_code == 400
        no_id = self.client.post(url, "{}", content_type="application/json", headers=headers)
        assert no_id.status_code == 400
