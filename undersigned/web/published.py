"""Each public campaign's counts.json as a file that nginx sends by itself.

With PUBLISHED_COUNTS_ROOT set, the count job writes `<slug>.json` there on every run
in which what the file says may have changed: the campaign's page version moved (its
tallies did, or a signer withdrew) or its log has a newer checkpoint. nginx sends the
file when there is one and asks the app when there is none (deploy/nginx). A reader
then sees a count as soon as the count job has moved it, without a copy kept by nginx's
microcache in between, and a read costs nginx what a static file does.

A campaign taken off the public site loses its file at the count job's next run, and
`run_periodic` removes every file when it stops, so a file is never older than the
running count job's last look at it.
"""

import contextlib
import json
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max

from undersigned.campaigns import page_cache
from undersigned.campaigns.models import Campaign
from undersigned.ledger.models import Checkpoint
from undersigned.web.counts_json import counts_document

log = logging.getLogger(__name__)

SUFFIX = ".json"
# What each file was written from, in this process: (page version, latest checkpoint).
_written: dict[str, tuple[str | None, int | None]] = {}


def counts_root() -> Path | None:
    root = settings.PUBLISHED_COUNTS_ROOT
    return Path(root) if root else None


def counts_file(root: Path, slug: str) -> Path:
    return root / f"{slug}{SUFFIX}"


def publish_counts() -> int:
    """Write the counts file of every public campaign whose counts may have moved since
    it was written, remove the files of every other name; how many were written. A disk
    that refuses is logged and never stops the count job's later steps."""
    root = counts_root()
    if root is None:
        return 0
    try:
        return _publish(root)
    except OSError as error:
        log.error("counts files not written (%s); removing them", type(error).__name__)
        try:
            withdraw_all()
        except OSError as again:  # what is left may be stale: an operator must look
            log.error("counts files not removed (%s)", type(again).__name__)
        return 0


def _publish(root: Path) -> int:
    root.mkdir(parents=True, exist_ok=True)
    campaigns = list(Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).order_by("id"))
    slugs = [campaign.slug for campaign in campaigns]
    versions = page_cache.page_versions(slugs)
    checkpoints = dict(
        Checkpoint.objects.filter(campaign__in=campaigns)
        .values_list("campaign_id")
        .annotate(Max("size"))
    )
    written = 0
    for campaign in campaigns:
        token = (versions[campaign.slug], checkpoints.get(campaign.pk))
        path = counts_file(root, campaign.slug)
        if _written.get(campaign.slug) == token and path.exists():
            continue
        _write(root, path, json.dumps(counts_document(campaign), cls=DjangoJSONEncoder))
        _written[campaign.slug] = token
        written += 1
    _remove(root, keep={counts_file(root, slug).name for slug in slugs})
    return written


def withdraw_all() -> None:
    """Remove every counts file: nginx asks the app again (the count job is stopping)."""
    _written.clear()
    root = counts_root()
    if root is not None and root.is_dir():
        _remove(root, keep=set())


def _write(root: Path, path: Path, content: str) -> None:
    # Written beside, then renamed over: nginx sends the old file or the new one, whole.
    # The temporary name is never one nginx would send (no slug ends in ".tmp").
    temporary = root / f".{path.name}.{os.getpid()}.tmp"
    temporary.write_text(content, encoding="utf-8")
    temporary.chmod(0o644)  # nginx reads it as its own user
    os.replace(temporary, path)


def _remove(root: Path, keep: set[str]) -> None:
    for entry in root.iterdir():
        # A name starting with a dot is one being written; nginx never sends it.
        if entry.name in keep or entry.name.startswith(".") or not entry.is_file():
            continue
        with contextlib.suppress(FileNotFoundError):  # another runner removed it first
            entry.unlink()
