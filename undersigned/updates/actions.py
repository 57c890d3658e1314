"""Publishing updates, subscribing and unsubscribing, and recording each delivery's outcome."""

import json
import logging
import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign
from undersigned.core.locks import LockBusy, job_lock
from undersigned.signatures.models import hash_token
from undersigned.updates.models import (
    Delivery,
    Subscription,
    SubscriptionRequest,
    TelegramUpdateMessage,
    Update,
    UpdateText,
    telegram_chat_key,
    unsubscribe_token,
)

log = logging.getLogger(__name__)
REQUEST_FIELDS = {"channel", "email", "telegram_chat_id", "language"}


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


# Requests given with signatures wait here, in Redis, until the subscription job writes
# them to the database in one batch: on PostgreSQL a row written just after a signature
# would carry the next transaction id (xmin), linking the address to the signature.
REQUEST_QUEUE = "subscription-requests"
REQUEST_BATCH = 1000


def _shared_queue() -> Any:
    """The Redis client that holds queued requests, or None without Redis (then a request
    is written at once: on SQLite, the embedded default, rows carry no transaction id)."""
    if not str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache"):
        return None
    return cache._cache.get_client(write=True)  # type: ignore[attr-defined]


def _request(campaign: Campaign, **fields: Any) -> None:
    client = _shared_queue()
    if client is not None:
        try:
            client.rpush(
                cache.make_key(REQUEST_QUEUE), json.dumps({"campaign": campaign.pk, **fields})
            )
            return
        except RedisError as error:
            log.warning("subscription request written at once: Redis failed (%s)", error)
    SubscriptionRequest.objects.create(campaign=campaign, **fields)


def request_email_subscription(campaign: Campaign, email: str, language: str) -> None:
    """An address given with a signature: the subscription job writes to it later."""
    _request(campaign, channel=Subscription.EMAIL, email=email.strip().lower(), language=language)


def request_telegram_subscription(campaign: Campaign, chat_id: int, language: str) -> None:
    _request(campaign, channel=Subscription.TELEGRAM, telegram_chat_id=chat_id, language=language)


def _write_queued_if_possible() -> None:
    try:
        write_queued_requests()
    except LockBusy:
        pass  # another runner is writing them
    except RedisError as error:  # they wait in Redis for the next run
        log.warning("queued subscription requests not written: Redis failed (%s)", error)


def write_queued_requests() -> int:
    """Move the requests waiting in Redis into the database: in random order, in one
    transaction per batch, after the job's lock is taken (a transaction of its own), so
    that no request's transaction id is next to a signature's. The number written."""
    client = _shared_queue()
    if client is None:
        return 0
    key = cache.make_key(REQUEST_QUEUE)
    written = 0
    with job_lock(REQUEST_QUEUE):
        while True:
            queued = client.lrange(key, 0, REQUEST_BATCH - 1)
            if not queued:
                return written
            requests = [json.loads(item) for item in queued]
            random.SystemRandom().shuffle(requests)
            # An archived campaign's addresses are not kept (purge_subscriptions).
            known = set(
                Campaign.objects.filter(pk__in={r["campaign"] for r in requests})
                .exclude(state=Campaign.ARCHIVED)
                .values_list("pk", flat=True)
            )
            with transaction.atomic():
                SubscriptionRequest.objects.bulk_create(
                    SubscriptionRequest(
                        campaign_id=r.pop("campaign"),
                        **{k: v for k, v in r.items() if k in REQUEST_FIELDS},
                    )
                    for r in requests
                    if r["campaign"] in known
                )
            client.ltrim(key, len(queued), -1)
            written += len(queued)


def _subscribe(campaign: Campaign, language: str, **address: Any) -> Subscription:
    """A confirmed subscription. No audit row: its time next to a signature's would link them."""
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
    return subscription


def subscribe_email(campaign: Campaign, email: str, language: str) -> Subscription:
    return _subscribe(campaign, language, channel=Subscription.EMAIL, email=email.strip().lower())


def subscribe_telegram(campaign: Campaign, chat_id: int, language: str) -> Subscription:
    return _subscribe(campaign, language, channel=Subscription.TELEGRAM, telegram_chat_id=chat_id)


def unsubscribe(subscription: Subscription) -> None:
    """The subscriber asks to hear no more: the address is deleted, with its deliveries."""
    subscription.delete()


def unsubscribe_telegram_chat(chat_id: int) -> int:
    """Every subscription of one Telegram chat deleted, and its requests still waiting for
    the subscription job; how many subscriptions there were."""
    _write_queued_if_possible()  # queued ones first join those in the database
    SubscriptionRequest.objects.filter(
        channel=Subscription.TELEGRAM, telegram_chat_id=chat_id
    ).delete()
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
        SubscriptionRequest.objects.filter(campaign=campaign).delete()
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


CONFIRM_SALT = "undersigned.updates.confirm"


def confirmation_token(request: SubscriptionRequest) -> str:
    """The secret of a confirmation link: the campaign, address and language, signed with
    the site's key, so that nothing waits on the server between the e-mail and the click."""
    return signing.dumps(
        {"c": request.campaign_id, "e": request.email, "l": request.language},
        salt=CONFIRM_SALT,
        compress=True,
    )


def read_confirmation(token: str) -> tuple[Campaign, str, str] | None:
    """(campaign, e-mail, language) of a confirmation link still valid; None otherwise."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=timedelta(days=settings.UPDATES_CONFIRM_DAYS)
        )
    except signing.BadSignature:
        return None
    campaign = Campaign.objects.filter(pk=data.get("c")).first()
    if campaign is None or not isinstance(data.get("e"), str):
        return None
    return campaign, data["e"], str(data.get("l") or campaign.original_language)


def handle_subscription_requests(send: Any = None) -> int:
    """The subscription job: subscribe waiting Telegram chats, send each waiting e-mail
    address its confirmation link; requests are taken in random order and deleted once
    handled (a temporary mail failure keeps one for the next run, a few times)."""
    from undersigned.updates.delivery import DeliveryError, send_confirmation

    send = send or send_confirmation
    _write_queued_if_possible()
    ids = list(SubscriptionRequest.objects.values_list("id", flat=True)[:1000])
    random.SystemRandom().shuffle(ids)
    handled = 0
    for request_id in ids:
        request = (
            SubscriptionRequest.objects.select_related("campaign").filter(pk=request_id).first()
        )
        if request is None:
            continue
        if request.channel == Subscription.TELEGRAM and request.telegram_chat_id is not None:
            subscribe_telegram(request.campaign, request.telegram_chat_id, request.language)
        elif not Subscription.objects.filter(
            campaign=request.campaign, email=request.email
        ).exists():
            try:
                send(request, confirmation_token(request))
            except DeliveryError as error:
                if error.temporary and request.attempts + 1 < settings.UPDATES_MAX_ATTEMPTS:
                    SubscriptionRequest.objects.filter(pk=request.pk).update(
                        attempts=request.attempts + 1
                    )
                    continue
        request.delete()
        handled += 1
    return handled


def remember_telegram_message(chat_id: int, message_id: int) -> None:
    """An update sent to a chat: noted so that the bot's `/forget` can delete it."""
    TelegramUpdateMessage.objects.create(chat_key=telegram_chat_key(chat_id), message_id=message_id)


def forget_telegram_messages(chat_id: int) -> list[int]:
    """The updates sent to a chat that may still be deleted; their notes go."""
    messages = TelegramUpdateMessage.objects.filter(chat_key=telegram_chat_key(chat_id))
    since = timezone.now() - TelegramUpdateMessage.DELETABLE_FOR
    deletable = list(messages.filter(sent_at__gt=since).values_list("message_id", flat=True))
    messages.delete()
    return deletable


def forget_old_telegram_messages() -> int:
    """Notes of update messages past the 48 hours in which Telegram lets them be deleted."""
    removed, _ = TelegramUpdateMessage.objects.filter(
        sent_at__lte=timezone.now() - TelegramUpdateMessage.DELETABLE_FOR
    ).delete()
    return removed
