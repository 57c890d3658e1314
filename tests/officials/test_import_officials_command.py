import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.base import PersonaTestCase
from undersigned.audit.models import AuditEvent
from undersigned.officials.models import ImportRun, Official

HEADER = "source_id,full_name,position,body,municipality,region,term_start,term_end,contact\n"
GOOD = (
    "m-1,Иванов Иван Иванович,депутат,Совет депутатов МО Ломоносовский,Ломоносовский,г. Москва,"
    "2022-09-11,2027-09-10,sovet@example.org\n"
    "m-2,Петрова Анна Сергеевна,депутат,Муниципальный совет МО Семёновский,МО Семёновский,"
    "Санкт-Петербург г,11.09.2019,,\n"
    "m-3,Сидоров Олег Павлович,глава,Дума города Иркутска,Иркутск,Иркутская обл.,,,\n"
)


class ImportOfficialsCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dir = Path(self.enterContext(_tempdir()))

    def run_import(
        self, content: bytes | str, *args: str, name: str = "registry.csv"
    ) -> tuple[str, str]:
        path = self.dir / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "import_officials", str(path), "--source", "mos-2022", *args, stdout=out, stderr=err
        )
        return out.getvalue(), err.getvalue()

    def test_imports_rows_and_normalises_regions(self) -> None:
        out, _err = self.run_import(HEADER + GOOD)
        assert "3 new" in out
        ivanov = Official.objects.get(source="mos-2022", source_id="m-1")
        assert (ivanov.region_code, ivanov.region_name) == ("RU-MOW", "г. Москва")
        assert ivanov.term_start == date(2022, 9, 11)
        assert ivanov.contact == "sovet@example.org"
        petrova = Official.objects.get(source_id="m-2", source="mos-2022")
        assert (petrova.region_code, petrova.term_start) == ("RU-SPE", date(2019, 9, 11))
        assert Official.objects.get(source_id="m-3", source="mos-2022").region_code == "RU-IRK"
        run = ImportRun.objects.get(source="mos-2022")
        assert (run.created, run.bad_rows, run.retired) == (3, 0, 0)
        event = AuditEvent.objects.get(action="officials.imported")
        assert "3 new" in event.note
        assert "Иванов" not in event.note  # counts only, no names

    def test_control_and_direction_characters_are_removed_from_cells(self) -> None:
        row = "m-9,Кузнецов\x00 Пётр\u202e Ильич\u200b,депутат\x07,Совет,МО,Москва,,,\n"
        out, _err = self.run_import(HEADER + row)
        assert "1 new" in out
        official = Official.objects.get(source="mos-2022", source_id="m-9")
        assert (official.full_name, official.position) == ("Кузнецов Пётр Ильич", "депутат")

    def test_bad_rows_are_reported_with_line_numbers_and_the_rest_imported(self) -> None:
        rows = (
            HEADER
            + GOOD
            + ",Без Номера Иванович,,,,,,,\n"  # line 5
            + "m-5,,депутат,,,,,,\n"  # line 6
            + "m-6,Орлов Пётр,депутат,,,,31.02.2020,,\n"  # line 7
            + "m-1,Иванов Иван Повторов,депутат,,,,,,\n"  # line 8
            + "m-7,Орлов Пётр,депутат,,,,2022-01-01,2021-01-01,\n"  # line 9
            + "m-8,Одинслов,депутат,,,,,,\n"  # line 10
            + "m-9,Белова Вера Ивановна,депутат,,,Москва,,,\n"  # line 11: good
        )
        out, err = self.run_import(rows)
        assert "line 5: source_id is empty" in err
        assert "line 6: full_name is empty" in err
        assert "line 7: term_start is not a date" in err
        assert "line 8: source_id repeats an earlier row" in err
        assert "line 9: term_end is before term_start" in err
        assert "line 10: full_name needs at least a surname and a first name" in err
        assert "4 new" in out and "6 bad rows" in out
        imported = Official.objects.filter(source="mos-2022").values_list("source_id", flat=True)
        assert set(imported) == {
            "m-1", "m-2", "m-3", "m-9",
        }  # fmt: skip
        assert (
            Official.objects.get(source="mos-2022", source_id="m-1").full_name
            == "Иванов Иван Иванович"
        )

    def test_windows_1251_is_detected(self) -> None:
        self.run_import((HEADER + GOOD).encode("cp1251"))
        assert (
            Official.objects.get(source="mos-2022", source_id="m-2").full_name
            == "Петрова Анна Сергеевна"
        )

    def test_utf8_with_bom_and_semicolons(self) -> None:
        content = "\ufeff" + (HEADER + GOOD).replace(",", ";")
        self.run_import(content.encode("utf-8"))
        assert Official.objects.filter(source="mos-2022").count() == 3

    def test_xlsx(self) -> None:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["source_id", "full_name", "body", "region", "term_start"])
        sheet.append(
            [
                101,
                "Кузнецова Мария Петровна",
                "Дума города Перми",
                "Пермский край",
                date(2021, 9, 19),
            ]
        )
        sheet.append([None, "Без Номера", None, None, None])
        buffer = io.BytesIO()
        workbook.save(buffer)
        out, err = self.run_import(buffer.getvalue(), name="registry.xlsx")
        official = Official.objects.get(source="mos-2022", source_id="101")
        assert (official.region_code, official.term_start) == ("RU-PER", date(2021, 9, 19))
        assert "line 3: source_id is empty" in err
        assert "1 new" in out

    def test_map_renames_headers(self) -> None:
        content = (
            "id;ФИО;Орган;Субъект\nx-1;Морозов Павел Андреевич;Совет депутатов;Тверская область\n"
        )
        self.run_import(content, "--map", "id=source_id,ФИО=full_name,Орган=body,Субъект=region")
        official = Official.objects.get(source="mos-2022", source_id="x-1")
        assert (official.full_name, official.body, official.region_code) == (
            "Морозов Павел Андреевич", "Совет депутатов", "RU-TVE",
        )  # fmt: skip

    def test_reimport_updates_by_source_id_and_retires_the_missing(self) -> None:
        self.run_import(HEADER + GOOD)
        other = Official.objects.count()
        first_ids = dict(Official.objects.filter(source="mos-2022").values_list("source_id", "pk"))
        again = (
            HEADER
            + "m-1,Иванов Иван Иванович,глава,Совет депутатов МО Ломоносовский,Ломоносовский,"
            "г. Москва,2022-09-11,2027-09-10,sovet@example.org\n"
            + "m-2,Петрова Анна Сергеевна,депутат,Муниципальный совет МО Семёновский,"
            "МО Семёновский,Санкт-Петербург г,11.09.2019,,\n"
            + "m-4,Новая Нина Ивановна,депутат,,,,,,\n"
        )
        out, _err = self.run_import(again)
        assert "1 new, 1 updated, 1 unchanged, 1 no longer in office" in out
        officials = {o.source_id: o for o in Official.objects.filter(source="mos-2022")}
        assert officials["m-1"].position == "глава"
        assert officials["m-1"].pk == first_ids["m-1"]
        assert officials["m-3"].in_office is False  # kept, not deleted
        assert all(officials[key].in_office for key in ("m-1", "m-2", "m-4"))
        assert Official.objects.count() == other + 1
        # Listed again later: back in office.
        self.run_import(HEADER + GOOD)
        assert Official.objects.get(source="mos-2022", source_id="m-3").in_office is True
        assert Official.objects.get(source="mos-2022", source_id="m-4").in_office is False

    def test_other_sources_are_untouched(self) -> None:
        self.run_import(HEADER + GOOD)
        self.official.refresh_from_db()
        assert self.official.in_office is True
        assert self.official.source == "spb-2019"

    def test_missing_required_column_changes_nothing(self) -> None:
        with pytest.raises(CommandError, match="required columns missing: full_name"):
            self.run_import("source_id,name\n1,Иванов Иван\n")
        assert not Official.objects.filter(source="mos-2022").exists()
        assert not ImportRun.objects.exists()

    def test_bad_map_is_refused(self) -> None:
        with pytest.raises(CommandError, match="old=new"):
            self.run_import(HEADER + GOOD, "--map", "id")

    def test_a_sheet_larger_than_the_import_reads_is_refused_in_bounded_memory(self) -> None:
        import tracemalloc

        from tests.officials.sheets import far_cell_xlsx

        for declared, reason in (
            (True, "the sheet declares 30000 rows and 300 columns"),
            (False, "row 30000 has a cell past column 64"),
        ):
            data = far_cell_xlsx(["source_id", "full_name"], declared=declared)
            tracemalloc.start()
            try:
                with pytest.raises(CommandError, match=reason):
                    self.run_import(data, name="registry.xlsx")
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            assert peak < 8 * 1024 * 1024, peak
            assert not Official.objects.filter(source="mos-2022").exists()

    def test_missing_file(self) -> None:
        with pytest.raises(CommandError, match="no such file"):
            call_command("import_officials", str(self.dir / "nope.csv"), "--source", "x")


def _tempdir():  # type: ignore[no-untyped-def]
    import tempfile

    return tempfile.TemporaryDirectory()
