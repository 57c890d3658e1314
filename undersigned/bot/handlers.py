"""The aiogram side of the bot: routes Telegram updates to conversation.py and sends the replies.

Database work runs in `sync_to_async`; nothing here decides anything.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from asgiref.sync import sync_to_async

from undersigned.bot import conversation
from undersigned.bot.conversation import Outcome, Reply
from undersigned.bot.storage import DatabaseStorage


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
            for row in reply.buttons
        ]
    )


async def _deliver(bot: Bot, chat_id: int, outcome: Outcome, state: FSMContext | None) -> None:
    if state is not None:
        if outcome.state is None:
            await state.clear()
        else:
            await state.set_data(outcome.data)
            await state.set_state(outcome.state)
    for reply in outcome.replies:
        await bot.send_message(chat_id, reply.text, reply_markup=_markup(reply))


def _language(message: Message | CallbackQuery) -> str:
    user = message.from_user
    return conversation.language_of(user.language_code if user else None)


async def on_start(message: Message, command: CommandObject, state: FSMContext, bot: Bot) -> None:
    outcome = await sync_to_async(conversation.start)(
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
    outcome = await sync_to_async(conversation.link_staff)(
        message.chat.id, _language(message), command.args or ""
    )
    await _deliver(bot, message.chat.id, outcome, None)


async def on_cancel(message: Message, state: FSMContext, bot: Bot) -> None:
    await _deliver(bot, message.chat.id, conversation.cancel(_language(message)), state)


async def on_text(message: Message, state: FSMContext, bot: Bot) -> None:
    outcome = await sync_to_async(conversation.on_text)(
        message.chat.id,
        _language(message),
        await state.get_state(),
        await state.get_data(),
        message.text or "",
    )
    await _deliver(bot, message.chat.id, outcome, state)


async def on_button(callback: CallbackQuery, state: FSMContext, bot: Bot) -> None:
    await callback.answer()
    if callback.message is None:
        return
    chat_id = callback.message.chat.id
    outcome = await sync_to_async(conversation.on_choice)(
        chat_id,
        _language(callback),
        await state.get_state(),
        await state.get_data(),
        callback.data or "",
    )
    keeps_conversation = not (callback.data or "").startswith("wd")
    await _deliver(bot, chat_id, outcome, state if keeps_conversation else None)


def build_router() -> Router:
    router = Router(name="undersigned")
    private = F.chat.type == "private"
    router.message.register(on_start, CommandStart(), private)
    router.message.register(_chat_command(conversation.status), Command("status"), private)
    router.message.register(_chat_command(conversation.withdraw_menu), Command("withdraw"), private)
    router.message.register(_chat_command(conversation.stop_updates), Command("stop"), private)
    router.message.register(on_staff, Command("staff"), private)
    router.message.register(on_cancel, Command("cancel"), private)
    router.message.register(
        _chat_command(lambda _chat, lang: conversation.help_text(lang)), Command("help"), private
    )
    router.message.register(on_text, F.text, private)
    router.callback_query.register(on_button)
    return router


def build_dispatcher(**kwargs: Any) -> Dispatcher:
    dispatcher = Dispatcher(storage=DatabaseStorage(), **kwargs)
    dispatcher.include_router(build_router())
    return dispatcher
