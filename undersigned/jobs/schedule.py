"""Every periodic job: what runs, how often, and under which lock. `manage.py run_periodic`
runs this schedule; undersigned.core.periodic runs each job under its lock, named
`periodic:<job>` unless said below, so that a job one runner is in, another skips.

| job | every | setting | lock | lock taken inside |
| --- | --- | --- | --- | --- |
| counts | 1 s | COUNT_INTERVAL_SECONDS | periodic:counts | counts |
| reconcile | 1 hour | | periodic:counts | counts |
| ledger | 5 s | LEDGER_INTERVAL_SECONDS | | counts |
| share_counts | 30 s | | | share_counts |
| exports | 5 min | EXPORT_SECONDS | | exports (in its own process) |
| updates.subscription_requests | 15 min | UPDATES_REQUEST_SECONDS | | |
| updates.retry_deliveries | 1 min | | | |
| updates.purge_subscriptions | 1 hour | | | |
| forget-client-hashes | 1 min | | | |
| retention | 1 hour | | | retention |
| bot.forget_conversations | 1 hour | | | |

The count job and the reconciliation share one lock: both move the tallies, both are
followed by the same steps (undersigned.jobs.counts.after_counts_moved), and those never
run twice at once. The lock inside, `counts`, is also taken by `check_counts` and the
citable static export, so that nothing moves the counts while they read them.
"""

from datetime import timedelta

from undersigned.bot import notify
from undersigned.core.periodic import PeriodicJob
from undersigned.jobs import counts
from undersigned.ledger import actions as ledger
from undersigned.sharing import actions as sharing
from undersigned.signatures import retention
from undersigned.updates import actions as updates
from undersigned.updates import tasks as update_tasks
from undersigned.web import exports

HOUR = 3600.0

SCHEDULE: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "counts",
        counts.run_count_job,
        setting="COUNT_INTERVAL_SECONDS",
        lock="periodic:counts",
        lease=timedelta(minutes=2),
    ),
    PeriodicJob(
        "reconcile",
        counts.run_reconciliation,
        seconds=HOUR,
        lock="periodic:counts",
        lease=timedelta(minutes=30),
    ),
    PeriodicJob(
        "ledger",
        ledger.append_pending,
        setting="LEDGER_INTERVAL_SECONDS",
        lease=timedelta(minutes=5),
    ),
    PeriodicJob(
        "share_counts",
        sharing.fold_share_hits,
        seconds=sharing.SHARE_FOLD_SECONDS,
        lease=timedelta(minutes=2),
    ),
    # Starts the export process (EXPORT_IN_BACKGROUND), which takes the `exports` lock.
    PeriodicJob("exports", exports.start_exports, setting="EXPORT_SECONDS"),
    # Apart from signing, on its own schedule: a subscription's time says nothing of a
    # signature's.
    PeriodicJob(
        "updates.subscription_requests",
        updates.handle_subscription_requests,
        setting="UPDATES_REQUEST_SECONDS",
    ),
    PeriodicJob("updates.retry_deliveries", update_tasks.retry_due_deliveries, seconds=60),
    PeriodicJob("updates.purge_subscriptions", updates.purge_finished_campaigns, seconds=HOUR),
    PeriodicJob("forget-client-hashes", retention.forget_client_hashes, seconds=60),
    PeriodicJob("retention", retention.apply_retention, seconds=HOUR),
    PeriodicJob("bot.forget_conversations", notify.forget_stale_conversations, seconds=HOUR),
)
