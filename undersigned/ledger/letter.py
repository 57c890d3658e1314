"""The letter as delivered: a PDF of a campaign's letter as of one checkpoint of its log.

It holds only what the public pages publish: the original text (translations in an
annex), the addressee, the date, every named verified signatory (name, office, council,
region), how many verified signatories are not named (by region where the campaign
publishes regions), the checkpoint's figures, time and root, and a QR code to its
citable page. A signatory is named only if the log counts them as verified at that
checkpoint and they may be named now (one who withdrew since is never named again).

Built by the task worker (drawn in undersigned.ledger.letter_pdf) into a file under
EXPORT_ROOT; a request only ever serves that file.
"""

import hashlib
import logging
import os
import tempfile
import time as time_module
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django_tasks import task

from undersigned.campaigns.models import Campaign
from undersigned.ledger.models import Checkpoint

log = logging.getLogger(__name__)


def letters_dir(slug: str) -> Path:
    return Path(settings.EXPORT_ROOT) / slug / "letters"


def names_fingerprint(campaign: Campaign) -> str:
    """Moves whenever who may be named may have changed: a withdrawal, a signer who chose
    to be less visible, all names hidden. The public pages' version token moves then (and,
    should the cache be lost, a five-minute clock stands in for it), and so does the log."""
    from undersigned.campaigns.page_cache import page_version

    version = page_version(campaign.slug) or f"clock {int(time_module.time()) // 300}"
    latest = Checkpoint.objects.filter(campaign=campaign).order_by("-size").first()
    state = repr((version, campaign.names_hidden, latest.size if latest else 0))
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def letter_path(slug: str, size: int, fingerprint: str) -> Path:
    return letters_dir(slug) / f"{size}-{fingerprint}.pdf"


def write_letter(campaign: Campaign, checkpoint: Checkpoint, fingerprint: str) -> Path:
    """Build the letter as of `checkpoint` into its file, written aside then moved in place.
    Letters made before who may be named last changed are removed: none names a signer
    who has withdrawn or chosen not to be named since."""
    path = letter_path(campaign.slug, checkpoint.size, fingerprint)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob("*.pdf"):
        if not old.name.endswith(f"-{fingerprint}.pdf"):
            old.unlink(missing_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        # fpdf2 and fontTools weigh about 20 MB: loaded by the task worker when it draws
        # a letter, never by the app servers, which only serve the file.
        from undersigned.ledger.letter_pdf import build_letter

        with os.fdopen(descriptor, "wb") as out:
            out.write(build_letter(campaign, checkpoint))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


BUILDING_SECONDS = 600


def _building_key(campaign_id: int) -> str:
    return f"letter-building:{campaign_id}"


def request_letter(campaign: Campaign, size: int) -> bool:
    """Ask the task worker for a letter, unless one of this campaign's letters is being
    written already: however many checkpoints a client asks for, a campaign costs the
    worker one letter at a time. Whether it was asked."""
    try:
        if not cache.add(_building_key(campaign.pk), size, timeout=BUILDING_SECONDS):
            return False
    except Exception:  # without the cache, the worker is asked all the same
        log.warning("letter: the cache is unavailable")
    build_letter_task.enqueue(campaign.pk, size)
    return True


@task()
def build_letter_task(campaign_id: int, size: int) -> str:
    """The letter of one checkpoint, unless it is written already."""
    try:
        campaign = Campaign.objects.get(pk=campaign_id)
        checkpoint = Checkpoint.objects.get(campaign=campaign, size=size)
        fingerprint = names_fingerprint(campaign)
        path = letter_path(campaign.slug, size, fingerprint)
        if not path.exists():
            write_letter(campaign, checkpoint, fingerprint)
    finally:
        try:
            cache.delete(_building_key(campaign_id))
        except Exception:  # the key expires by itself
            log.warning("letter: the cache is unavailable")
    return str(path)
