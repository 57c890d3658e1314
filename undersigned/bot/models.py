"""What the Telegram bot keeps: conversations under way, sealed receipts, staff chats.

No chat id is stored in clear next to anything a signer wrote: rows are keyed by a
keyed hash of the chat id, and a bot receipt holds the signature's receipt hash
encrypted with a key derived from the chat id.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class BotConversation(models.Model):
    """The state and answers of one chat's conversation under way (aiogram's FSM storage)."""

    key = models.CharField(max_length=64, primary_key=True)
    state = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"conversation {self.key[:8]}"


class BotReceipt(models.Model):
    """A signature made through the bot, findable only by someone who knows the chat id."""

    chat_key = models.CharField(max_length=64, db_index=True)
    sealed_receipt = models.BinaryField()
    # The receipt token itself, sealed to the chat, only until the message carrying the
    # receipt link is delivered (or shown again by /status): Telegram may refuse it.
    sealed_token = models.BinaryField(null=True, default=None)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"bot receipt {self.pk}"


class BotMessage(models.Model):
    """A message of a private chat, either side, that the bot may still delete (`/forget`).

    Telegram lets a bot delete messages of a private chat for 48 hours; rows older than
    that are of no use and are deleted by the same periodic job as abandoned conversations.
    """

    DELETABLE_FOR = timedelta(hours=48)

    chat_key = models.CharField(max_length=64, db_index=True)
    message_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"bot message {self.pk}"


class StaffChat(models.Model):
    """A staff account's Telegram chat, for notifications. Staff accept being reachable there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="telegram_chat", on_delete=models.CASCADE
    )
    chat_id = models.BigIntegerField()
    linked_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"telegram chat of user {self.user_id}"


class StaffLinkCode(models.Model):
    """A one-time code a staff member sends to the bot (`/staff CODE`) to link their chat."""

    LIFETIME = timedelta(hours=1)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"link code of user {self.user_id}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class StaffNotice(models.Model):
    """When staff of a campaign were last told how many signatures wait, and the number told."""

    campaign = models.OneToOneField(
        "campaigns.Campaign", related_name="staff_notice", on_delete=models.CASCADE
    )
    sent_at = models.DateTimeField()
    waiting = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.waiting} waiting at {self.sent_at:%H:%M}"
