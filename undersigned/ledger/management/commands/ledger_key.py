"""`manage.py ledger_key`: print each public campaign's log verifier key, or a new signing seed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from undersigned.campaigns.models import Campaign
from undersigned.ledger.keys import new_seed_text
from undersigned.ledger.public import verifier_key


class Command(BaseCommand):
    help = "Print the verifier key of each campaign's log (or, with --new, a new signing seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="campaigns (default: every public one)")
        parser.add_argument(
            "--new", action="store_true", help="print a new seed for LEDGER_SIGNING_KEY and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new"]:
            self.stdout.write(new_seed_text())
            return
        campaigns = Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).order_by("slug")
        if options["slugs"]:
            campaigns = campaigns.filter(slug__in=options["slugs"])
        for campaign in campaigns:
            self.stdout.write(f"{campaign.slug} {verifier_key(campaign)}")
