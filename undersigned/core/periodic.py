"""How periodic jobs are run: each when its time comes, each under its own lock.

What runs and how often is the schedule, `undersigned.jobs.schedule`; `manage.py
run_periodic` runs it. Before each run the runner takes the job's lock (`job_lock`, a lease
in the database): while one runner holds it, any other runner skips that job until its next
time, so several runners, on one machine or several, never do a job's work twice. Some jobs
take a second lock inside, shared with other work (the count lock: the count job, the
public log, the reconciliation and the citable exports never move counts at once).
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

from undersigned.core.locks import LockBusy, job_lock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A job of the schedule: run every `setting` seconds (or `seconds` where no setting
    changes it), under the lock `lock` (`periodic:<name>` unless named), held for at most
    `lease` if its runner dies in it."""

    name: str
    run: Callable[[], object]
    setting: str | None = None
    seconds: float = 0.0
    lock: str = ""
    lease: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        if not self.lock:
            object.__setattr__(self, "lock", f"periodic:{self.name}")

    @property
    def every_seconds(self) -> float:
        return float(getattr(settings, self.setting)) if self.setting else self.seconds


class PeriodicRunner:
    """Runs the jobs it is given, each when its time comes."""

    def __init__(self, jobs: Iterable[PeriodicJob]) -> None:
        self.jobs = list(jobs)
        self.next_at: dict[str, float] = {job.name: 0.0 for job in self.jobs}

    def run_due(self, now: float | None = None) -> list[str]:
        """Run each job whose time has come; the names of those this runner ran (a job
        whose lock another runner holds is skipped until its next time)."""
        now = time.monotonic() if now is None else now
        ran = []
        for job in self.jobs:
            if now < self.next_at[job.name]:
                continue
            self.next_at[job.name] = now + job.every_seconds
            if run_locked(job):
                ran.append(job.name)
        return ran

    def seconds_to_next(self, now: float | None = None) -> float:
        """How long until the next job is due (0 when one is due now)."""
        now = time.monotonic() if now is None else now
        return max(0.0, min(self.next_at.values(), default=now) - now)


def run_locked(job: PeriodicJob) -> bool:
    """Run `job` once under its lock; False when another runner holds it."""
    try:
        with job_lock(job.lock, lease=job.lease):
            job.run()
    except LockBusy:
        return False
    except Exception:
        # A failed run is retried at its next time; the traceback holds no personal data.
        log.exception("periodic job %s failed", job.name)
    return True
