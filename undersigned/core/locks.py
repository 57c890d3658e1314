"""`with job_lock("counts"):` runs a block only where no other process runs it.

A lease this process could not give back, because the database was unreachable when
the block ended (PostgreSQL restarting under a count run), is given back before this
process next takes a lock: the job resumes as soon as the database does, instead of
waiting for the lease to run out. A lease whose holder was killed on this machine is
taken over at once (`JobLock.acquire`).
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import DatabaseError

from undersigned.core.models import JobLock

log = logging.getLogger(__name__)


class LockBusy(Exception):
    pass


_unreleased: dict[str, str] = {}  # lock name -> this process's holder token
_unreleased_guard = threading.Lock()


def _release(name: str, holder: str) -> bool:
    try:
        JobLock.release(name, holder)
    except DatabaseError as error:
        log.warning("could not give back the lease on %s (%s)", name, type(error).__name__)
        return False
    return True


def _give_back_unreleased() -> None:
    with _unreleased_guard:
        for name, holder in list(_unreleased.items()):
            if _release(name, holder):
                del _unreleased[name]


@contextmanager
def job_lock(
    name: str, lease: timedelta = timedelta(minutes=5), *, wait: float = 0.0
) -> Iterator[None]:
    """Hold the lock `name` for the block; LockBusy if another process holds it for more
    than `wait` seconds (a command a person runs waits out a periodic job's short run)."""
    _give_back_unreleased()
    deadline = time.monotonic() + wait
    holder = JobLock.acquire(name, lease)
    while holder is None and time.monotonic() < deadline:
        time.sleep(0.2)
        holder = JobLock.acquire(name, lease)
    if holder is None:
        raise LockBusy(name)
    try:
        yield
    finally:
        if not _release(name, holder):
            with _unreleased_guard:
                _unreleased[name] = holder
