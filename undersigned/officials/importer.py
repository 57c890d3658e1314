"""Import a registry of officials from CSV (UTF-8 or Windows-1251) or XLSX.

Rows are checked one by one: a bad row is reported with its line number and reason
and the rest is imported. Re-importing a source updates officials by `source_id`
and marks those the new file no longer lists as out of office; nothing is deleted.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.core.canonical import strip_controls
from undersigned.officials.models import ImportRun, Official
from undersigned.officials.regions import find_region_code

COLUMNS = (
    "source_id",
    "full_name",
    "position",
    "body",
    "municipality",
    "region",
    "term_start",
    "term_end",
    "contact",
)
REQUIRED = ("source_id", "full_name")
CHUNK_SIZE = 5000
# The most rows a registry file may hold (a country's municipal deputies are fewer), and
# the widest spreadsheet read (registries and claims have a dozen columns or so).
REGISTRY_MOST_ROWS = 1_000_000
XLSX_MOST_COLUMNS = 64


def _max_length(name: str) -> int:
    return int(getattr(Official._meta.get_field(name), "max_length", 0) or 0)


_MAX_LENGTHS = {
    name: _max_length(name)
    for name in ("source_id", "full_name", "position", "body", "municipality", "contact")
}
_REGION_NAME_LENGTH = _max_length("region_name")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, or required columns missing)."""


@dataclass
class BadRow:
    line: int
    reason: str


@dataclass
class ImportResult:
    run: ImportRun
    bad_rows: list[BadRow] = field(default_factory=list)
    unknown_regions: int = 0


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes as such, else Windows-1251."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as error:
        raise ImportFileError("the file is neither UTF-8 nor Windows-1251 text") from error


def parse_mapping(text: str) -> dict[str, str]:
    """`old=new,old2=new2` from the command line."""
    mapping = {}
    for pair in filter(None, (part.strip() for part in (text or "").split(","))):
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ImportFileError(f"--map expects old=new pairs, got {pair!r}")
        mapping[old.strip().casefold()] = new.strip().casefold()
    return mapping


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]], int]:
    """The header, the data rows with their line numbers, and an estimate of their number."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        return _read_xlsx(data)
    text = decode(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if header is None:
        raise ImportFileError("the file is empty")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row

    return header, rows(), text.count("\n")


class SheetTooLarge(ImportFileError):
    """A spreadsheet with more rows or columns than an import reads."""


def _filled(cells: Iterable[Any]) -> bool:
    return any(cell not in (None, "") for cell in cells)


def xlsx_rows(data: bytes, most_rows: int) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    """The first sheet's rows, numbered from 1, read as the file is parsed (openpyxl's
    read-only mode): never more than `most_rows` rows nor XLSX_MOST_COLUMNS columns, so
    memory stays bounded whatever the sheet claims. A sheet that declares more is refused
    before a row is read; one that holds more than it declares, at its first row past the
    limit (SheetTooLarge). Also the number of rows the sheet declares (0 when it does not)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(f"not a readable XLSX file ({type(error).__name__})") from error
    sheet = workbook.worksheets[0]
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if declared_rows > most_rows or declared_columns > XLSX_MOST_COLUMNS:
        workbook.close()
        raise SheetTooLarge(
            f"the sheet declares {declared_rows} rows and {declared_columns} columns; "
            f"at most {most_rows} rows and {XLSX_MOST_COLUMNS} columns are read"
        )
    # Read what the file holds, not what it declares: a row past a declared size that is
    # too small would otherwise be dropped without a word.
    sheet.reset_dimensions()  # type: ignore[union-attr]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if len(row) > XLSX_MOST_COLUMNS and _filled(row[XLSX_MOST_COLUMNS:]):
                    raise SheetTooLarge(
                        f"row {number} has a cell past column {XLSX_MOST_COLUMNS}, "
                        "the last one read"
                    )
                if number > most_rows:
                    if _filled(row):
                        raise SheetTooLarge(f"row {number} is past the last row read, {most_rows}")
                    continue
                yield number, list(row[:XLSX_MOST_COLUMNS])
        finally:
            workbook.close()

    return rows(), declared_rows


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[Any]]], int]:
    numbered, declared = xlsx_rows(data, REGISTRY_MOST_ROWS + 1)
    first = next(numbered, None)
    if first is None:
        raise ImportFileError("the file is empty")
    header = first[1]

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, row in numbered:
            if _filled(row):
                yield number, row

    return [str(cell or "") for cell in header], rows(), declared


def column_positions(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        name = str(name).strip().casefold()
        name = mapping.get(name, name)
        if name in COLUMNS and name not in positions:
            positions[name] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise ImportFileError(f"required columns missing: {', '.join(missing)}")
    return positions


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # No control or direction-override characters (nor NUL, which PostgreSQL refuses).
    return " ".join(strip_controls(str(value)).split())


def parse_date(value: Any) -> date | None:
    """A date from a spreadsheet cell: a date, YYYY-MM-DD or DD.MM.YYYY; None when empty."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time of day
        except ValueError:
            continue
    raise ValueError(text)


def clean_row(raw: list[Any], positions: dict[str, int]) -> tuple[dict[str, Any], str]:
    """The official's fields from one row, or the reason the row is bad."""

    def cell(name: str) -> Any:
        index = positions.get(name)
        return raw[index] if index is not None and index < len(raw) else None

    fields: dict[str, Any] = {}
    for name in ("source_id", "full_name", "position", "body", "municipality", "contact"):
        fields[name] = _text(cell(name))
        if len(fields[name]) > _MAX_LENGTHS[name]:
            return {}, f"{name} longer than {_MAX_LENGTHS[name]} characters"
    if not fields["source_id"]:
        return {}, "source_id is empty"
    if not fields["full_name"]:
        return {}, "full_name is empty"
    if len(fields["full_name"].split()) < 2:
        return {}, "full_name needs at least a surname and a first name"
    for name in ("term_start", "term_end"):
        try:
            fields[name] = parse_date(cell(name))
        except ValueError:
            return {}, f"{name} is not a date (YYYY-MM-DD or DD.MM.YYYY)"
    if fields["term_start"] and fields["term_end"] and fields["term_end"] < fields["term_start"]:
        return {}, "term_end is before term_start"
    region = _text(cell("region"))[:_REGION_NAME_LENGTH]
    fields["region_name"] = region
    fields["region_code"] = find_region_code(region)
    return fields, ""


def import_officials(
    path: Path,
    source: str,
    *,
    mapping: dict[str, str] | None = None,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
) -> ImportResult:
    """Import `path` as registry `source`. Raises ImportFileError when nothing can be read."""
    source = source.strip()
    if not source or len(source) > _max_length("source"):
        raise ImportFileError("the source name must be 1 to 64 characters")
    header, rows, estimate = read_rows(path)
    positions = column_positions(header, mapping or {})
    run = ImportRun.objects.create(source=source, file_name=path.name[:300])
    result = ImportResult(run=run)
    existing = {
        values[0]: values
        for values in Official.objects.filter(source=source).values_list(
            "source_id", "pk", "in_office", *Official.IMPORTED_FIELDS
        )
    }
    seen: set[str] = set()
    chunk: list[dict[str, Any]] = []
    rows_iter: Iterable[tuple[int, list[Any]]] = progress(rows, estimate) if progress else rows
    for line, raw in rows_iter:
        run.rows += 1
        fields, reason = clean_row(raw, positions)
        if not reason and fields["source_id"] in seen:
            reason = "source_id repeats an earlier row"
        if reason:
            result.bad_rows.append(BadRow(line, reason))
            continue
        seen.add(fields["source_id"])
        if fields["region_name"] and not fields["region_code"]:
            result.unknown_regions += 1
        chunk.append(fields)
        if len(chunk) >= CHUNK_SIZE:
            _save_chunk(run, source, chunk, existing)
            chunk = []
    _save_chunk(run, source, chunk, existing)
    with transaction.atomic():
        run.retired = (
            Official.objects.filter(source=source, in_office=True)
            .exclude(import_run=run)
            .update(in_office=False, imported_at=timezone.now())
        )
        run.bad_rows = len(result.bad_rows)
        run.finished_at = timezone.now()
        run.save()
        record("officials.imported", run, note=run.summary())
    return result


def _save_chunk(
    run: ImportRun, source: str, chunk: list[dict[str, Any]], existing: dict[str, tuple[Any, ...]]
) -> None:
    now = timezone.now()
    new: list[dict[str, Any]] = []
    changed: list[Official] = []
    unchanged: list[int] = []
    for fields in chunk:
        known = existing.get(fields["source_id"])
        if known is None:
            new.append({**fields, "source": source, "import_run_id": run.pk, "imported_at": now})
            continue
        pk, in_office, *old_values = known[1:]
        values = [fields[name] for name in Official.IMPORTED_FIELDS]
        if in_office and old_values == values:
            unchanged.append(pk)
        else:
            changed.append(
                Official(
                    pk=pk, source=source, in_office=True, import_run=run, imported_at=now, **fields
                )
            )
    with transaction.atomic():
        _insert(new)
        Official.objects.bulk_update(
            changed,
            [*Official.IMPORTED_FIELDS, "in_office", "import_run", "imported_at"],
            batch_size=500,
        )
        for start in range(0, len(unchanged), 900):
            Official.objects.filter(pk__in=unchanged[start : start + 900]).update(import_run=run)
    run.created += len(new)
    run.updated += len(changed)
    run.unchanged += len(unchanged)


_INSERTED_FIELDS = (
    "source",
    "source_id",
    *Official.IMPORTED_FIELDS,
    "in_office",
    "imported_at",
    "import_run_id",
)


def _insert(rows: list[dict[str, Any]]) -> None:
    """Insert new officials with one parameterised statement per batch.

    The ORM's bulk_create builds a model instance per row and costs most of an
    import's time; the values here are already checked by `clean_row`.
    """
    if not rows:
        return
    fields = [
        Official._meta.get_field("import_run" if name == "import_run_id" else name)
        for name in _INSERTED_FIELDS
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(getattr(field, "column", "")) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    statement = (
        f"INSERT INTO {quote(Official._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES ({placeholders})"
    )
    adapt_date = connection.ops.adapt_datefield_value
    adapters = {
        "term_start": adapt_date,
        "term_end": adapt_date,
        "imported_at": connection.ops.adapt_datetimefield_value,
    }
    values = [
        tuple(
            adapters[name](row[name]) if name in adapters else row.get(name, True)
            for name in _INSERTED_FIELDS
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 1000):
            cursor.executemany(statement, values[start : start + 1000])
