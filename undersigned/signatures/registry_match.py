"""Background matching of incoming signatures against the registry of officials.

`sign` queues it for each signature of a campaign for officials, once committed. The
queue's row names the signature and times it to the microsecond: it is removed as soon
as the task is done, whatever its outcome.
"""

from typing import Any

from django.dispatch import receiver
from django_tasks import TaskResult, task
from django_tasks.signals import task_finished
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from undersigned.campaigns.models import Campaign, TransitionError
from undersigned.officials.claims import Claims
from undersigned.officials.matching import AUTO, NONE, decide, find_candidates
from undersigned.signatures.models import Signature

SKIPPED = "skipped"
TAKEN = "taken"


def needs_matching(signature_id: int) -> bool:
    """A signature still waiting, not merged, of a campaign for officials."""
    return Signature.objects.filter(
        pk=signature_id,
        state=Signature.RECEIVED,
        merged_into__isnull=True,
        campaign__eligibility=Campaign.ELIGIBLE_OFFICIALS,
    ).exists()


def match_received_signature(signature_id: int) -> str:
    """Match one received signature: auto-match a clear candidate, else leave it for review.

    Returns the decision: "auto", "review", "none", "taken" (the official already
    stands behind another signature of the campaign: a person looks at both) or
    "skipped" (the signature no longer waits for matching).
    """
    from undersigned.signatures.actions import match_signature

    if not needs_matching(signature_id):
        return SKIPPED
    signature = Signature.objects.select_related("campaign").get(pk=signature_id)
    claims = Claims(
        full_name=signature.full_name,
        office=signature.office,
        body=signature.body,
        municipality=signature.municipality,
        region=signature.region,
        region_code=signature.region_code,
    )
    candidates = find_candidates(claims, source=signature.campaign.registry_source or None, limit=2)
    decision, best = decide(candidates)
    if decision != AUTO or best is None:
        return decision if best is not None else NONE
    already_signed = (
        Signature.objects.filter(
            campaign_id=signature.campaign_id,
            official_id=best.official_id,
            state__in=Signature.ACTIVE_STATES,
            merged_into__isnull=True,
        )
        .exclude(pk=signature.pk)
        .exists()
    )
    if already_signed:
        return TAKEN
    try:
        match_signature(signature, best.official_id, best.score)
    except TransitionError:  # decided by a verifier meanwhile
        return SKIPPED
    return AUTO


@task()
def match_signature_task(signature_id: int) -> str:
    return match_received_signature(signature_id)


def enqueue_matching(signature: Signature) -> None:
    """Queue matching for a signature of a campaign for officials, just committed.

    Decided on the signature as committed; the task checks again when it runs."""
    if (
        signature.state == Signature.RECEIVED
        and signature.merged_into_id is None
        and signature.campaign.eligibility == Campaign.ELIGIBLE_OFFICIALS
    ):
        match_signature_task.enqueue(signature.pk)


@receiver(task_finished)
def forget_finished_matching(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    """A finished matching task leaves no row in the task queue."""
    # The worker sends its backend, or the backend's class when the task failed.
    backend = sender if isinstance(sender, type) else type(sender)
    if (
        issubclass(backend, DatabaseBackend)
        and task_result.task.module_path == match_signature_task.module_path
    ):
        DBTaskResult.objects.filter(pk=task_result.id).delete()
