"""Spreadsheets made for the importers' tests."""

import io
import re
import zipfile

import openpyxl


def far_cell_xlsx(header: list[str], *, declared: bool = True) -> bytes:
    """A ~5 KB XLSX: a header row and one cell at row 30,000, column 300. With `declared`
    off, the sheet does not declare its dimensions (a reader learns them only by reading)."""
    book = openpyxl.Workbook()
    sheet = book.active
    for column, name in enumerate(header, start=1):
        sheet.cell(row=1, column=column, value=name)
    sheet.cell(row=30_000, column=300, value="far")
    buffer = io.BytesIO()
    book.save(buffer)
    if declared:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            rewritten.writestr(item, data)
    return out.getvalue()
