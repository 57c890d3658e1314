"""`manage.py set_webhook`: point Telegram at this site's webhook (production), or remove it.

Setting it also registers the command menu and descriptions (undersigned.bot.profile)."""

from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from undersigned.bot.profile import register_profile
from undersigned.core.telegram import bot_configured, build_bot


async def _set(url: str | None, secret: str) -> bool:
    bot = build_bot()
    try:
        if url is None:
            return await bot.delete_webhook()
        done = await bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=["message", "edited_message", "callback_query"],
        )
        await register_profile(bot)
        return done
    finally:
        await bot.session.close()


class Command(BaseCommand):
    help = "Register SITE_URL's webhook with Telegram (--delete removes it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove the webhook")

    def handle(self, *args: Any, **options: Any) -> None:
        if not bot_configured():
            raise CommandError("Set TELEGRAM_BOT_TOKEN first.")
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if options["delete"]:
            async_to_sync(_set)(None, secret)
            self.stdout.write("Webhook removed.")
            return
        if len(secret) < 16 or not all(ch.isalnum() or ch in "_-" for ch in secret):
            raise CommandError("TELEGRAM_WEBHOOK_SECRET must be 16+ letters, digits, _ or -.")
        if not settings.SITE_URL.startswith("https://"):
            raise CommandError("Telegram calls webhooks over HTTPS only: set SITE_URL to https://…")
        call_command("compile_translations", verbosity=0)  # the menu is in both languages
        url = settings.SITE_URL + reverse("telegram_webhook", args=[secret])
        async_to_sync(_set)(url, secret)
        self.stdout.write("Webhook set.")
