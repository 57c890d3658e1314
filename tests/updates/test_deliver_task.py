"""Sending updates to subscribers: by e-mail through a real SMTP server, and by Telegram
through the fake Bot API server; once only; retried only when the failure may pass."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from harness.fake_telegram import TOKEN, FakeTelegram
from harness.smtp import SMTPServer
from tests.base import PersonaTestCase
from undersigned.updates import actions, tasks
from undersigned.updates.models import Delivery, Update

TEXTS = [
    {"language": "ru", "title": "Мы передали обращение", "body": "Обращение передано адресату."},
    {"language": "en", "title": "We delivered the appeal", "body": "The appeal was delivered."},
]


class DeliveryTestCase(PersonaTestCase):
    def publish(self) -> Update:
        with self.captureOnCommitCallbacks(execute=True):
            return actions.publish_update(self.campaign, author=self.spokesperson, texts=TEXTS)

    def delivery(self) -> Delivery:
        return Delivery.objects.get()

    def make_due(self) -> None:
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


class EmailDeliveryTest(DeliveryTestCase):
    def test_update_reaches_an_opted_in_signer_in_their_language(self) -> None:
        actions.subscribe_email(self.campaign, "Olga@Example.org", "en")
        with (
            SMTPServer() as smtp,
            override_settings(**smtp.settings(), SITE_URL="https://p.example"),
        ):
            self.publish()
        assert len(smtp.received) == 1
        mail = smtp.received[0]
        assert mail["To"] == "olga@example.org"
        assert mail["Subject"] == "We delivered the appeal"
        body = mail.get_content()
        assert "The appeal was delivered." in body
        assert "https://p.example/updates/unsubscribe/" in body
        assert (
            mail["List-Unsubscribe"].strip().startswith("<https://p.example/updates/unsubscribe/")
        )
        assert self.delivery().state == Delivery.SENT

    def test_running_the_send_twice_delivers_once(self) -> None:
        actions.subscribe_email(self.campaign, "olga@example.org", "ru")
        with SMTPServer() as smtp, override_settings(**smtp.settings()):
            update = self.publish()
            tasks.send_update_task.call(update.pk)
            tasks.deliver_task.call(self.delivery().pk)
            self.make_due()
            tasks.retry_due_deliveries()
        assert len(smtp.received) == 1
        assert smtp.received[0]["Subject"] == "Мы передали обращение"
        assert Delivery.objects.count() == 1

    def test_a_temporary_refusal_is_retried_later(self) -> None:
        actions.subscribe_email(self.campaign, "olga@example.org", "en")
        with (
            SMTPServer(["451 4.3.0 Try again later"]) as smtp,
            override_settings(**smtp.settings()),
        ):
            self.publish()
            delivery = self.delivery()
            assert delivery.state == Delivery.PENDING
            assert delivery.attempts == 1
            assert delivery.last_error == "smtp 451"
            assert delivery.next_attempt_at > timezone.now()
            assert tasks.retry_due_deliveries() == 0  # not due yet
            self.make_due()
            assert tasks.retry_due_deliveries() == 1
        assert len(smtp.received) == 1
        assert self.delivery().state == Delivery.SENT
        assert self.delivery().attempts == 2

    def test_a_permanent_refusal_is_not_retried(self) -> None:
        actions.subscribe_email(self.campaign, "gone@example.org", "en")
        with SMTPServer(["550 5.1.1 No such user"]) as smtp, override_settings(**smtp.settings()):
            self.publish()
            self.make_due()
            assert tasks.retry_due_deliveries() == 0
        delivery = self.delivery()
        assert delivery.state == Delivery.FAILED
        assert delivery.attempts == 1
        assert delivery.last_error == "smtp 550"
        assert smtp.received == []

    def test_an_unreachable_server_is_retried_then_given_up(self) -> None:
        actions.subscribe_email(self.campaign, "olga@example.org", "en")
        with SMTPServer() as smtp:
            closed = smtp.settings()  # the port is closed once the server stops
        with override_settings(**closed, UPDATES_MAX_ATTEMPTS=2):
            self.publish()
            assert self.delivery().state == Delivery.PENDING
            assert self.delivery().last_error.startswith("connection")
            self.make_due()
            tasks.retry_due_deliveries()
        assert self.delivery().state == Delivery.FAILED
        assert self.delivery().attempts == 2

    def test_subscribers_of_other_campaigns_get_nothing(self) -> None:
        other = self.make_campaign("other-letter")
        actions.subscribe_email(other, "elsewhere@example.org", "en")
        with SMTPServer() as smtp, override_settings(**smtp.settings()):
            self.publish()
        assert smtp.received == []
        assert not Delivery.objects.exists()


class TelegramDeliveryTest(DeliveryTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.telegram = FakeTelegram().start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.telegram.stop()

    def bot_settings(self) -> override_settings:
        return override_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=self.telegram.url)

    def test_update_reaches_a_bot_subscriber(self) -> None:
        actions.subscribe_telegram(self.campaign, 7770001, "ru")
        since = len(self.telegram.calls)
        with self.bot_settings():
            self.publish()
        sent = self.telegram.sent_messages(since)
        assert [int(m["chat_id"]) for m in sent] == [7770001]
        assert "Обращение передано адресату." in sent[0]["text"]
        assert "/stop" in sent[0]["text"]
        assert self.delivery().state == Delivery.SENT

    def test_rate_limited_is_retried_blocked_is_not(self) -> None:
        actions.subscribe_telegram(self.campaign, 7770002, "en")
        actions.subscribe_telegram(self.campaign, 7770003, "en")
        self.telegram.failures = {7770002: [429], 7770003: [403]}
        since = len(self.telegram.calls)
        with self.bot_settings():
            self.publish()
            states = dict(Delivery.objects.values_list("subscription__telegram_chat_id", "state"))
            assert states == {7770002: Delivery.PENDING, 7770003: Delivery.FAILED}
            self.make_due()
            tasks.retry_due_deliveries()
        delivered = [int(m["chat_id"]) for m in self.telegram.sent_messages(since)]
        assert delivered.count(7770002) == 2  # refused once, then delivered
        assert delivered.count(7770003) == 1  # refused for good, never again
        states = dict(Delivery.objects.values_list("subscription__telegram_chat_id", "state"))
        assert states == {7770002: Delivery.SENT, 7770003: Delivery.FAILED}
