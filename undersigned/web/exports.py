"""Downloads of the public data as CSV and XLSX: named signatories, counts by region and by day.

Every text cell that a spreadsheet could read as a formula is prefixed with a
single quote; XLSX cells are also typed as text.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from undersigned.campaigns.models import Campaign
from undersigned.officials.regions import region_name
from undersigned.signatures import public

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Row = Sequence[Any]


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def signatory_rows(campaign: Campaign, language: str) -> Iterator[Row]:
    yield ("full_name", "office", "body", "municipality", "region_code", "region", "verified_on")
    for s in public.named_signatories(campaign).iterator(chunk_size=2000):
        yield (
            s.full_name,
            s.office,
            s.body,
            s.municipality,
            s.region_code,
            region_name(s.region_code, language) if s.region_code else "",
            s.verified_at.date().isoformat() if s.verified_at else "",
        )


def region_rows(campaign: Campaign, language: str) -> Iterator[Row]:
    yield ("region_code", "region", "verified", "being_checked")
    for row in public.regions_for(campaign, language):
        yield (row.code, row.name, row.verified, row.checking)


def timeline_rows(campaign: Campaign, language: str) -> Iterator[Row]:
    yield ("day", "received_total", "verified_total")
    for row in public.timeline_for(campaign):
        yield (row.day.isoformat(), row.arrived, row.verified)


DATASETS = {"signatories": signatory_rows, "regions": region_rows, "timeline": timeline_rows}


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: Iterable[Row]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # lets spreadsheet programs read the file as UTF-8
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def xlsx_bytes(rows: Iterable[Row], sheet_title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
