"""`update_regions`: the committed table of regions is what the iso3166-2 package says."""

import json
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import SimpleTestCase

COMMAND = "undersigned.officials.management.commands.update_regions"


class UpdateRegionsCommandTest(SimpleTestCase):
    def test_the_committed_table_matches_the_package(self) -> None:
        out = StringIO()
        call_command("update_regions", "--check", stdout=out)
        assert "up to date (83 regions)" in out.getvalue()

    def test_writes_the_table_and_check_notices_a_difference(self) -> None:
        table = Path(self.enterContext(tempfile.TemporaryDirectory())) / "regions_ru.json"
        self.enterContext(mock.patch(f"{COMMAND}.STANDARD_TABLE", table))
        call_command("update_regions", stdout=StringIO())
        rows = json.loads(table.read_text(encoding="utf-8"))
        moscow = next(row for row in rows if row[0] == "RU-MOW")
        assert moscow[:3] == ["RU-MOW", "Москва", "Moscow"]
        table.write_text(table.read_text(encoding="utf-8").replace("Москва", "Масква"))
        with self.assertRaises(SystemExit):
            call_command("update_regions", "--check", stdout=StringIO())
