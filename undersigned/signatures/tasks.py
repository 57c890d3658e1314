"""Background work on signatures, and the hooks other apps attach to signing and counting.

Hooks are registered in the apps' `ready()`: `ON_RECEIVED` receives a signature
just committed (as committed), `ON_COUNTS_CHANGED` the ids of campaigns whose tallies
the count job just moved, `ON_REVEALED` the ids of conditional signers just named
together (once their transaction commits), to tell each through their own channel.
"""

from collections.abc import Callable

from django_tasks import task

from undersigned.signatures import counts
from undersigned.signatures.models import Signature

ON_RECEIVED: list[Callable[[Signature], None]] = []
ON_COUNTS_CHANGED: list[Callable[[set[int]], None]] = []
ON_REVEALED: list[Callable[[list[int]], None]] = []


@task()
def refresh_counts_task() -> int:
    return len(counts.refresh_counts())


@task()
def reconcile_counts_task() -> int:
    return counts.reconcile_all()
