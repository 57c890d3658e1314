import csv
import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase
from undersigned.officials.models import Official

CLAIMS = (
    "claim_id,full_name,body,municipality,region\n"
    "t-1,Семёнова Ольга Петровна,Муниципальный совет МО Семёновский,МО Семёновский,"
    "Санкт-Петербург\n"
    "t-2,Olga Semyonova,,Semyonovsky,Saint Petersburg\n"
    "t-3,Оли Семёновой,,,\n"
    "t-4,Кузнецов Аркадий Львович,Совет депутатов,Новосибирск,Новосибирская область\n"
    "t-5,,,,\n"
)


class MatchClaimsCommandTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Two namesakes in different councils: a claim without a council needs a person.
        Official.objects.create(
            source="spb-2019", source_id="spb-002", full_name="Семёнова Ольга Ивановна",
            body="Муниципальный совет МО Смольнинское", municipality="МО Смольнинское",
            region_code="RU-SPE",
        )  # fmt: skip

    def run_command(self, content: bytes, *args: str) -> tuple[list[dict[str, str]], str]:
        with tempfile.TemporaryDirectory() as directory:
            source = Path(directory) / "claims.csv"
            target = Path(directory) / "results.csv"
            source.write_bytes(content)
            out = io.StringIO()
            call_command(
                "match_claims",
                str(source),
                "--out",
                str(target),
                *args,
                stdout=out,
                stderr=io.StringIO(),
            )
            with target.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                assert reader.fieldnames == ["claim_id", "official_source_id", "score", "decision"]
                return list(reader), out.getvalue()

    def test_writes_one_row_per_claim_in_input_order(self) -> None:
        rows, out = self.run_command(CLAIMS.encode("utf-8"), "--jobs", "1")
        assert [row["claim_id"] for row in rows] == ["t-1", "t-2", "t-3", "t-4", "t-5"]
        by_id = {row["claim_id"]: row for row in rows}
        assert (by_id["t-1"]["official_source_id"], by_id["t-1"]["decision"]) == ("spb-001", "auto")
        assert (by_id["t-2"]["official_source_id"], by_id["t-2"]["decision"]) == ("spb-001", "auto")
        assert by_id["t-3"]["decision"] == "review"
        assert by_id["t-3"]["official_source_id"] in {"spb-001", "spb-002"}
        assert (by_id["t-4"]["official_source_id"], by_id["t-4"]["decision"]) == ("", "none")
        assert (by_id["t-5"]["official_source_id"], by_id["t-5"]["decision"]) == ("", "none")
        assert 0.0 < float(by_id["t-3"]["score"]) < float(by_id["t-1"]["score"]) <= 1.0
        assert "5 claims matched: auto 2, review 1, none 2" in out

    def test_two_processes_give_the_same_results(self) -> None:
        many = CLAIMS + "".join(
            f"x-{n},Семёнова Ольга,,МО Семёновский,RU-SPE\n" for n in range(450)
        )
        single, _ = self.run_command(many.encode("utf-8"), "--jobs", "1")
        double, _ = self.run_command(many.encode("utf-8"), "--jobs", "2")
        assert single == double
        assert len(double) == 455

    def test_windows_1251_input(self) -> None:
        rows, _ = self.run_command(CLAIMS.encode("cp1251", errors="replace"), "--jobs", "1")
        assert rows[0]["official_source_id"] == "spb-001"

    def test_missing_columns_are_refused(self) -> None:
        with pytest.raises(
            CommandError, match="required columns missing: body, municipality, region"
        ):
            self.run_command(b"claim_id,full_name\n1,x\n")

    def test_an_empty_registry_is_refused(self) -> None:
        with pytest.raises(CommandError, match="no officials"):
            self.run_command(CLAIMS.encode("utf-8"), "--source", "no-such-source")
