"""`with job_lock("counts"):` runs a block only where no other process runs it."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from undersigned.core.models import JobLock


class LockBusy(Exception):
    pass


@contextmanager
def job_lock(name: str, lease: timedelta = timedelta(minutes=5)) -> Iterator[None]:
    holder = JobLock.acquire(name, lease)
    if holder is None:
        raise LockBusy(name)
    try:
        yield
    finally:
        JobLock.release(name, holder)
