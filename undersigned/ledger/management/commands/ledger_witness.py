"""`manage.py ledger_witness SLUG KEY --by USERNAME`: trust a witness to co-sign a log."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from undersigned.access import access_campaign_as
from undersigned.campaigns.models import StaffRole
from undersigned.ledger.actions import LedgerError, add_witness


class Command(BaseCommand):
    help = "Add a witness's cosignature key (name+keyid+base64) to a campaign, for its organizer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("key", help="the witness's verifier key")
        parser.add_argument(
            "--by", required=True, help="username of one of the campaign's organizers"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError("no such user")
        try:
            campaign = access_campaign_as(user, options["slug"], StaffRole.ORGANIZER)
        except Http404 as error:
            raise CommandError("no such campaign") from error
        except PermissionDenied as error:
            raise CommandError("that user is not an organizer of this campaign") from error
        try:
            witness = add_witness(campaign, options["key"], actor=user)
        except LedgerError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{campaign.slug}: witness {witness.name} added")
