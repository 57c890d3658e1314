"""The public site's most read pages as files that nginx sends by itself (PUBLISHED_ROOT).

- `counts/<slug>.json`: every public campaign's counts.json;
- `pages/<language>/<slug>.html`: every open campaign's page in each language, as it
  is asked for without a query.

The count job calls `publish` after each run. A counts file is written when what it
shows may have changed: the campaign's page version moved (its counts or names, an
update) or its log has a newer checkpoint; an open campaign's after every run of the
count job, which it names as the time of its counts. A page is written when the campaign
or its texts changed or it stopped taking signatures, and when its counts moved once it
is PUBLISHED_PAGE_SECONDS old (each language is a render of its own, and signing moves
the counts every run). Every file is written again once it is PAGE_CACHE_STALE_SECONDS
old, as the page cache would make it again. nginx sends the file
when there is one and asks the app when there is none (deploy/nginx). A reader then sees
a count as soon as the count job has moved it, with no copy kept by nginx's microcache
in between, and a read costs nginx what a static file does.

A page whose campaign is made stale (a withdrawal, a name hidden, counts moved) loses its
files at once (undersigned.campaigns.page_cache.invalidate) until they are written again.
A file with no campaign behind it goes at the next run, and `run_periodic` removes every
file when it stops, so none outlives the job that keeps it current.
"""

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from undersigned.campaigns import page_cache
from undersigned.campaigns.models import Campaign
from undersigned.core.models import JobRun
from undersigned.ledger.models import Checkpoint
from undersigned.signatures.counts import COUNT_JOB
from undersigned.web.counts_json import counts_document
from undersigned.web.views import campaign_page

log = logging.getLogger(__name__)

Token = tuple[Any, ...]
# What each file was written from, in this process: what it shows of the campaign
# itself, what it shows that moves with the counts, and when (time.monotonic()).
_written: dict[Path, tuple[Token, Token, float]] = {}


def publish() -> int:
    """Write every file whose page may have changed since it was written, remove the
    files of every other name; how many were written. A disk that refuses is logged and
    never stops the count job's later steps."""
    root = page_cache.published_root()
    if root is None:
        return 0
    try:
        return _publish(root)
    except OSError as error:
        log.error("page files not written (%s); removing them", type(error).__name__)
        try:
            withdraw_all()
        except OSError as again:  # what is left may be stale: an operator must look
            log.error("page files not removed (%s)", type(again).__name__)
        return 0


def withdraw_all() -> None:
    """Remove every file: nginx asks the app again (the count job is stopping)."""
    _written.clear()
    root = page_cache.published_root()
    if root is not None and root.is_dir():
        _remove(root, keep=set())


def _publish(root: Path) -> int:
    campaigns = list(
        Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES)
        .prefetch_related("texts")
        .order_by("id")
    )
    versions = page_cache.page_versions([c.slug for c in campaigns])
    checkpoints = dict(
        Checkpoint.objects.filter(campaign__in=campaigns)
        .values_list("campaign_id")
        .annotate(Max("size"))
    )
    counted_at = JobRun.last_started(COUNT_JOB)
    # Each file: its campaign, its language (None: the counts), what it shows of the
    # campaign itself, what moves with the counts, and how old it may be once they moved.
    wanted: dict[Path, tuple[Campaign, str | None, Token, Token, float]] = {}
    for campaign in campaigns:
        moved: Token = (versions[campaign.slug], checkpoints.get(campaign.pk))
        if campaign.state == Campaign.OPEN:
            itself = (_fingerprint(campaign), campaign.accepts_signatures)
            for code, _ in settings.LANGUAGES:
                path = page_cache.published_page(root, code, campaign.slug)
                wanted[path] = (campaign, code, itself, moved, settings.PUBLISHED_PAGE_SECONDS)
            moved = (*moved, counted_at)
        path = page_cache.published_counts(root, campaign.slug)
        wanted[path] = (campaign, None, (), moved, 0)
    written = 0
    for path, (campaign, language, itself, moved, wait) in list(wanted.items()):
        if not _due(path, itself, moved, wait):
            continue
        content: bytes | None
        if language is None:
            content = json.dumps(counts_document(campaign), cls=DjangoJSONEncoder).encode()
        else:
            content = _page(campaign, language)
        if content is None:  # no file: nginx asks the app, which says what is wrong
            wanted.pop(path)
            continue
        _write(path, content)
        _written[path] = (itself, moved, time.monotonic())
        written += 1
    _remove(root, keep=set(wanted))
    return written


def _fingerprint(campaign: Campaign) -> str:
    """What the page shows of the campaign and its texts, as one digest."""
    texts: Iterator[dict[str, Any]] = (vars(text) for text in campaign.texts.all())
    rows = [
        sorted((k, repr(v)) for k, v in row.items() if not k.startswith("_"))
        for row in (vars(campaign), *texts)
    ]
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


def _due(path: Path, itself: Token, moved: Token, wait: float) -> bool:
    """Whether the file at `path` is to be written: it is missing, what it shows of the
    campaign changed, its counts moved and it is `wait` seconds old, or it is as old as
    a stale copy of the page cache may be."""
    before = _written.get(path)
    if before is None or before[0] != itself or not path.exists():
        return True
    age = time.monotonic() - before[2]
    if before[1] != moved and age >= wait:
        return True
    return age >= settings.PAGE_CACHE_STALE_SECONDS


def _page(campaign: Campaign, language: str) -> bytes | None:
    """The campaign page as the app renders it for a GET without a query in `language`,
    from the primary database; None if it is not a page to keep."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = f"/c/{campaign.slug}/"
    request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
    with translation.override(language), page_cache.from_primary():
        response = campaign_page(request, slug=campaign.slug)
    if response.status_code != 200 or not isinstance(response, HttpResponse):
        log.warning("campaign page not written: it answered %s", response.status_code)
        return None
    return response.content


def _write(path: Path, content: bytes) -> None:
    # Written beside, then renamed over: nginx sends the old file or the new one, whole.
    # A name starting with a dot is never one nginx asks for.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    temporary.chmod(0o644)  # nginx reads it as its own user
    os.replace(temporary, path)


def _remove(root: Path, keep: set[Path]) -> None:
    for entry in root.rglob("*"):
        if entry in keep or entry.name.startswith(".") or not entry.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):  # another runner removed it first
            entry.unlink()
        _written.pop(entry, None)
