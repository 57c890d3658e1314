"""Changes to share channels and their counters.

Visits and signatures that carry the `?via=CODE` of an existing channel add a row to
a journal; a periodic job folds the journal into the channels' counters, so no
counter row is written per request.
"""

from collections import Counter
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign
from undersigned.core.locks import LockBusy, job_lock
from undersigned.sharing.models import ShareChannel, ShareHit, known_code

SHARE_FOLD_SECONDS = 30
FOLD_BATCH = 10000


def create_share_channel(campaign: Campaign, code: str, label: str, *, actor: Any) -> ShareChannel:
    """A new channel; raises ValidationError for a bad or taken code."""
    with transaction.atomic():
        channel = ShareChannel(campaign=campaign, code=code, label=label)
        channel.full_clean()
        channel.save()
        record("sharing.channel_created", channel, actor=actor, campaign=campaign, note=code)
    return channel


def _note(slug: str, via: str, kind: str) -> str:
    code = known_code(slug, via)  # a made-up code writes nothing
    if code:
        ShareHit.objects.create(campaign_slug=slug, code=code, kind=kind)
    return code


def note_visit(slug: str, via: str) -> str:
    """Count a visit that came through a share link; the clean code, or ""."""
    return _note(slug, via, ShareHit.VISIT)


def note_signature(slug: str, via: str) -> str:
    """Count a completed signature whose form came through a share link."""
    return _note(slug, via, ShareHit.SIGNED)


def fold_share_hits() -> int:
    """Fold pending hits into the channels' counters; the hits folded. Unknown codes are dropped."""
    folded = 0
    try:
        with job_lock("share_counts", lease=timedelta(minutes=2)):
            while True:
                with transaction.atomic():
                    hits = list(ShareHit.objects.order_by("id")[:FOLD_BATCH])
                    if not hits:
                        return folded
                    tally: Counter[tuple[str, str, str]] = Counter(
                        (hit.campaign_slug, hit.code, hit.kind) for hit in hits
                    )
                    for (slug, code, kind), n in sorted(tally.items()):
                        field = "visits" if kind == ShareHit.VISIT else "signatures"
                        ShareChannel.objects.filter(campaign__slug=slug, code=code).update(
                            **{field: F(field) + n}
                        )
                    ShareHit.objects.filter(id__lte=hits[-1].id).delete()
                    folded += len(hits)
    except LockBusy:
        return folded
