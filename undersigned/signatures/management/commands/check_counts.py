"""Check that every campaign's public tallies equal a recount from the signatures.

Folds what is pending first (under the count lock), changes nothing else, and exits
with status 1 naming the campaigns whose tallies differ. Run after a restore, an
upgrade or an outage.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from undersigned.campaigns.models import Campaign
from undersigned.signatures.counts import recount, refresh_counts
from undersigned.signatures.models import Tally


class Command(BaseCommand):
    help = "Compare every campaign's tallies with a recount from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        refresh_counts()
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
            if expected != current:
                differing = {
                    k for k in set(expected) | set(current) if expected.get(k) != current.get(k)
                }
                wrong.append(f"{campaign.slug} ({len(differing)} tally rows differ)")
        if wrong:
            raise CommandError("tallies differ from a recount: " + ", ".join(wrong))
        self.stdout.write(f"counts match a recount for {checked} campaigns")
