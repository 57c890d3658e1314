"""API tokens of staff accounts: `api_token create <username> <name>`, `api_token revoke <id>`."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.api.actions import create_api_token, revoke_api_token
from undersigned.api.models import ApiToken


class Command(BaseCommand):
    help = "Create or revoke the API tokens staff use for the /api/v1/staff/ endpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("name", help="what the token is for, e.g. 'desk laptop'")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)
        sub.add_parser("list", help="tokens, without their secrets")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "create":
            user = (
                get_user_model()
                .objects.filter(username=options["username"], is_active=True)
                .first()
            )
            if user is None:
                raise CommandError("no such active user")
            api_token, token = create_api_token(user, options["name"])
            self.stdout.write(f"token {api_token.pk} (shown once, keep it secret):\n{token}")
        elif verb == "revoke":
            found = ApiToken.objects.filter(pk=options["token_id"]).first()
            if found is None:
                raise CommandError("no such token")
            revoke_api_token(found, actor=found.user)
            self.stdout.write(f"token {found.pk} revoked")
        else:
            for api_token in ApiToken.objects.select_related("user"):
                state = "active" if api_token.is_active else "revoked"
                self.stdout.write(
                    f"{api_token.pk}\t{api_token.user.get_username()}\t{api_token.name}\t{state}"
                )
