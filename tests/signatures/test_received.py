"""Reading received claims: free-form lines, CSV, XLSX; what is unreadable and why."""

import io
from collections.abc import Iterator

import openpyxl
import pytest
from django.utils import translation

from undersigned.signatures.models import Signature
from undersigned.signatures.received import (
    UnreadableFile,
    contact_of,
    read_received,
    split_free_form,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("line", "name", "office", "council", "region_code"),
    [
        (
            "Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург",
            "Иванова Мария Петровна", "депутат", "МО Семёновский", "RU-SPE",
        ),
        (
            "деп. Петров Пётр; с.п. Ивановское; Тверская обл.",
            "Петров Пётр", "деп", "с.п. Ивановское", "RU-TVE",
        ),
        ("Petrov Petr — Irkutskaya oblast'", "Petrov Petr", "", "", "RU-IRK"),
        ("Сидоров И.И.\tМО Гагаринский\tМосква", "Сидоров И.И.", "", "МО Гагаринский", "RU-MOW"),
        ("Сидоров Иван", "Сидоров Иван", "", "", ""),
    ],
)  # fmt: skip
def test_free_form_lines_split_into_name_office_council_region(
    line: str, name: str, office: str, council: str, region_code: str
) -> None:
    claims, contact = split_free_form(line)
    assert (claims.full_name, claims.office, claims.municipality, claims.region_code) == (
        name,
        office,
        council,
        region_code,
    )
    assert contact == ""


def test_a_contact_in_a_line_is_taken_apart() -> None:
    claims, contact = split_free_form("Иванова Мария, МО Семёновский, +7 911 000-00-01")
    assert contact == "+7 911 000-00-01" and claims.municipality == "МО Семёновский"
    assert contact_of("@ivanova_m") == ("telegram", "@ivanova_m")
    assert contact_of("https://t.me/ivanova_m") == ("telegram", "@ivanova_m")
    assert contact_of("m@example.org") == ("email", "m@example.org")
    assert contact_of("call me") is None


def test_free_form_text_numbers_lines_and_marks_unreadable_ones() -> None:
    read = read_received(("Иванова Мария\n\n12345\n" + "Я" * 700 + "\n").encode(), "")
    assert [row.line for row in read.rows] == [1, 3, 4]
    assert [row.problem for row in read.rows] == ["", "no name", "line too long"]


def test_csv_header_in_russian_and_windows_1251() -> None:
    text = "ФИО;Регион;Публикация\nИванова Мария;Санкт-Петербург;открыто\nПетров Пётр;RU-MOW;\n"
    read = read_received(text.encode("cp1251"), "claims.csv")
    assert [row.claims.full_name for row in read.rows] == ["Иванова Мария", "Петров Пётр"]
    assert [row.publication for row in read.rows] == [Signature.NAMED, Signature.ANONYMOUS]
    assert read.rows[0].claims.region_code == "RU-SPE"


def test_xlsx_rows_keep_their_sheet_line_numbers() -> None:
    book = openpyxl.Workbook()
    for row in (
        ["full_name", "region"],
        ["Иванова Мария", "RU-SPE"],
        [None, None],
        ["Ю", "RU-MOW"],
    ):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_received(buffer.getvalue(), "claims.xlsx")
    assert [(row.line, row.problem) for row in read.rows] == [(2, ""), (4, "no name")]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "claims.txt"),
        (b"PK\x03\x04garbage", "claims.xlsx"),
        (b"col_a,col_b\n1,2\n", "claims.csv"),
        ("Иванова\n".encode() * 5001, "claims.txt"),
    ],
)
def test_files_that_cannot_be_read_as_a_whole(data: bytes, name: str) -> None:
    with pytest.raises(UnreadableFile):
        read_received(data, name)


# Reading this 5 KB sheet as a whole took 74 MB of Python objects (162 MB of the process);
# streamed, a few hundred kilobytes.
MEMORY_BOUND = 8 * 1024 * 1024


@pytest.mark.parametrize("declared", [True, False])
def test_a_sheet_larger_than_the_limit_is_refused_in_bounded_memory(declared: bool) -> None:
    import tracemalloc

    from tests.officials.sheets import far_cell_xlsx

    data = far_cell_xlsx(["full_name", "region"], declared=declared)
    assert len(data) < 6000
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="More than 5000 lines, or more than 64 columns"):
            read_received(data, "claims.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, peak


def test_a_sheet_at_the_limit_is_read() -> None:
    book = openpyxl.Workbook()
    book.active.append(["full_name", "region"])
    for n in range(5000):
        book.active.append([f"Иванова Мария {n}", "RU-SPE"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(read_received(buffer.getvalue(), "claims.xlsx").rows) == 5000
    book.active.append(["Петрова Анна", "RU-SPE"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UnreadableFile):
        read_received(buffer.getvalue(), "claims.xlsx")


@pytest.mark.parametrize(
    ("line", "name", "office", "council", "region_code"),
    [
        (
            "Здравствуйте! Я Гусев Юрий Олегович, депутат МО Смольнинское, Санкт-Петербург",
            "Гусев Юрий Олегович", "депутат", "МО Смольнинское", "RU-SPE",
        ),
        (
            "Гусев Юрий Олегович, депутат МО Смольнинское, подписываюсь",
            "Гусев Юрий Олегович", "депутат", "МО Смольнинское", "",
        ),
        (
            "депутат Лиговка-Ямская Беляева Вера, Санкт-Петербург",
            "Беляева Вера", "депутат", "Лиговка-Ямская", "RU-SPE",
        ),
        (
            "Беляева Вера (МО Лиговка-Ямская, Санкт-Петербург)",
            "Беляева Вера", "", "МО Лиговка-Ямская", "RU-SPE",
        ),
        (
            "Добрый день, коллеги! Меня зовут Соколова Анна, депутат Гагаринский район, Москва",
            "Соколова Анна", "депутат", "Гагаринский район", "RU-MOW",
        ),
        (
            "депутат МО Семёновский Иванова Мария Петровна",
            "Иванова Мария Петровна", "депутат", "МО Семёновский", "",
        ),
        (
            "МО Семёновский, Иванова Мария, Санкт-Петербург",
            "Иванова Мария", "", "МО Семёновский", "RU-SPE",
        ),
        (
            "Volkova Olga, депутат Irkutsk, Иркутская область",
            "Volkova Olga", "депутат", "Irkutsk", "RU-IRK",
        ),
    ],
)  # fmt: skip
def test_the_message_around_a_claim_is_no_part_of_the_name(
    line: str, name: str, office: str, council: str, region_code: str
) -> None:
    claims, contact = split_free_form(line)
    assert (claims.full_name, claims.office, claims.municipality, claims.region_code) == (
        name,
        office,
        council,
        region_code,
    )
    assert contact == ""


def test_a_phone_number_keeps_its_brackets_although_brackets_cut_the_line() -> None:
    claims, contact = split_free_form("Иванова Мария (МО Семёновский) +7 (911) 000-00-01")
    assert (claims.full_name, claims.municipality) == ("Иванова Мария", "МО Семёновский")
    assert contact == "+7 (911) 000-00-01"


def test_a_line_with_nothing_like_a_name_is_not_a_signature_until_included() -> None:
    read = read_received(
        "Поддерживаю! Подпишусь завтра\nИванова Мария Петровна\nСпасибо за вашу работу\n".encode(),
        "",
    )
    assert [row.doubtful for row in read.rows] == [True, False, True]
    assert [row.problem for row in read.rows] == ["", "", ""]
    assert [row.line for row in read.importable] == [2]
    assert [row.line for row in read.doubtful] == [1, 3]
    read.include([1, 2])
    assert [row.line for row in read.importable] == [1, 2]
    assert [row.line for row in read.doubtful] == [3]


def test_a_name_column_with_nothing_like_a_name_is_questioned_too() -> None:
    text = "full_name,region\nПоддерживаю полностью всё,RU-SPE\nKomarov Andrey,RU-SPE\n"
    read = read_received(text.encode(), "claims.csv")
    assert [row.doubtful for row in read.rows] == [True, False]
