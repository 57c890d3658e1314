"""Downloads of the public data as CSV, XLSX and JSON: named signatories, counts by region
and by day.

A periodic job (`build_exports`, in a process of its own) writes every download of
every public campaign as a file under EXPORT_ROOT/<slug>/, in each language, whenever
what it shows may have changed and at most every EXPORT_SECONDS; each file is written
aside and moved into place atomically. Requests are served those files as they are:
no request ever computes an export, whatever its size.

Every text cell that a spreadsheet could read as a formula is prefixed with a
single quote; XLSX cells are also typed as text.
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from django.conf import settings

from undersigned.campaigns.downloads import export_dir, export_path, withdraw_name_lists
from undersigned.campaigns.models import Campaign
from undersigned.core.locks import LockBusy, job_lock
from undersigned.officials.regions import region_name
from undersigned.signatures import public
from undersigned.signatures.models import Tally

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
FINGERPRINT_FILE = ".fingerprint"
# How long the last writing of a campaign's downloads took, in seconds.
BUILD_SECONDS_FILE = ".build-seconds"

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


def xlsx_workbook(rows: Iterable[Row], sheet_title: str) -> "Workbook":
    # openpyxl weighs about 15 MB: loaded by the export process, not by the app servers.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

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
    return workbook


def json_chunks(rows: Iterable[Row]) -> Iterator[str]:
    """A JSON array of objects keyed by the header row."""
    iterator = iter(rows)
    header = next(iterator)
    yield "["
    for n, row in enumerate(iterator):
        yield ("," if n else "") + json.dumps(
            dict(zip(header, row, strict=True)), ensure_ascii=False
        )
    yield "]\n"


def _write_text(out: TextIO, chunks: Iterable[str]) -> None:
    for chunk in chunks:
        out.write(chunk)


def _write_atomically(path: Path, fmt: str, rows: Iterable[Row], dataset: str) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        if fmt == "xlsx":
            os.close(descriptor)
            xlsx_workbook(rows, dataset).save(temporary)  # streamed to disk, not held
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as text:
                _write_text(text, csv_chunks(rows) if fmt == "csv" else json_chunks(rows))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fingerprint(campaign: Campaign) -> str:
    """Everything an export shows may change only when this does."""
    from undersigned.campaigns.page_cache import page_version

    tallies = sorted(Tally.objects.filter(campaign=campaign).values_list("key", "state", "n"))
    fields = [str(getattr(campaign, f.attname)) for f in campaign._meta.concrete_fields]
    state = repr((fields, tallies, page_version(campaign.slug)))
    return hashlib.sha256(state.encode()).hexdigest()


def build_campaign_exports(campaign: Campaign, *, force: bool = False) -> bool:
    """Write this campaign's downloads again if what they show may have changed."""
    folder = export_dir(campaign.slug)
    marker = folder / FINGERPRINT_FILE
    fingerprint = _fingerprint(campaign)
    try:
        built = marker.read_text()
        age = time.time() - marker.stat().st_mtime
    except FileNotFoundError:
        built, age = "", float("inf")
    if not force and built == fingerprint and age < settings.EXPORT_MAX_AGE_SECONDS:
        return False
    wait = _last_build_seconds(folder) / settings.EXPORT_MAX_SHARE
    if not force and wait > settings.EXPORT_SECONDS and age < wait:
        return False  # a large campaign's downloads wait their turn: see EXPORT_MAX_SHARE
    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for language, _ in settings.LANGUAGES:
        for dataset, rows_of in DATASETS.items():
            for fmt in FORMATS:
                path = export_path(campaign.slug, dataset, language, fmt)
                _write_atomically(path, fmt, rows_of(campaign, language), dataset)
    (folder / BUILD_SECONDS_FILE).write_text(f"{time.monotonic() - started:.1f}")
    if (
        not campaign.names_hidden
        and Campaign.objects.filter(pk=campaign.pk, names_hidden=True).exists()
    ):
        # Names were hidden while the lists were being written: they do not stay.
        withdraw_name_lists(campaign.slug)
        return True
    marker.write_text(fingerprint)
    return True


def _last_build_seconds(folder: Path) -> float:
    try:
        return float((folder / BUILD_SECONDS_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return 0.0


_builder: subprocess.Popen[bytes] | None = None


def start_exports() -> None:
    """The periodic job: the export job in a process of its own that runs only when no
    other wants the CPU, so that writing a million rows (minutes of CPU) never holds up
    a signer, a reader or the count job. With EXPORT_IN_BACKGROUND off (tests), in this
    process."""
    global _builder
    if not settings.EXPORT_IN_BACKGROUND:
        build_exports()
        return
    if _builder is not None and _builder.poll() is None:
        return  # the last one is still writing
    manage = Path(settings.BASE_DIR) / "manage.py"
    _builder = subprocess.Popen(  # noqa: S603  # our own command, no input from outside
        [sys.executable, str(manage), "build_exports", "--idle"],
        stdout=subprocess.DEVNULL,
    )


def build_exports() -> int:
    """The periodic job: the downloads of every public campaign, where they may have changed;
    those of campaigns no longer public are removed. The campaigns written."""
    written = 0
    try:
        with job_lock("exports", lease=timedelta(minutes=30)):
            public_slugs = set()
            for campaign in Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES):
                public_slugs.add(campaign.slug)
                written += build_campaign_exports(campaign)
            root = Path(settings.EXPORT_ROOT)
            if root.is_dir():
                for folder in root.iterdir():
                    if folder.is_dir() and folder.name not in public_slugs:
                        shutil.rmtree(folder, ignore_errors=True)
    except LockBusy:
        pass
    return written
