"""Check that every campaign's public tallies equal a recount from the signatures.

Takes the count job's lock (waiting for a run under way to finish), folds what is
pending, compares, and changes nothing else. Exits with status 1 naming the campaigns
whose tallies differ. Run after a restore, an upgrade or an outage.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from undersigned.campaigns.models import Campaign
from undersigned.core.locks import LockBusy, job_lock
from undersigned.signatures.counts import COUNT_JOB, fold_changes, recount
from undersigned.signatures.models import Tally


def differing_campaigns() -> tuple[int, list[str]]:
    """How many campaigns were checked, and those whose tallies differ from a recount."""
    wrong = []
    checked = 0
    for campaign in Campaign.objects.exclude(state=Campaign.DRAFT).order_by("id"):
        checked += 1
        expected = {key: n for key, n in recount(campaign).items() if n}
        current = {
            (campaign.pk, key, state): n
            for key, state, n in Tally.objects.filter(campaign=campaign).values_list(
                "key", "state", "n"
            )
            if n
        }
        differing = {k for k in set(expected) | set(current) if expected.get(k) != current.get(k)}
        if differing:
            wrong.append(f"{campaign.slug} ({len(differing)} tally rows differ)")
    return checked, wrong


class Command(BaseCommand):
    help = "Compare every campaign's tallies with a recount from scratch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=float, default=60, help="seconds to wait for the lock")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with (
                job_lock(COUNT_JOB, lease=timedelta(minutes=5), wait=options["wait"]),
                transaction.atomic(),
            ):
                while fold_changes():
                    pass
                checked, wrong = differing_campaigns()
        except LockBusy as busy:
            raise CommandError("the count job kept its lock; try again") from busy
        if wrong:
            raise CommandError("tallies differ from a recount: " + ", ".join(wrong))
        self.stdout.write(f"counts match a recount for {checked} campaigns")
