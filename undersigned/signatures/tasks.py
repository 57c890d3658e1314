"""Background work on signatures."""

from django_tasks import task

from undersigned.signatures import counts


@task()
def reconcile_counts_task() -> int:
    return counts.reconcile_all()
