"""The count job, and everything that follows when it moves the tallies, in order.

Every COUNT_INTERVAL_SECONDS (`manage.py run_periodic`) the count job folds the pending
count changes into the tallies and names the conditional signers whose threshold was
reached (undersigned.signatures.counts). `after_counts_moved` is what happens next.
"""

from undersigned.bot import notify
from undersigned.campaigns import page_cache
from undersigned.ledger import actions as ledger
from undersigned.signatures import counts
from undersigned.updates import notices


def run_count_job() -> set[int]:
    """Run the count job once; the ids of the campaigns whose tallies moved."""
    changed = counts.refresh_counts()
    after_counts_moved(changed)
    return changed


def after_counts_moved(changed: set[int]) -> None:
    """What follows a move of the tallies of the campaigns `changed`, in order."""
    # 1. The public pages showing those counts are made again: readers see the new
    #    counts first, before any slower step below.
    page_cache.counts_moved(changed)
    # 2. The public log catches up with what the counts now include.
    ledger.append_pending()
    # 3. Each reveal threshold newly reached is announced on the campaign's page, in its
    #    feed and to its subscribers...
    for campaign, threshold in notices.announce_reached_thresholds(changed):
        # ...and to its staff through the bot.
        notify.notify_threshold_reached(campaign, threshold)
    # 4. Staff with a linked chat hear how many signatures wait for them.
    notify.notify_signatures_waiting(changed)
