"""Routes the public side's reads to a read replica, when one is configured.

Only code run inside `public_reads()` (the cached public pages and the count JSON)
reads from the "replica" alias: a signer's own receipt and every write stay on the
primary, so replication lag never hides a signature from the person who made it.
If the replica cannot be reached, `render_public` reads from the primary instead and
leaves the replica alone for `REPLICA_RETRY_SECONDS`: pages go on being served.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

REPLICA = "replica"
REPLICA_RETRY_SECONDS = 10.0
_public_reads: ContextVar[bool] = ContextVar("public_reads", default=False)
_replica_down_until = 0.0
log = logging.getLogger(__name__)
Result = TypeVar("Result")


def render_public(render: Callable[[], Result]) -> Result:
    """`render()` with its reads on the replica, or on the primary while the replica is away."""
    global _replica_down_until
    if REPLICA not in settings.DATABASES or time.monotonic() < _replica_down_until:
        return render()
    try:
        with public_reads():
            return render()
    except (OperationalError, InterfaceError) as error:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        log.warning("read replica unavailable (%s): reading from the primary", type(error).__name__)
        connections[REPLICA].close()
    return render()


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
