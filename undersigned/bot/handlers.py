"""The aiogram side of the bot: routes Telegram updates to the conversation and sends the replies.

Database work runs in `sync_to_async`; nothing here decides anything. Every message of a
private chat, either side, is noted for 48 hours so that `/forget` can delete it.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
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


async def _send(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    sent: list[int] = []
    try:
        for reply in replies:
            # A safety net: conversation.py already splits what may be long.
            parts = split_text(reply.text) or [reply.text]
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                message = await bot.send_message(
                    chat_id, part, reply_markup=_markup(reply) if last else None
                )
                sent.append(message.message_id)
    finally:
        await sync_to_async(bot_actions.remember_messages)(chat_id, sent)


async def _deliver(bot: Bot, chat_id: int, outcome: Outcome, state: FSMContext | None) -> None:
    # Sent first: a message Telegram refuses leaves the conversation where it was.
    await _send(bot, chat_id, outcome.replies)
    if state is not None:
        if outcome.state is None:
            await state.clear()
        else:
            await state.set_data(outcome.data)
            await state.set_state(outcome.state)


async def _delete_received(bot: Bot, message: Message, language: str, outcome: Outcome) -> None:
    """Delete the message just received; the first reply says whether it went."""
    try:
        deleted = await bot.delete_message(message.chat.id, message.message_id)
    except (TelegramBadRequest, TelegramForbiddenError):
        deleted = False
    note = deletion_note(language, bool(deleted)).text
    first, *rest = outcome.replies or [Reply("")]
    outcome.replies = [Reply(f"{first.text}\n{note}".strip(), first.buttons), *rest]


def _language(message: Message | CallbackQuery) -> str:
    user = message.from_user
    return language_of(user.language_code if user else None)


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


async def on_start(message: Message, command: CommandObject, state: FSMContext, bot: Bot) -> None:
    outcome = await sync_to_async(signing_dialogue.start)(
        message.chat.id, _language(message), command.args or ""
    )
    await _deliver(bot, message.chat.id, outcome, state)


def _chat_command(
    run: Callable[[int, str], Outcome],
) -> Callable[[Message, FSMContext, Bot], Awaitable[None]]:
    async def handler(message: Message, state: FSMContext, bot: Bot) -> None:
        outcome = await sync_to_async(run)(message.chat.id, _language(message))
        await _deliver(bot, message.chat.id, outcome, None)

    return handler


async def on_staff(message: Message, command: CommandObject, bot: Bot) -> None:
    outcome = await sync_to_async(chat_commands.link_staff)(
        message.chat.id, _language(message), command.args or ""
    )
    await _deliver(bot, message.chat.id, outcome, None)


async def on_cancel(message: Message, state: FSMContext, bot: Bot) -> None:
    outcome = chat_commands.cancel(_language(message), await state.get_state())
    await _deliver(bot, message.chat.id, outcome, state)


async def on_forget(message: Message, bot: Bot) -> None:
    await _deliver(bot, message.chat.id, chat_commands.forget_question(_language(message)), None)


async def _forget(bot: Bot, chat_id: int, language: str, state: FSMContext) -> None:
    await state.clear()
    ids = await sync_to_async(bot_actions.forget_chat)(chat_id)
    kept = 0
    for start in range(0, len(ids), DELETE_BATCH):
        batch = ids[start : start + DELETE_BATCH]
        try:
            await bot.delete_messages(chat_id, batch)
        except TelegramBadRequest:  # one of them could not go: each on its own
            for message_id in batch:
                try:
                    await bot.delete_message(chat_id, message_id)
                except TelegramBadRequest:
                    kept += 1
    outcome = chat_commands.forgotten(language, kept)
    # The last word is not noted: the chat is forgotten.
    for reply in outcome.replies:
        await bot.send_message(chat_id, reply.text)


async def on_text(message: Message, state: FSMContext, bot: Bot) -> None:
    data = await state.get_data()
    outcome = await sync_to_async(conversation.on_text)(
        message.chat.id,
        _language(message),
        await state.get_state(),
        data,
        message.text or "",
    )
    if outcome.delete_received:
        await _delete_received(bot, message, data.get("lang", _language(message)), outcome)
    await _deliver(bot, message.chat.id, outcome, state)


def _kind(message: Message) -> str:
    if message.photo or message.video or message.video_note:
        return "photo"
    if message.document:
        return "document"
    if message.contact:
        return "contact"
    if message.voice or message.audio:
        return "voice"
    return "other"


async def on_other(message: Message, state: FSMContext, bot: Bot) -> None:
    data = await state.get_data()
    outcome = await sync_to_async(conversation.on_other)(
        message.chat.id, _language(message), await state.get_state(), data, _kind(message)
    )
    if outcome.delete_received:
        await _delete_received(bot, message, data.get("lang", _language(message)), outcome)
    await _deliver(bot, message.chat.id, outcome, state)


def _label(callback: CallbackQuery) -> str:
    message = callback.message
    markup = getattr(message, "reply_markup", None)
    for row in markup.inline_keyboard if markup else []:
        for button in row:
            if button.callback_data == callback.data:
                return button.text
    return ""


async def _close_buttons(bot: Bot, callback: CallbackQuery) -> None:
    """The pressed message keeps the answer it got, and no buttons to press again."""
    message = callback.message
    if message is None:
        return
    text = getattr(message, "text", None) or ""
    label = _label(callback)
    try:
        if text and label and len(text) + len(label) + 3 <= MESSAGE_LIMIT:
            await bot.edit_message_text(
                f"{text}\n\n✓ {label}", chat_id=message.chat.id, message_id=message.message_id
            )
        else:
            await bot.edit_message_reply_markup(
                chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
            )
    except TelegramBadRequest:  # too old, or already closed
        pass


async def on_button(callback: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    await callback.answer()
    if callback.message is None:
        return
    chat_id = callback.message.chat.id
    choice = callback.data or ""
    await _close_buttons(bot, callback)
    if choice == "forget:yes":
        await _forget(bot, chat_id, _language(callback), state)
        return
    if choice == "forget:no":
        await _deliver(bot, chat_id, chat_commands.not_forgotten(_language(callback)), None)
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
    await _deliver(bot, chat_id, outcome, state if keeps_conversation else None)


def build_router() -> Router:
    router = Router(name="undersigned")
    router.message.outer_middleware(RememberReceived())
    private = F.chat.type == "private"
    router.message.register(on_start, CommandStart(), private)
    router.message.register(_chat_command(signatures_menu.status), Command("status"), private)
    router.message.register(
        _chat_command(signatures_menu.withdraw_menu), Command("withdraw"), private
    )
    router.message.register(_chat_command(chat_commands.stop_updates), Command("stop"), private)
    router.message.register(on_staff, Command("staff"), private)
    router.message.register(on_cancel, Command("cancel"), private)
    router.message.register(on_forget, Command("forget"), private)
    router.message.register(
        _chat_command(lambda _chat, lang: chat_commands.help_text(lang)), Command("help"), private
    )
    router.message.register(on_text, F.text, private)
    router.message.register(on_other, private)
    router.callback_query.register(on_button)
    return router


def build_dispatcher(**kwargs: Any) -> Dispatcher:
    dispatcher = Dispatcher(storage=DatabaseStorage(), **kwargs)
    dispatcher.include_router(build_router())
    return dispatcher
