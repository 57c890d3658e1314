"""Match a spreadsheet of claims collected elsewhere (Telegram messages, paper) to the registry."""

import csv
import io
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from undersigned.officials.claims import Claims
from undersigned.officials.importer import decode
from undersigned.officials.matching import load_index, match_in_parallel

INPUT_COLUMNS = ("claim_id", "full_name", "body", "municipality", "region")
OUTPUT_COLUMNS = ("claim_id", "official_source_id", "score", "decision")
LONGEST_FIELD = 300


def read_claims(path: Path) -> list[tuple[str, Claims]]:
    text = decode(path.read_bytes())
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = {name.strip().casefold() for name in reader.fieldnames or []}
    missing = [name for name in INPUT_COLUMNS if name not in header]
    if missing:
        raise CommandError(f"required columns missing: {', '.join(missing)}")
    claims = []
    for row in reader:
        values = {
            (key or "").strip().casefold(): " ".join((value or "").split())[:LONGEST_FIELD]
            for key, value in row.items()
            if isinstance(value, str)
        }
        claims.append(
            (
                values.get("claim_id", ""),
                Claims(
                    full_name=values.get("full_name", ""),
                    body=values.get("body", ""),
                    municipality=values.get("municipality", ""),
                    region=values.get("region", ""),
                ),
            )
        )
    return claims


class Command(BaseCommand):
    help = (
        "Match claims (CSV with claim_id, full_name, body, municipality, region) to the registry; "
        "write claim_id, official_source_id, score and decision (auto, review, none)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("claims", type=Path)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--source", default="", help="match against one registry source only")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["claims"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1")
        claims = read_claims(path)
        index = load_index(options["source"] or None)
        if not index.size:
            raise CommandError("the registry holds no officials in office to match against")
        quiet = options["no_progress"] or options["verbosity"] == 0
        with tqdm(total=len(claims), unit=" claims", file=sys.stderr, disable=quiet) as bar:
            results = match_in_parallel(index, claims, jobs=options["jobs"], progress=bar.update)
        with options["out"].open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(OUTPUT_COLUMNS)
            for claim_id, source_id, score, decision in results:
                writer.writerow([claim_id, source_id, f"{score:.3f}", decision])
        decisions = [result[3] for result in results]
        summary = ", ".join(
            f"{name} {decisions.count(name)}" for name in ("auto", "review", "none")
        )
        self.stdout.write(self.style.SUCCESS(f"{len(results)} claims matched: {summary}"))
