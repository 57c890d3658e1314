"""`manage.py run_bot`: the bot by long polling, for the embedded default (no public address)."""

import asyncio
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from undersigned.bot.handlers import build_dispatcher
from undersigned.bot.profile import register_profile
from undersigned.core.telegram import bot_configured, build_bot


class Command(BaseCommand):
    help = "Run the Telegram bot by long polling (removes any webhook first)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not bot_configured():
            raise CommandError("Set TELEGRAM_BOT_TOKEN first.")
        # Without compiled catalogues the bot would speak English to everyone.
        call_command("compile_translations", verbosity=0)
        asyncio.run(self.poll())

    async def poll(self) -> None:
        bot = build_bot()
        await bot.delete_webhook(drop_pending_updates=False)
        me = await bot.get_me()
        await register_profile(bot)
        self.stdout.write(f"Polling as @{me.username}. Ctrl-C stops.")
        # Each update in a task of its own: a chat waiting for its pace holds up no other.
        await build_dispatcher().start_polling(bot, handle_as_tasks=True)
