import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from undersigned.core.locks import LockBusy, job_lock
from undersigned.core.models import PROCESS_SPACE, JobLock


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


def _lease_held_by(pid: int, space: str = PROCESS_SPACE) -> None:
    JobLock.objects.create(
        name="job",
        holder=f"{space}:{pid}:0123456789abcdef",
        expires_at=timezone.now() + timedelta(minutes=2),
    )


@pytest.mark.django_db
def test_a_lease_of_a_process_that_died_on_this_machine_is_taken_at_once() -> None:
    """A job killed mid-run (kill -9) left its lease: the next runner need not wait it out."""
    assert PROCESS_SPACE, "Linux's /proc names the boot and the PID namespace"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _lease_held_by(dead.pid)
    with job_lock("job"):
        assert JobLock.objects.get(name="job").holder.split(":")[1] == str(os.getpid())


@pytest.mark.django_db
def test_a_lease_of_a_living_process_or_of_another_machine_is_respected() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as living:
        try:
            _lease_held_by(living.pid)
            with pytest.raises(LockBusy), job_lock("job"):
                pass
        finally:
            living.kill()
    JobLock.objects.all().delete()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _lease_held_by(dead.pid, space="elsewhere00")  # that machine's process IDs mean nothing here
    with pytest.raises(LockBusy), job_lock("job"):
        pass


@pytest.mark.django_db
def test_where_processes_cannot_be_told_apart_a_lease_is_waited_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _lease_held_by(dead.pid, space="")
    monkeypatch.setattr("undersigned.core.models.PROCESS_SPACE", "")
    with pytest.raises(LockBusy), job_lock("job"):
        pass


@pytest.mark.django_db
def test_a_command_may_wait_out_a_short_hold() -> None:
    assert JobLock.acquire("counts", timedelta(milliseconds=600)) is not None  # a count run
    with pytest.raises(LockBusy), job_lock("counts"):
        pass
    entered = []
    with job_lock("counts", wait=30):  # the hold ends; the waiting command goes on
        entered.append(True)
    assert entered
