"""Changes the bot makes: sealed receipts of signatures made in a chat, the chat's recent
message ids (for `/forget`), staff chats linked."""

import secrets
from datetime import timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from django.db import transaction
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.bot.keys import chat_key, seal, unseal
from undersigned.bot.models import BotMessage, BotReceipt, StaffChat, StaffLinkCode
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature, hash_token
from undersigned.updates.actions import (
    forget_old_telegram_messages,
    forget_telegram_messages,
    unsubscribe_telegram_chat,
)

UNDELIVERED_LIFETIME = timedelta(days=1)


def keep_receipt(chat_id: int, receipt_token: str) -> BotReceipt:
    """Remember, for /status and /withdraw, that this chat made the signature of this receipt.

    The token is kept too, sealed to the chat, until the link reaches the chat."""
    return BotReceipt.objects.create(
        chat_key=chat_key(chat_id),
        sealed_receipt=seal(chat_id, hash_token(receipt_token)),
        sealed_token=seal(chat_id, receipt_token),
    )


def undelivered_token(chat_id: int, receipt: BotReceipt) -> str:
    """The receipt token of a link that has not reached the chat yet; "" when it has."""
    if receipt.sealed_token is None:
        return ""
    try:
        return unseal(chat_id, bytes(receipt.sealed_token))
    except InvalidTag:
        return ""


def receipts_delivered(chat_id: int, receipt_ids: list[int]) -> None:
    """The links of these receipts reached the chat: their tokens are not kept any longer."""
    BotReceipt.objects.filter(chat_key=chat_key(chat_id), pk__in=receipt_ids).update(
        sealed_token=None
    )


def forget_undelivered_tokens() -> int:
    """Receipt links that never reached their chat are not kept past a day: /status could
    show them again until then."""
    return BotReceipt.objects.filter(
        sealed_token__isnull=False, created_at__lte=timezone.now() - UNDELIVERED_LIFETIME
    ).update(sealed_token=None)


def signatures_of_chat(chat_id: int) -> list[tuple[BotReceipt, Signature]]:
    """The signatures made in this chat, oldest first, each with its bot receipt."""
    found: list[tuple[BotReceipt, str]] = []
    for receipt in BotReceipt.objects.filter(chat_key=chat_key(chat_id)):
        try:
            found.append((receipt, unseal(chat_id, bytes(receipt.sealed_receipt))))
        except InvalidTag:  # sealed under another SECRET_KEY: unreadable, skipped
            continue
    by_hash = {
        s.receipt_hash: s
        for s in Signature.objects.filter(receipt_hash__in=[h for _, h in found])
        .select_related("campaign")
        .prefetch_related("campaign__texts")
    }
    return [(receipt, by_hash[h]) for receipt, h in found if h in by_hash]


def signature_of_chat(chat_id: int, receipt_id: int) -> Signature | None:
    """One signature of this chat, by its bot receipt's id; None when it is not this chat's."""
    for receipt, signature in signatures_of_chat(chat_id):
        if receipt.pk == receipt_id:
            return signature
    return None


def standing_signatures_of_chat(
    chat_id: int, campaign: Campaign
) -> list[tuple[BotReceipt, Signature]]:
    """This chat's signatures of the campaign that still stand (not withdrawn or rejected)."""
    return [
        (receipt, signature)
        for receipt, signature in signatures_of_chat(chat_id)
        if signature.campaign_id == campaign.pk and signature.state in Signature.ACTIVE_STATES
    ]


def remember_messages(chat_id: int, message_ids: list[int]) -> None:
    """Note messages of the chat (either side) that `/forget` may delete in the next 48 hours."""
    key = chat_key(chat_id)
    BotMessage.objects.bulk_create(
        [BotMessage(chat_key=key, message_id=message_id) for message_id in message_ids]
    )


def forget_chat(chat_id: int) -> list[int]:
    """Drop what the bot keeps of a chat: its receipts, its subscriptions to updates, its
    message ids. Returns the ids of the messages still young enough to be deleted."""
    key = chat_key(chat_id)
    since = timezone.now() - BotMessage.DELETABLE_FOR
    with transaction.atomic():
        messages = BotMessage.objects.filter(chat_key=key)
        deletable = list(
            messages.filter(sent_at__gt=since).values_list("message_id", flat=True).distinct()
        )
        messages.delete()
        BotReceipt.objects.filter(chat_key=key).delete()
        unsubscribe_telegram_chat(chat_id)
        deletable += forget_telegram_messages(chat_id)  # the updates sent here
    return sorted(set(deletable))


def forget_old_messages() -> int:
    """Message ids past the 48 hours in which Telegram lets a bot delete them."""
    removed, _ = BotMessage.objects.filter(
        sent_at__lte=timezone.now() - BotMessage.DELETABLE_FOR
    ).delete()
    return removed + forget_old_telegram_messages()


def create_link_code(user: Any) -> str:
    """A one-time code for `user` to send to the bot as `/staff CODE`."""
    code = secrets.token_hex(8)
    with transaction.atomic():
        StaffLinkCode.objects.filter(user=user).delete()
        link = StaffLinkCode.objects.create(
            user=user,
            code_hash=hash_token(code),
            expires_at=timezone.now() + StaffLinkCode.LIFETIME,
        )
        record("bot.link_code_created", link, actor=user)
    return code


def link_staff_chat(code: str, chat_id: int) -> Any:
    """Link the chat to the staff account whose code this is; the user, or None."""
    code = code.strip().lower()
    if not code or len(code) > 64:
        return None
    with transaction.atomic():
        link = (
            StaffLinkCode.objects.select_for_update()
            .select_related("user")
            .filter(code_hash=hash_token(code))
            .first()
        )
        if link is None or link.is_expired or not link.user.is_active:
            return None
        user = link.user
        link.delete()
        StaffChat.objects.update_or_create(
            user=user, defaults={"chat_id": chat_id, "linked_at": timezone.now()}
        )
        record("bot.staff_chat_linked", user, actor=user)
    return user


def unlink_staff_chat(chat_id: int) -> int:
    with transaction.atomic():
        removed, _ = StaffChat.objects.filter(chat_id=chat_id).delete()
    return removed
