from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from undersigned.core.locks import LockBusy, job_lock
from undersigned.core.models import JobLock


@pytest.mark.django_db
def test_lock_excludes_a_second_holder_and_is_released() -> None:
    with job_lock("job"), pytest.raises(LockBusy), job_lock("job"):
        pass
    with job_lock("job"):
        pass


@pytest.mark.django_db
def test_expired_lease_can_be_taken_over() -> None:
    holder = JobLock.acquire("job", timedelta(minutes=5))
    assert holder
    JobLock.objects.filter(name="job").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert JobLock.acquire("job", timedelta(minutes=5)) not in (None, holder)


@pytest.mark.django_db
def test_released_lock_of_another_holder_is_not_released() -> None:
    holder = JobLock.acquire("job", timedelta(minutes=5))
    JobLock.release("job", "someone-else")
    assert JobLock.acquire("job", timedelta(minutes=5)) is None
    JobLock.release("job", holder or "")


@pytest.mark.django_db
def test_a_lease_not_given_back_during_an_outage_is_given_back_next_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database was unreachable when the job ended: the lease stays taken in it, and
    this process gives it back before it takes the lock again, without waiting it out."""
    release = JobLock.release

    def unreachable(name: str, holder: str) -> None:
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(JobLock, "release", unreachable)
    with job_lock("job"):
        pass
    assert JobLock.objects.get(name="job").expires_at > timezone.now()  # still taken
    with pytest.raises(LockBusy), job_lock("job"):  # and given back only once reachable
        pass
    monkeypatch.setattr(JobLock, "release", release)
    with job_lock("job"):
        pass
    assert JobLock.objects.get(name="job").expires_at <= timezone.now()


@pytest.mark.django_db
def test_another_process_lease_is_never_given_back_for_it() -> None:
    other = JobLock.acquire("job", timedelta(minutes=5))
    assert other
    with pytest.raises(LockBusy), job_lock("job"):
        pass
    assert JobLock.objects.get(name="job").holder == other
