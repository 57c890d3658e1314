"""`manage.py export_site OUT_DIR`: write the static mirror of the public site."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from undersigned.core.locks import LockBusy
from undersigned.ledger.export import export_site


class Command(BaseCommand):
    help = "Write the public part of the site as static files (pages, counts, the log)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", type=Path)
        parser.add_argument(
            "--wait", type=float, default=60, help="seconds to wait for a count run to end"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = export_site(options["out_dir"], wait=options["wait"])
        except LockBusy as error:
            raise CommandError("the count job kept its lock; try again") from error
        self.stdout.write(
            f"{len(result.written)} files written, {len(result.unchanged)} unchanged, "
            f"{len(result.removed)} removed"
        )
