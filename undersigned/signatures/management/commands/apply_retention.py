"""Destroy what retention rules say must go: `manage.py apply_retention [--dry-run]`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from undersigned.signatures import retention


class Command(BaseCommand):
    help = (
        "Destroy contacts, client hashes and unverified claims of campaigns closed longer than "
        "RETENTION_DAYS_AFTER_CLOSE days, and client hashes older than the rate-limit window."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only list what would go")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        hashes = retention.forget_client_hashes(dry_run=dry_run)
        reports = retention.apply_retention(dry_run=dry_run)
        verb = "would destroy" if dry_run else "destroyed"
        self.stdout.write(f"{verb}: {hashes} client hashes older than the rate-limit window")
        for report in reports:
            self.stdout.write(
                f"{verb} in campaign {report.slug}: {report.contacts} contacts, "
                f"{report.client_hashes} client hashes, {report.claims} unverified claims"
            )
        if not reports:
            self.stdout.write("no closed campaign is past its retention time")
