"""Bad registry files: each is refused with a reason, or imported row by row with bad rows
reported; never an unexpected error, never half a file written when it is refused."""

from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.base import PersonaTestCase
from undersigned.officials.importer import ImportFileError, import_officials
from undersigned.officials.models import ImportRun, Official

HEADER = "source_id,full_name,position,body,municipality,region,term_start,term_end\n"
cell = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from('",;\n\r\u202e\x00'), max_size=40
)
row = st.lists(cell, min_size=0, max_size=9).map(lambda cells: ",".join(cells) + "\n")


class ImportFuzzTest(HypothesisTestCase, PersonaTestCase):
    def import_bytes(self, data: bytes) -> None:
        officials, runs = Official.objects.count(), ImportRun.objects.count()
        with TemporaryDirectory() as directory:
            path = Path(directory) / "registry.csv"
            path.write_bytes(data)
            try:
                result = import_officials(path, "fuzz")
            except ImportFileError as error:
                assert str(error)  # a reason the operator can read
                assert (Official.objects.count(), ImportRun.objects.count()) == (officials, runs)
                return
        assert all(bad.reason for bad in result.bad_rows)
        imported = Official.objects.filter(source="fuzz")
        assert (
            result.run.rows == len(result.bad_rows) + imported.filter(import_run=result.run).count()
        )
        for official in imported:
            assert len(official.full_name.split()) >= 2

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(rows=st.lists(row, max_size=8))
    def test_any_csv_rows(self, rows: list[str]) -> None:
        self.import_bytes((HEADER + "".join(rows)).encode("utf-8"))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.binary(max_size=400))
    def test_any_bytes(self, data: bytes) -> None:
        self.import_bytes(data)
