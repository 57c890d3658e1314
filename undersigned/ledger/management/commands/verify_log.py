"""`manage.py verify_log URL_OR_DIR`: the standalone verifier (undersigned.ledger.verify)."""

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.ledger import verify


class Command(BaseCommand):
    help = "Verify a campaign log's checkpoints, entries and counts on a site or a mirror."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "args",
            nargs=argparse.REMAINDER,
            help="arguments of python -m undersigned.ledger.verify",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        status = verify.main(list(args), out=self.stdout)
        if status:
            raise CommandError(f"verification failed (status {status})", returncode=status)
