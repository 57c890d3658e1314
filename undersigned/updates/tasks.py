"""Jobs that send updates: one per update to fan out, one per delivery to send.

Sending is idempotent: a delivery is claimed with a conditional UPDATE before it
is sent and is never sent again once marked sent. Temporary failures are retried
by the periodic `retry_due_deliveries` job, with a growing delay.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from undersigned.updates import actions
from undersigned.updates.delivery import DeliveryError, deliver
from undersigned.updates.models import Delivery

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=15)
# Deliveries never attempted are enqueued when created; the sweep picks them up only
# if that enqueue was lost, after this long.
LOST_ENQUEUE = timedelta(minutes=5)


@task()
def send_update_task(update_id: int) -> int:
    """Fan an update out to every subscriber of its campaign; how many deliveries were queued."""
    from undersigned.updates.models import Update

    update = Update.objects.filter(pk=update_id).first()
    if update is None:
        return 0
    pending = actions.create_deliveries(update)
    for delivery_id in pending:
        deliver_task.enqueue(delivery_id)
    return len(pending)


@task()
def deliver_task(delivery_id: int) -> str:
    """Send one delivery if it is still pending; its state afterwards."""
    if not Delivery.claim(delivery_id, timezone.now()):
        return "skipped"
    delivery = Delivery.objects.select_related("update__campaign", "subscription").get(
        pk=delivery_id
    )
    try:
        deliver(delivery.update, delivery.subscription)
    except DeliveryError as error:
        log.warning(
            "delivery %s failed (%s, %s)",
            delivery_id,
            error.code,
            "temporary" if error.temporary else "permanent",
        )
        delivery = actions.finish_delivery(delivery_id, error=error.code, temporary=error.temporary)
    else:
        delivery = actions.finish_delivery(delivery_id)
    return delivery.state


def retry_due_deliveries() -> int:
    """Queue again the deliveries whose retry time has come; how many."""
    actions.release_stale_claims(STALE_CLAIM)
    now = timezone.now()
    due = (
        Delivery.objects.filter(state=Delivery.PENDING, next_attempt_at__lte=now)
        .exclude(attempts=0, next_attempt_at__gt=now - LOST_ENQUEUE)
        .values_list("id", flat=True)[:1000]
    )
    ids = list(due)
    for delivery_id in ids:
        deliver_task.enqueue(delivery_id)
    return len(ids)
