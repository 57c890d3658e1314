"""Periodic jobs: what runs, how often. `manage.py run_periodic` runs them.

Each job takes its own lock, so several runners never overlap.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[], object]
    next_at: float = field(default=0.0)


JOBS: list[PeriodicJob] = []


def register(name: str, every_seconds: float, run: Callable[[], object]) -> None:
    JOBS[:] = [job for job in JOBS if job.name != name]
    JOBS.append(PeriodicJob(name, every_seconds, run))


def run_due(now: float | None = None) -> list[str]:
    """Run each job whose time has come; the names of those that ran."""
    now = time.monotonic() if now is None else now
    ran = []
    for job in JOBS:
        if now < job.next_at:
            continue
        job.next_at = now + job.every_seconds
        try:
            job.run()
        except Exception:
            # A failed run is retried at its next time; the traceback holds no personal data.
            log.exception("periodic job %s failed", job.name)
        ran.append(job.name)
    return ran
