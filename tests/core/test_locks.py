from datetime import timedelta

import pytest
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
