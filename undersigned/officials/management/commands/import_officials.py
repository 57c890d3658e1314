"""Import a registry of officials from a CSV or XLSX file."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from undersigned.officials.importer import ImportFileError, import_officials, parse_mapping

SHOWN_BAD_ROWS = 100


class Command(BaseCommand):
    help = (
        "Import officials from CSV (UTF-8 or Windows-1251) or XLSX with the columns source_id, "
        "full_name, position, body, municipality, region, term_start, term_end, contact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="the registry's name, e.g. spb-2019")
        parser.add_argument("--map", default="", help="rename headers: old=new,old2=new2")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        quiet = options["no_progress"] or options["verbosity"] == 0

        def progress(rows: Any, total: int) -> Any:
            return tqdm(rows, total=total, unit=" rows", file=sys.stderr, disable=quiet)

        try:
            result = import_officials(
                path, options["source"], mapping=parse_mapping(options["map"]), progress=progress
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for bad in result.bad_rows[:SHOWN_BAD_ROWS]:
            self.stderr.write(f"line {bad.line}: {bad.reason}")
        if len(result.bad_rows) > SHOWN_BAD_ROWS:
            self.stderr.write(f"... and {len(result.bad_rows) - SHOWN_BAD_ROWS} more bad rows")
        if result.unknown_regions:
            self.stderr.write(
                f"{result.unknown_regions} rows name a region that was not recognised; "
                "their region is kept as written, without a code"
            )
        self.stdout.write(self.style.SUCCESS(result.run.summary()))
