"""Routes the public side's reads to a read replica, when one is configured.

Only code run inside `public_reads()` (the cached public pages and the count JSON)
reads from the "replica" alias: a signer's own receipt and every write stay on the
primary, so replication lag never hides a signature from the person who made it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

REPLICA = "replica"
_public_reads: ContextVar[bool] = ContextVar("public_reads", default=False)


@contextmanager
def public_reads() -> Iterator[None]:
    reset = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(reset)


class PublicReadRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _public_reads.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
