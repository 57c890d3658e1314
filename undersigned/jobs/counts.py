"""The count job, the reconciliation, and everything that follows when either moves the
tallies, in order.

Every COUNT_INTERVAL_SECONDS the count job folds the pending count changes into the tallies
(undersigned.signatures.counts); every hour the reconciliation recounts every campaign from
its signatures and corrects the tallies that drifted. `after_counts_moved` is what happens
next, whichever of the two moved them. The schedule is undersigned.jobs.schedule.
"""

from undersigned.bot import notify
from undersigned.campaigns import page_cache
from undersigned.campaigns.models import Campaign
from undersigned.ledger import actions as ledger
from undersigned.signatures import counts
from undersigned.signatures.actions import reveal_conditional_signers
from undersigned.updates import notices
from undersigned.web import published


def run_count_job() -> set[int]:
    """Run the count job once; the ids of the campaigns whose tallies moved."""
    changed = counts.refresh_counts()
    after_counts_moved(changed)
    return changed


def run_reconciliation() -> set[int]:
    """Reconcile every campaign's tallies; the ids of the campaigns corrected, after which
    the same steps follow as after the count job."""
    corrected = counts.reconcile_all()
    after_counts_moved(corrected)
    return corrected


def after_counts_moved(changed: set[int]) -> None:
    """What follows a move of the tallies of the campaigns `changed`, in order."""
    # 1. The conditional signers whose threshold the verified count has reached are named,
    #    all of a threshold together.
    for campaign in Campaign.objects.filter(id__in=changed).order_by("id"):
        if campaign.thresholds:
            reveal_conditional_signers(campaign, counts.verified_count(campaign.pk))
    # 2. The public pages showing those counts are made again: readers see the new
    #    counts and names first, before any slower step below.
    page_cache.counts_moved(changed)
    #    So are the files nginx sends without asking the app.
    published.publish()
    # 3. The public log catches up with what the counts now include, the reveals too; the
    #    files then name the checkpoints it signed.
    if ledger.append_pending():
        published.publish()
    # 4. Each reveal threshold newly reached is announced on the campaign's page, in its
    #    feed and to its subscribers...
    for campaign, threshold in notices.announce_reached_thresholds(changed):
        # ...and to its staff through the bot.
        notify.notify_threshold_reached(campaign, threshold)
    # 5. Staff with a linked chat hear how many signatures wait for them.
    notify.notify_signatures_waiting(changed)
