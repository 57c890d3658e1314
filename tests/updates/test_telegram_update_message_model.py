"""TelegramUpdateMessage: which updates went to a chat, so that `/forget` deletes them; the
chat only as a keyed hash, and for the 48 hours Telegram lets a bot delete a message."""

from datetime import timedelta

from django.utils import timezone

from tests.base import PersonaTestCase
from undersigned.updates import actions
from undersigned.updates.models import TelegramUpdateMessage

CHAT = 987654321


class TelegramUpdateMessageModelTest(PersonaTestCase):
    def test_a_chat_gets_back_its_own_update_messages_once(self) -> None:
        actions.remember_telegram_message(CHAT, 11)
        actions.remember_telegram_message(CHAT, 12)
        actions.remember_telegram_message(CHAT + 1, 13)
        assert str(CHAT) not in TelegramUpdateMessage.objects.first().chat_key  # type: ignore[union-attr]
        assert sorted(actions.forget_telegram_messages(CHAT)) == [11, 12]
        assert actions.forget_telegram_messages(CHAT) == []
        assert TelegramUpdateMessage.objects.count() == 1  # the other chat's

    def test_notes_past_48_hours_are_deleted_and_not_returned(self) -> None:
        actions.remember_telegram_message(CHAT, 11)
        actions.remember_telegram_message(CHAT, 12)
        TelegramUpdateMessage.objects.filter(message_id=11).update(
            sent_at=timezone.now() - TelegramUpdateMessage.DELETABLE_FOR - timedelta(minutes=1)
        )
        assert actions.forget_old_telegram_messages() == 1
        assert actions.forget_telegram_messages(CHAT) == [12]
