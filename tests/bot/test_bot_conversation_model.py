"""BotConversation, the bot's storage of conversations under way, kept in the database."""

from datetime import timedelta

from aiogram.fsm.storage.base import StorageKey
from asgiref.sync import async_to_sync
from django.utils import timezone

from tests.base import PersonaTestCase
from undersigned.bot.models import BotConversation
from undersigned.bot.notify import forget_stale_conversations
from undersigned.bot.storage import DatabaseStorage

# A long id: a short one can turn up in a keyed hash by chance.
CHAT = 5550001234567
KEY = StorageKey(bot_id=1, chat_id=CHAT, user_id=CHAT)


class BotConversationModelTest(PersonaTestCase):
    def test_state_and_answers_round_trip_and_vanish_when_cleared(self) -> None:
        storage = DatabaseStorage()
        async_to_sync(storage.set_state)(KEY, "sign:office")
        async_to_sync(storage.set_data)(KEY, {"full_name": "Семёнова Ольга Петровна"})
        assert async_to_sync(storage.get_state)(KEY) == "sign:office"
        assert async_to_sync(storage.get_data)(KEY) == {"full_name": "Семёнова Ольга Петровна"}
        assert str(CHAT) not in BotConversation.objects.get().key
        other = StorageKey(bot_id=1, chat_id=556, user_id=556)
        assert async_to_sync(storage.get_state)(other) is None
        async_to_sync(storage.set_data)(KEY, {})
        async_to_sync(storage.set_state)(KEY, None)
        assert not BotConversation.objects.exists()

    def test_abandoned_conversations_are_forgotten_after_a_day(self) -> None:
        storage = DatabaseStorage()
        async_to_sync(storage.set_state)(KEY, "sign:office")
        async_to_sync(storage.set_state)(StorageKey(bot_id=1, chat_id=9, user_id=9), "sign:body")
        BotConversation.objects.filter(key=BotConversation.objects.first().key).update(
            updated_at=timezone.now() - timedelta(days=2)
        )
        assert forget_stale_conversations() == 1
        assert BotConversation.objects.count() == 1
