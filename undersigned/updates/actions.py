"""Publishing updates, subscribing and unsubscribing, and recording each delivery's outcome."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import hash_token
from undersigned.updates.models import (
    Delivery,
    Subscription,
    Update,
    UpdateText,
    unsubscribe_token,
)


def publish_update(
    campaign: Campaign, *, author: Any, texts: list[dict[str, str]], note: str = ""
) -> Update:
    """An update with its texts (the first is the original), sent to subscribers once committed."""
    from undersigned.campaigns.page_cache import invalidate_campaign
    from undersigned.updates.tasks import send_update_task

    if not texts:
        raise ValueError("an update needs at least one text")
    with transaction.atomic():
        update = Update.objects.create(campaign=campaign, author=author)
        for index, text in enumerate(texts):
            UpdateText.objects.create(
                update=update,
                language=text["language"],
                is_original=index == 0,
                title=text["title"],
                body=text["body"],
            )
        record("update.published", update, actor=author, campaign=campaign, note=note)
        transaction.on_commit(lambda: invalidate_campaign(campaign))
        transaction.on_commit(lambda: send_update_task.enqueue(update.pk))
    return update


def _subscribe(campaign: Campaign, language: str, **address: Any) -> Subscription:
    lookup = {"campaign": campaign, **address}
    with transaction.atomic():
        existing = Subscription.objects.filter(**lookup).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(language=language, **lookup)
        except IntegrityError:  # the same address subscribed at the same moment
            return Subscription.objects.get(**lookup)
        subscription.unsubscribe_hash = hash_token(unsubscribe_token(subscription.pk))
        subscription.save(update_fields=["unsubscribe_hash"])
        record(
            "subscription.created",
            subscription,
            actor_kind=AuditEvent.ACTOR_SIGNER,
            campaign=campaign,
            note=subscription.channel,
        )
    return subscription


def subscribe_email(campaign: Campaign, email: str, language: str) -> Subscription:
    return _subscribe(campaign, language, channel=Subscription.EMAIL, email=email.strip().lower())


def subscribe_telegram(campaign: Campaign, chat_id: int, language: str) -> Subscription:
    return _subscribe(campaign, language, channel=Subscription.TELEGRAM, telegram_chat_id=chat_id)


def unsubscribe(subscription: Subscription) -> None:
    """The subscriber asks to hear no more: the address is deleted, with its deliveries."""
    with transaction.atomic():
        record(
            "subscription.deleted",
            subscription,
            actor_kind=AuditEvent.ACTOR_SIGNER,
            campaign=subscription.campaign,
            note=subscription.channel,
        )
        subscription.delete()


def unsubscribe_telegram_chat(chat_id: int) -> int:
    """Every subscription of one Telegram chat deleted; how many there were."""
    removed = 0
    for subscription in Subscription.objects.filter(
        channel=Subscription.TELEGRAM, telegram_chat_id=chat_id
    ).select_related("campaign"):
        unsubscribe(subscription)
        removed += 1
    return removed


def purge_subscriptions(campaign: Campaign) -> int:
    """Delete every subscriber address of a campaign (on archiving, by the retention rules)."""
    with transaction.atomic():
        removed, _ = Subscription.objects.filter(campaign=campaign).delete()
        record("campaign.subscriptions_purged", campaign, campaign=campaign, note=str(removed))
    return removed


def purge_finished_campaigns() -> int:
    """Subscriber addresses of archived campaigns, and of those past retention, deleted."""
    from undersigned.signatures.retention import campaigns_due

    finished = {c.pk for c in campaigns_due()} | set(
        Campaign.objects.filter(state=Campaign.ARCHIVED).values_list("pk", flat=True)
    )
    removed = 0
    subscribed = Campaign.objects.filter(pk__in=finished, subscriptions__isnull=False)
    for campaign in subscribed.distinct():
        removed += purge_subscriptions(campaign)
    return removed


def create_deliveries(update: Update) -> list[int]:
    """One delivery per current subscriber of the update's campaign; the ids of those pending."""
    with transaction.atomic():
        subscriptions = Subscription.objects.filter(campaign_id=update.campaign_id).values_list(
            "id", flat=True
        )
        Delivery.objects.bulk_create(
            [Delivery(update=update, subscription_id=sid) for sid in subscriptions],
            ignore_conflicts=True,
        )
    return list(
        Delivery.objects.filter(update=update, state=Delivery.PENDING).values_list("id", flat=True)
    )


def backoff_for(attempts: int) -> timedelta:
    """1, 4, 16, 64… minutes after the first, second, third… failed attempt."""
    return timedelta(minutes=4 ** max(attempts - 1, 0))


def finish_delivery(delivery_id: int, *, error: str = "", temporary: bool = False) -> Delivery:
    """Record how an attempt ended: sent, to be retried, or failed for good."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        if not error:
            delivery.sent()
        elif temporary and delivery.attempts < settings.UPDATES_MAX_ATTEMPTS:
            delivery.retry_later(error, backoff_for(delivery.attempts))
        else:
            delivery.failed(error)
        delivery.save(update_fields=["state", "sent_at", "last_error", "next_attempt_at"])
    return delivery


def release_stale_claims(older_than: timedelta) -> int:
    """Deliveries claimed by a worker that never finished: pending again."""
    released = 0
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        for delivery in Delivery.objects.select_for_update().filter(
            state=Delivery.SENDING, claimed_at__lt=cutoff
        ):
            delivery.release_stale()
            delivery.save(update_fields=["state", "claimed_at"])
            released += 1
    return released
