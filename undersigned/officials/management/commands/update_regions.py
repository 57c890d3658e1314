"""Write undersigned/officials/regions_ru.json from the iso3166-2 package (after upgrading it)."""

from typing import Any

from django.core.management.base import BaseCommand

from undersigned.officials.regions import STANDARD_TABLE, standard_regions, standard_table


class Command(BaseCommand):
    help = "Write the table of ISO 3166-2:RU regions from the iso3166-2 package."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only say whether the table is up to date"
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        regions = standard_regions()
        table = standard_table(regions)
        current = STANDARD_TABLE.read_text(encoding="utf-8") if STANDARD_TABLE.exists() else ""
        if check:
            if current != table:
                raise SystemExit(f"{STANDARD_TABLE.name} differs from the iso3166-2 package")
            self.stdout.write(f"{STANDARD_TABLE.name} is up to date ({len(regions)} regions)")
            return
        STANDARD_TABLE.write_text(table, encoding="utf-8")
        self.stdout.write(f"wrote {len(regions)} regions to {STANDARD_TABLE.name}")
