"""Staff notifications through the bot: signatures waiting, thresholds reached."""

from datetime import timedelta

from django.test import override_settings

from tests.base import make_claims
from tests.bot.botcase import BotTestCase
from undersigned.bot.models import StaffChat, StaffNotice

VERA_CHAT, OLEG_CHAT, SVETLANA_CHAT, OTTO_CHAT = 71, 72, 73, 74


class StaffNotificationTest(BotTestCase):
    def setUp(self) -> None:
        super().setUp()
        for user, chat in (
            (self.verifier, VERA_CHAT),
            (self.organizer, OLEG_CHAT),
            (self.spokesperson, SVETLANA_CHAT),
            (self.outsider, OTTO_CHAT),
        ):
            StaffChat.objects.create(user=user, chat_id=chat)
        self.since = len(self.telegram.calls)

    def received(self) -> dict[int, list[str]]:
        by_chat: dict[int, list[str]] = {}
        for message in self.telegram.sent_messages(self.since):
            by_chat.setdefault(int(message["chat_id"]), []).append(message["text"])
        self.since = len(self.telegram.calls)
        return by_chat

    def test_verifiers_and_organizers_hear_how_many_wait(self) -> None:
        self.sign(make_claims(1))
        self.sign(make_claims(2))
        self.refresh_counts()
        received = self.received()
        assert set(received) == {VERA_CHAT, OLEG_CHAT}
        assert received[VERA_CHAT] == ["Обращение депутатов: подписей, ожидающих проверки: 2."]

    def test_at_most_one_notice_per_interval_and_only_when_the_number_moved(self) -> None:
        self.sign(make_claims(1))
        self.refresh_counts()
        assert self.received()[VERA_CHAT][0].endswith("проверки: 1.")
        self.sign(make_claims(2))
        self.refresh_counts()
        assert self.received() == {}  # too soon
        StaffNotice.objects.update(
            sent_at=StaffNotice.objects.get().sent_at - timedelta(minutes=10)
        )
        self.refresh_counts()
        assert self.received() == {}  # nothing moved since the count
        self.sign(make_claims(3))
        self.refresh_counts()
        assert self.received()[VERA_CHAT][0].endswith("проверки: 3.")

    def test_a_reached_threshold_is_told_to_all_staff_once(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign_verified(make_claims(2))
        self.refresh_counts()
        received = self.received()
        assert set(received) == {VERA_CHAT, OLEG_CHAT, SVETLANA_CHAT}
        assert received[SVETLANA_CHAT] == ["Обращение депутатов: проверенных подписантов уже 2."]
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        assert self.received()[SVETLANA_CHAT] == [
            "Обращение депутатов: проверенных подписантов уже 3."
        ]
        self.sign_verified(make_claims(4))
        self.refresh_counts()
        assert SVETLANA_CHAT not in self.received()

    def test_messages_name_no_signer(self) -> None:
        self.sign(make_claims(1))
        self.sign_verified(make_claims(2))
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        texts = " ".join(text for texts in self.received().values() for text in texts)
        # In the campaign's original language; counts and the title only.
        assert texts
        assert "Депутатов" not in texts

    def test_nothing_is_sent_without_a_bot(self) -> None:
        with override_settings(TELEGRAM_BOT_TOKEN=""):
            self.sign(make_claims(1))
            self.refresh_counts()
        assert self.received() == {}
        assert not StaffNotice.objects.exists()
