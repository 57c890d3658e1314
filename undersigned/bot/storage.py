"""aiogram FSM storage in the database, so a conversation survives restarts and works the
same behind several webhook workers. Rows are keyed by a hash of the chat and user ids and
deleted when the conversation ends (and by a periodic job when abandoned)."""

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from asgiref.sync import sync_to_async
from django.utils import timezone

from undersigned.bot.keys import chat_key
from undersigned.bot.models import BotConversation


def conversation_key(key: StorageKey) -> str:
    return chat_key(key.chat_id, f"conversation.{key.bot_id}.{key.user_id}.{key.destiny}")


def _get(key: str) -> BotConversation | None:
    return BotConversation.objects.filter(key=key).first()


def _set_state(key: str, state: str) -> None:
    conversation = _get(key) or BotConversation(key=key)
    if not state and not conversation.data:
        BotConversation.objects.filter(key=key).delete()
        return
    conversation.state = state
    conversation.updated_at = timezone.now()
    conversation.save()


def _set_data(key: str, data: dict[str, Any]) -> None:
    conversation = _get(key) or BotConversation(key=key)
    if not data and not conversation.state:
        BotConversation.objects.filter(key=key).delete()
        return
    conversation.data = data
    conversation.updated_at = timezone.now()
    conversation.save()


class DatabaseStorage(BaseStorage):
    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await sync_to_async(_set_state)(conversation_key(key), value or "")

    async def get_state(self, key: StorageKey) -> str | None:
        conversation = await sync_to_async(_get)(conversation_key(key))
        return (conversation.state or None) if conversation else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await sync_to_async(_set_data)(conversation_key(key), dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        conversation = await sync_to_async(_get)(conversation_key(key))
        return dict(conversation.data) if conversation else {}

    async def close(self) -> None:
        return None
