"""Destroy what retention rules say must go: `manage.py apply_retention [--dry-run]`.

Each kind destroyed is reported with its count, per campaign: contacts, client hashes,
unverified claims, the sealed files of signers never verified, the verifiers' notes on
verified signers, and subscriber addresses (which the updates app's hourly job also
deletes, for archived campaigns too)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from undersigned.signatures import retention
from undersigned.updates.actions import purge_subscriptions
from undersigned.updates.models import Subscription


class Command(BaseCommand):
    help = (
        "Destroy contacts, client hashes, unverified claims (clear or sealed), verifiers' "
        "notes and subscriber addresses of campaigns closed longer than "
        "RETENTION_DAYS_AFTER_CLOSE days, and client hashes older than the rate-limit window."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only list what would go")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        hashes = retention.forget_client_hashes(dry_run=dry_run)
        subscribers = {}
        for campaign in retention.campaigns_due():
            count = Subscription.objects.filter(campaign=campaign).count()
            if count and not dry_run:
                count = purge_subscriptions(campaign)
            if count:
                subscribers[campaign.slug] = count
        reports = {report.slug: report for report in retention.apply_retention(dry_run=dry_run)}
        verb = "would destroy" if dry_run else "destroyed"
        self.stdout.write(f"{verb}: {hashes} client hashes older than the rate-limit window")
        for slug in sorted(set(reports) | set(subscribers)):
            report = reports.get(slug) or retention.RetentionReport(slug, 0, 0, 0)
            self.stdout.write(
                f"{verb} in campaign {slug}: {report.summary()}, "
                f"{subscribers.get(slug, 0)} subscriber addresses"
            )
        if not reports and not subscribers:
            self.stdout.write("no closed campaign is past its retention time")
