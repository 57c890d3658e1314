"""Process-wide coordination: named locks that keep periodic jobs from overlapping."""

import hashlib
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.db import IntegrityError, models, transaction
from django.utils import timezone


def _process_space() -> str:
    """Names this running kernel and PID namespace: where a process ID means one process
    (empty where that cannot be told)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""
    return hashlib.sha256(f"{boot} {namespace}".encode()).hexdigest()[:12]


PROCESS_SPACE = _process_space()


def _has_exited(holder: str) -> bool:
    """Whether the lease's holder was a process of this process space that has exited."""
    space, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if not PROCESS_SPACE or space != PROCESS_SPACE or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class JobLock(models.Model):
    """A lease on a named job. Works the same on SQLite and PostgreSQL."""

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"lock {self.name} until {self.expires_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def acquire(cls, name: str, lease: timedelta) -> str | None:
        """Take the lease if it is free or expired, or if its holder was a process on this
        machine that has exited (killed mid-run); the holder token, or None when busy."""
        holder = f"{PROCESS_SPACE}:{os.getpid()}:{uuid.uuid4().hex[:16]}"
        now = timezone.now()
        taken = cls.objects.filter(name=name, expires_at__lt=now).update(
            holder=holder, expires_at=now + lease
        )
        if taken:
            return holder
        try:
            with transaction.atomic():
                cls.objects.create(name=name, holder=holder, expires_at=now + lease)
        except IntegrityError:
            current = cls.objects.filter(name=name).values_list("holder", flat=True).first()
            if current is None or not _has_exited(current):
                return None
            taken = cls.objects.filter(name=name, holder=current).update(
                holder=holder, expires_at=now + lease
            )
            return holder if taken else None
        return holder

    @classmethod
    def release(cls, name: str, holder: str) -> None:
        cls.objects.filter(name=name, holder=holder).update(expires_at=timezone.now())


class JobRun(models.Model):
    """When a periodic job last finished a run: the freshness the public pages state."""

    name = models.CharField(max_length=64, primary_key=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} last ran {self.started_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def finished(cls, name: str, started_at: datetime) -> None:
        cls.objects.update_or_create(
            name=name, defaults={"started_at": started_at, "finished_at": timezone.now()}
        )

    @classmethod
    def last_started(cls, name: str) -> datetime | None:
        run = cls.objects.filter(name=name).first()
        return run.started_at if run else None
