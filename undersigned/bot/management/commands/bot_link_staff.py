"""`manage.py bot_link_staff USERNAME`: a one-time code the staff member sends to the bot."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.bot.actions import create_link_code


class Command(BaseCommand):
    help = "Print a one-time code linking a staff account to its Telegram chat (/staff CODE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No active account with that username.")
        code = create_link_code(user)
        self.stdout.write(f"Send this to the bot within an hour: /staff {code}")
