"""Create a staff account for the desk (or reset one's password or second factor)."""

import getpass
import sys
from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from undersigned.audit.actions import record

# Desk accounts reach signers' claims: a passphrase, not a PIN.
MIN_PASSWORD_LENGTH = 12


def sessions_of(user: Any) -> list[str]:
    """Keys of the database sessions signed in as `user` (the desk's sessions)."""
    store = SessionStore()
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(store.decode(session.session_data).get(SESSION_KEY)) == str(user.pk):
            keys.append(session.session_key)
    return keys


class Command(BaseCommand):
    help = (
        "Create a desk account. It enrols its authenticator app on first sign-in. "
        "Roles on campaigns are granted on the desk by an organizer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of asking",
        )
        parser.add_argument(
            "--can-create-campaigns",
            action="store_true",
            help="allow this account to start new campaigns",
        )
        parser.add_argument(
            "--reset-second-factor",
            action="store_true",
            help="remove the account's authenticator devices: it enrols again at next sign-in",
        )
        parser.add_argument(
            "--sign-out-everywhere",
            action="store_true",
            help="end every desk session of the account",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = options["username"].strip()
        user = User.objects.filter(username=username).first()
        maintenance = options["reset_second_factor"] or options["sign_out_everywhere"]
        if user is None and maintenance:
            raise CommandError(f"there is no account {username!r}")
        with transaction.atomic():
            if user is None:
                password = self._password(options["password_stdin"])
                user = User(username=username)
                if len(password) < MIN_PASSWORD_LENGTH:
                    raise CommandError(f"use at least {MIN_PASSWORD_LENGTH} characters")
                try:
                    validate_password(password, user)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
                user.set_password(password)
                user.save()
                record("staff.account_created", user)
                self.stdout.write(
                    f"Created {username}. Sign in at /desk/ to enrol an authenticator app."
                )
            if options["can_create_campaigns"]:
                user.user_permissions.add(Permission.objects.get(codename="add_campaign"))
                record("staff.may_create_campaigns", user)
            if options["reset_second_factor"]:
                removed, _ = TOTPDevice.objects.filter(user=user).delete()
                record("staff.second_factor_reset", user)
                self.stdout.write(
                    f"Removed {removed} authenticator device(s); {username} enrols again."
                )
            if options["sign_out_everywhere"]:
                keys = sessions_of(user)
                Session.objects.filter(session_key__in=keys).delete()
                record("staff.signed_out_everywhere", user)
                self.stdout.write(f"Ended {len(keys)} session(s) of {username}.")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        return first
