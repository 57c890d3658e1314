"""Process-wide coordination: named locks that keep periodic jobs from overlapping."""

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.utils import timezone


class JobLock(models.Model):
    """A lease on a named job. Works the same on SQLite and PostgreSQL."""

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"lock {self.name} until {self.expires_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def acquire(cls, name: str, lease: timedelta) -> str | None:
        """Take the lease if it is free or expired; the holder token, or None when busy."""
        holder = uuid.uuid4().hex
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
            return None
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
