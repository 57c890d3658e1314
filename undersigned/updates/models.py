"""Spokesperson updates, the people who asked to receive them, and each delivery to each.

A subscription holds an e-mail address or a Telegram chat id, never a link to a
signature: a seized database does not tell which subscriber signed what. An address
given with a signature waits as a SubscriptionRequest (no time kept) until a job on its
own schedule takes it: a Telegram chat is subscribed then, an e-mail address is sent a
link and subscribed only when its owner follows it. Subscriptions keep the day they
were made, never a finer time, and leave no audit row.
"""

from datetime import date, datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign, TransitionError


class Update(models.Model):
    """A statement published on a campaign, with its text in one or more languages."""

    campaign = models.ForeignKey(Campaign, related_name="updates", on_delete=models.PROTECT)
    # Empty for notices the system publishes itself (a reveal threshold reached).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    published_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"update {self.pk} of {self.campaign_id}"

    def text_for(self, language: str) -> "UpdateText":
        """The text in `language`, else the original. Uses prefetched texts when present."""
        texts = list(self.texts.all())
        for text in texts:
            if text.language == language:
                return text
        for text in texts:
            if text.is_original:
                return text
        return texts[0]


class UpdateText(models.Model):
    update = models.ForeignKey(Update, related_name="texts", on_delete=models.CASCADE)
    language = models.CharField(max_length=8)
    is_original = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["-is_original", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "language"], name="update_text_one_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.title}"


def unsubscribe_token(subscription_id: int) -> str:
    """The secret of a subscription's unsubscribe link, derived so every message can hold it."""
    return salted_hmac(
        "undersigned.updates.unsubscribe", str(subscription_id), algorithm="sha256"
    ).hexdigest()


def today() -> date:
    return timezone.now().date()


class SubscriptionRequest(models.Model):
    """An address given with a signature, waiting for the subscription job.

    Deliberately without a time or any link to the signature; the job takes requests in
    random order and deletes each once handled.
    """

    campaign = models.ForeignKey(Campaign, related_name="+", on_delete=models.CASCADE)
    channel = models.CharField(
        max_length=16, choices=[("email", "e-mail"), ("telegram", "Telegram")]
    )
    email = models.EmailField(blank=True)
    telegram_chat_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, default="ru")
    attempts = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"subscription request {self.pk} ({self.channel})"


class Subscription(models.Model):
    EMAIL = "email"
    TELEGRAM = "telegram"
    CHANNELS = [(EMAIL, _("e-mail")), (TELEGRAM, "Telegram")]

    campaign = models.ForeignKey(Campaign, related_name="subscriptions", on_delete=models.CASCADE)
    channel = models.CharField(max_length=16, choices=CHANNELS)
    # Kept in clear: the server must be able to write to it.
    email = models.EmailField(blank=True)
    telegram_chat_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, default="ru")
    created_on = models.DateField(default=today)
    unsubscribe_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"],
                condition=Q(channel="email"),
                name="subscription_one_per_email",
            ),
            models.UniqueConstraint(
                fields=["campaign", "telegram_chat_id"],
                condition=Q(channel="telegram"),
                name="subscription_one_per_chat",
            ),
            models.CheckConstraint(
                condition=(Q(channel="email") & ~Q(email="") & Q(telegram_chat_id__isnull=True))
                | (Q(channel="telegram") & Q(email="") & Q(telegram_chat_id__isnull=False)),
                name="subscription_has_its_address",
            ),
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk} ({self.channel})"


class Delivery(models.Model):
    """One update sent to one subscriber: created once, sent at most once."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    STATES = [
        (PENDING, _("pending")),
        (SENDING, _("sending")),
        (SENT, _("sent")),
        (FAILED, _("failed")),
    ]
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        PENDING: frozenset({SENDING}),
        SENDING: frozenset({PENDING, SENT, FAILED}),
        SENT: frozenset(),
        FAILED: frozenset(),
    }

    update = models.ForeignKey(Update, related_name="deliveries", on_delete=models.CASCADE)
    subscription = models.ForeignKey(
        Subscription, related_name="deliveries", on_delete=models.CASCADE
    )
    state = models.CharField(max_length=16, choices=STATES, default=PENDING, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What went wrong last, as the server answered it (an SMTP or HTTP code); no address.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "subscription"], name="delivery_once"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.state})"

    @classmethod
    def claim(cls, delivery_id: int, now: datetime) -> bool:
        """Take a pending delivery for sending; False when another worker has it or it is done."""
        return bool(
            cls.objects.filter(pk=delivery_id, state=cls.PENDING).update(
                state=cls.SENDING, attempts=F("attempts") + 1, claimed_at=now
            )
        )

    def _move(self, target: str) -> None:
        if target not in self.TRANSITIONS[self.state]:
            raise TransitionError(f"delivery {self.pk}: {self.state} -> {target} is not allowed")
        self.state = target

    def sent(self) -> None:
        self._move(self.SENT)
        self.sent_at = timezone.now()
        self.last_error = ""

    def retry_later(self, error: str, backoff: timedelta) -> None:
        self._move(self.PENDING)
        self.last_error = error[:200]
        self.next_attempt_at = timezone.now() + backoff

    def failed(self, error: str) -> None:
        self._move(self.FAILED)
        self.last_error = error[:200]

    def release_stale(self) -> None:
        """A claim whose worker died: send again."""
        self._move(self.PENDING)
        self.claimed_at = None


class ThresholdNotice(models.Model):
    """A reveal threshold a campaign reached, announced once."""

    campaign = models.ForeignKey(
        Campaign, related_name="threshold_notices", on_delete=models.CASCADE
    )
    threshold = models.PositiveIntegerField()
    reached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "threshold"], name="threshold_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} reached {self.threshold}"


def telegram_chat_key(chat_id: int) -> str:
    return salted_hmac(
        "undersigned.updates.telegram-message", str(chat_id), algorithm="sha256"
    ).hexdigest()


class TelegramUpdateMessage(models.Model):
    """An update sent to a Telegram chat, which the bot's `/forget` deletes from the chat.

    Telegram lets a bot delete a message of a private chat for 48 hours; only the message's
    number and a keyed hash of the chat are kept, and only that long (the hourly job)."""

    DELETABLE_FOR = timedelta(hours=48)

    chat_key = models.CharField(max_length=64, db_index=True)
    message_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"update message {self.pk}"
