"""Whether a bot is configured: asked on every count run, so it must not import aiogram."""

from django.conf import settings


def bot_configured() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)
