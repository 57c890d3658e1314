"""Announcements the system makes by itself when a campaign reaches a reveal threshold.

Staff hear of it through the bot (undersigned.jobs.counts tells them); once signers are
named at that threshold (at once for those in clear, when the reveal file is uploaded for
sealed ones), an update says so on the campaign page, in the feed and to every subscriber
(no subscription is linked to a signature, so the notice cannot go to those signers alone).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature, Tally
from undersigned.updates.actions import publish_update
from undersigned.updates.models import ThresholdNotice


def threshold_texts(campaign: Campaign, threshold: int) -> list[dict[str, str]]:
    languages = [campaign.original_language] + [
        code for code, _name in settings.LANGUAGES if code != campaign.original_language
    ]
    texts = []
    for language in languages:
        with translation.override(language):
            texts.append(
                {
                    "language": language,
                    "title": _("%(n)d verified signatories") % {"n": threshold},
                    "body": _(
                        "The campaign has reached %(n)d verified signatories. Signers who asked "
                        "to be named once %(n)d had signed are now named."
                    )
                    % {"n": threshold},
                }
            )
    return texts


def _note(threshold: int) -> str:
    return f"threshold {threshold}"


def announce_named(campaign: Campaign, threshold: int) -> bool:
    """Publish the update of a threshold once signers are actually named at it, once; True
    when it is published now. A sealed conditional signer is named only when a verifier
    uploads the reveal file, often well after the count reached the threshold."""
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        if AuditEvent.objects.filter(
            campaign=campaign, action="update.published", note=_note(threshold)
        ).exists():
            return False
        revealed = Signature.objects.filter(
            campaign=campaign,
            publication=Signature.CONDITIONAL,
            reveal_threshold=threshold,
            revealed_at__isnull=False,
        ).exists()
        if not revealed:
            return False
        publish_update(
            campaign, author=None, texts=threshold_texts(campaign, threshold), note=_note(threshold)
        )
    return True


def announce_named_signers(campaign: Campaign) -> int:
    """The update of each reached threshold at which signers are named by now and that
    was not announced yet; how many were published."""
    noticed = ThresholdNotice.objects.filter(campaign=campaign).values_list("threshold", flat=True)
    return sum(announce_named(campaign, threshold) for threshold in noticed)


def announce_threshold(campaign: Campaign, threshold: int) -> bool:
    """Record one reached threshold, once (False when it was recorded before); its public
    update follows as soon as signers are named at it."""
    try:
        with transaction.atomic():
            ThresholdNotice.objects.create(campaign=campaign, threshold=threshold)
    except IntegrityError:
        return False
    announce_named(campaign, threshold)
    return True


def announce_reached_thresholds(changed: set[int]) -> list[tuple[Campaign, int]]:
    """Announce every threshold newly reached by a campaign whose tallies moved; those
    announced now, as (campaign, threshold)."""
    announced_now = []
    for campaign in Campaign.objects.filter(id__in=changed):
        if not campaign.thresholds:
            continue
        verified = (
            Tally.objects.filter(campaign=campaign, key=Tally.ALL, state=Signature.VERIFIED)
            .values_list("n", flat=True)
            .first()
            or 0
        )
        reached = [t for t in campaign.thresholds if t <= verified]
        if not reached:
            continue
        announced = set(
            ThresholdNotice.objects.filter(campaign=campaign).values_list("threshold", flat=True)
        )
        for threshold in reached:
            if threshold not in announced and announce_threshold(campaign, threshold):
                announced_now.append((campaign, threshold))
        # Signers named since at an earlier threshold (a reveal file uploaded meanwhile).
        announce_named_signers(campaign)
    return announced_now
