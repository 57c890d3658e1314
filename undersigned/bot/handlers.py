"""The aiogram side of the bot: routes Telegram updates to the conversation and sends the replies.

Database work runs in `sync_to_async`; nothing here decides anything. Every message of a
private chat, either side, is noted for 48 hours so that `/forget` can delete it.
"""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from asgiref.sync import sync_to_async

from undersigned.bot import actions as bot_actions
from undersigned.bot import chat_commands, conversation, signatures_menu, signing_dialogue
from undersigned.bot.outbox import Outbox
from undersigned.bot.replies import Outcome, Reply, deletion_note, language_of
from undersigned.bot.storage import DatabaseStorage
from undersigned.core.telegram import MESSAGE_LIMIT, split_text

DELETE_BATCH = 100  # deleteMessages takes at most this many ids


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
            for row in reply.buttons
        ]
    )


def _sending(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> Callable[[int], Awaitable[Message]]:
    return lambda timeout: bot.send_message(
        chat_id, text, reply_markup=markup, request_timeout=timeout
    )


def _deleting(bot: Bot, chat_id: int, message_ids: list[int]) -> Callable[[int], Awaitable[bool]]:
    if len(message_ids) == 1:
        return lambda timeout: bot.delete_message(chat_id, message_ids[0], request_timeout=timeout)
    return lambda timeout: bot.delete_messages(chat_id, message_ids, request_timeout=timeout)


async def _send(bot: Bot, outbox: Outbox, chat_id: int, replies: list[Reply]) -> bool:
    """Send the replies in order through the outbox; whether every one was delivered."""
    sent: list[int] = []
    delivered = True
    try:
        for reply in replies:
            # A safety net: the conversation already splits what may be long.
            parts = split_text(reply.text) or [reply.text]
            for index, part in enumerate(parts):
                markup = _markup(reply) if index == len(parts) - 1 else None
                try:
                    message = await outbox.call(
                        chat_id,
                        _sending(bot, chat_id, part, markup),
                    )
                except (TelegramBadRequest, TelegramForbiddenError):
                    message = None  # blocked, or refused for good: the next one may still go
                if message is None:
                    delivered = False
                else:
                    sent.append(message.message_id)
    finally:
        await sync_to_async(bot_actions.remember_messages)(chat_id, sent)
    return delivered


async def _deliver(
    bot: Bot, outbox: Outbox, chat_id: int, outcome: Outcome, state: FSMContext | None
) -> None:
    # The state follows what was done, whatever Telegram does with the replies: saved first.
    if state is not None:
        if outcome.state is None:
            await state.clear()
        else:
            await state.set_data(outcome.data)
            await state.set_state(outcome.state)
    delivered = await _send(bot, outbox, chat_id, outcome.replies)
    if delivered and outcome.receipts:
        # The receipt links reached the chat: their sealed copies are of no more use.
        await sync_to_async(bot_actions.receipts_delivered)(chat_id, outcome.receipts)


async def _delete_received(
    bot: Bot, outbox: Outbox, message: Message, language: str, outcome: Outcome
) -> None:
    """Delete the message just received; the first reply says whether it went."""
    chat_id, message_id = message.chat.id, message.message_id
    try:
        deleted = await outbox.call(chat_id, _deleting(bot, chat_id, [message_id]), paced=False)
    except (TelegramBadRequest, TelegramForbiddenError):
        deleted = False
    note = deletion_note(language, bool(deleted)).text
    first, *rest = outcome.replies or [Reply("")]
    outcome.replies = [Reply(f"{first.text}\n{note}".strip(), first.buttons), *rest]


def _language(message: Message | CallbackQuery) -> str:
    user = message.from_user
    return language_of(user.language_code if user else None)


class OneChatInOrder(BaseMiddleware):
    """Updates of one chat are handled one after the other, in the order they came; chats
    are handled side by side, so a chat waiting for its pace holds up no other."""

    def __init__(self) -> None:
        self._locks: dict[tuple[int, int], asyncio.Lock] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat = data.get("event_chat")
        if chat is None:
            return await handler(event, data)
        key = (id(asyncio.get_running_loop()), chat.id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                return await handler(event, data)
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]


class RememberReceived(BaseMiddleware):
    """Notes each message received in a private chat, for `/forget`."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.chat.type == "private":
            await sync_to_async(bot_actions.remember_messages)(event.chat.id, [event.message_id])
        return await handler(event, data)


async def on_start(
    message: Message, command: CommandObject, state: FSMContext, bot: Bot, outbox: Outbox
) -> None:
    outcome = await sync_to_async(signing_dialogue.start)(
        message.chat.id, _language(message), command.args or ""
    )
    await _deliver(bot, outbox, message.chat.id, outcome, state)


def _chat_command(
    run: Callable[[int, str], Outcome],
) -> Callable[[Message, FSMContext, Bot, Outbox], Awaitable[None]]:
    async def handler(message: Message, state: FSMContext, bot: Bot, outbox: Outbox) -> None:
        outcome = await sync_to_async(run)(message.chat.id, _language(message))
        await _deliver(bot, outbox, message.chat.id, outcome, None)

    return handler


async def on_staff(message: Message, command: CommandObject, bot: Bot, outbox: Outbox) -> None:
    outcome = await sync_to_async(chat_commands.link_staff)(
        message.chat.id, _language(message), command.args or ""
    )
    await _deliver(bot, outbox, message.chat.id, outcome, None)


async def on_cancel(message: Message, state: FSMContext, bot: Bot, outbox: Outbox) -> None:
    outcome = chat_commands.cancel(_language(message), await state.get_state())
    await _deliver(bot, outbox, message.chat.id, outcome, state)


async def on_forget(message: Message, bot: Bot, outbox: Outbox) -> None:
    await _deliver(
        bot, outbox, message.chat.id, chat_commands.forget_question(_language(message)), None
    )


async def _forget(bot: Bot, outbox: Outbox, chat_id: int, language: str, state: FSMContext) -> None:
    await state.clear()
    ids = await sync_to_async(bot_actions.forget_chat)(chat_id)
    kept = 0
    for start in range(0, len(ids), DELETE_BATCH):
        batch = ids[start : start + DELETE_BATCH]
        try:
            done = await outbox.call(
                chat_id,
                _deleting(bot, chat_id, batch),
                paced=False,
            )
        except TelegramBadRequest:  # one of them could not go: each on its own
            done = None
        if done:
            continue
        for message_id in batch:
            try:
                gone = await outbox.call(
                    chat_id,
                    _deleting(bot, chat_id, [message_id]),
                    paced=False,
                )
            except TelegramBadRequest:
                gone = None
            kept += 0 if gone else 1
    outcome = chat_commands.forgotten(language, kept)
    # The last word is not noted: the chat is forgotten.
    for reply in outcome.replies:
        with suppress(TelegramBadRequest, TelegramForbiddenError):
            await outbox.call(
                chat_id,
                _sending(bot, chat_id, reply.text, None),
            )


async def on_text(message: Message, state: FSMContext, bot: Bot, outbox: Outbox) -> None:
    if message.forward_origin is not None:  # someone else's words are never her answer
        await on_other(message, state, bot, outbox)
        return
    data = await state.get_data()
    outcome = await sync_to_async(conversation.on_text)(
        message.chat.id,
        _language(message),
        await state.get_state(),
        data,
        message.text or "",
    )
    if outcome.delete_received:
        await _delete_received(bot, outbox, message, data.get("lang", _language(message)), outcome)
    await _deliver(bot, outbox, message.chat.id, outcome, state)


def _kind(message: Message) -> str:
    if message.forward_origin is not None:
        return "forwarded"
    if message.photo or message.video or message.video_note:
        return "photo"
    if message.document:
        return "document"
    if message.contact:
        own = message.from_user is not None and message.contact.user_id == message.from_user.id
        return "contact" if own else "someone's contact"
    if message.location or message.venue:
        return "location"
    if message.voice or message.audio:
        return "voice"
    return "other"


async def on_other(message: Message, state: FSMContext, bot: Bot, outbox: Outbox) -> None:
    data = await state.get_data()
    outcome = await sync_to_async(conversation.on_other)(
        message.chat.id, _language(message), await state.get_state(), data, _kind(message)
    )
    if outcome.delete_received:
        await _delete_received(bot, outbox, message, data.get("lang", _language(message)), outcome)
    await _deliver(bot, outbox, message.chat.id, outcome, state)


async def on_edited(message: Message, state: FSMContext, bot: Bot, outbox: Outbox) -> None:
    """An answer changed after it was sent: said not to be read; nothing changes."""
    data = await state.get_data()
    outcome = await sync_to_async(conversation.on_other)(
        message.chat.id, _language(message), await state.get_state(), data, "edited"
    )
    await _deliver(bot, outbox, message.chat.id, outcome, None)


def _label(callback: CallbackQuery) -> str:
    message = callback.message
    markup = getattr(message, "reply_markup", None)
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            if button.callback_data == callback.data:
                return button.text
    return ""


async def _close_buttons(bot: Bot, outbox: Outbox, callback: CallbackQuery) -> None:
    """The pressed message keeps the answer it got, and no buttons to press again."""
    message = callback.message
    if message is None:
        return
    chat_id, message_id = message.chat.id, message.message_id
    text = getattr(message, "text", None) or ""
    label = _label(callback)
    try:
        if text and label and len(text) + len(label) + 3 <= MESSAGE_LIMIT:
            await outbox.call(
                chat_id,
                lambda timeout: bot.edit_message_text(
                    f"{text}\n\n✓ {label}",
                    chat_id=chat_id,
                    message_id=message_id,
                    request_timeout=timeout,
                ),
            )
        else:
            await outbox.call(
                chat_id,
                lambda timeout: bot.edit_message_reply_markup(
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=None,
                    request_timeout=timeout,
                ),
            )
    except (TelegramBadRequest, TelegramForbiddenError):  # too old, or already closed
        pass


async def on_button(callback: CallbackQuery, state: FSMContext, bot: Bot, outbox: Outbox) -> None:
    with suppress(TelegramAPIError):  # only the spinner on her button depends on it
        await callback.answer()
    if callback.message is None:
        return
    chat_id = callback.message.chat.id
    choice = callback.data or ""
    await _close_buttons(bot, outbox, callback)
    if choice == "forget:yes":
        await _forget(bot, outbox, chat_id, _language(callback), state)
        return
    if choice == "forget:no":
        await _deliver(bot, outbox, chat_id, chat_commands.not_forgotten(_language(callback)), None)
        return
    outcome = await sync_to_async(conversation.on_choice)(
        chat_id,
        _language(callback),
        await state.get_state(),
        await state.get_data(),
        choice,
    )
    # Buttons about signatures already made leave a conversation under way as it is.
    keeps_conversation = not choice.startswith(("wd", "vis:"))
    await _deliver(bot, outbox, chat_id, outcome, state if keeps_conversation else None)


def build_router() -> Router:
    router = Router(name="undersigned")
    router.message.outer_middleware(RememberReceived())
    private = F.chat.type == "private"
    router.message.register(on_start, CommandStart(ignore_case=True), private)
    router.message.register(
        _chat_command(signatures_menu.status), Command("status", ignore_case=True), private
    )
    router.message.register(
        _chat_command(signatures_menu.withdraw_menu), Command("withdraw", ignore_case=True), private
    )
    router.message.register(
        _chat_command(chat_commands.stop_updates), Command("stop", ignore_case=True), private
    )
    router.message.register(on_staff, Command("staff", ignore_case=True), private)
    router.message.register(on_cancel, Command("cancel", ignore_case=True), private)
    router.message.register(on_forget, Command("forget", ignore_case=True), private)
    router.message.register(
        _chat_command(lambda _chat, lang: chat_commands.help_text(lang)),
        Command("help", ignore_case=True),
        private,
    )
    router.message.register(on_text, F.text, private)
    router.message.register(on_other, private)
    router.edited_message.register(on_edited, private)
    router.callback_query.register(on_button)
    return router


def build_dispatcher(outbox: Outbox | None = None, **kwargs: Any) -> Dispatcher:
    """The bot's dispatcher; every reply goes through `outbox` (one per process by default)."""
    dispatcher = Dispatcher(storage=DatabaseStorage(), outbox=outbox or Outbox(), **kwargs)
    dispatcher.update.outer_middleware(OneChatInOrder())
    dispatcher.include_router(build_router())
    return dispatcher
