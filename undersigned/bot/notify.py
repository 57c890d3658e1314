"""Telegram notifications to staff: signatures waiting for verifiers, reveal thresholds reached.

"N signatures waiting" goes to a campaign's verifiers and organizers at most once every
TELEGRAM_STAFF_NOTIFY_SECONDS, and only when the number changed. Messages hold counts
and campaign names only, never a signer's name.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from undersigned.bot.models import BotConversation, StaffChat, StaffNotice
from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.core.telegram_config import bot_configured
from undersigned.signatures.models import Signature, Tally

log = logging.getLogger(__name__)

CONVERSATION_LIFETIME = timedelta(days=1)


def staff_chats(campaign: Campaign, roles: tuple[str, ...]) -> list[StaffChat]:
    return list(
        StaffChat.objects.filter(
            user__is_active=True,
            user__staff_roles__campaign=campaign,
            user__staff_roles__role__in=roles,
        ).distinct()
    )


def _send_to_staff(campaign_id: int, roles: tuple[str, ...], message_id: str, n: int) -> int:
    # aiogram is heavy: imported only by the processes that send.
    from undersigned.core.telegram import TelegramSendError, send_text

    campaign = Campaign.objects.prefetch_related("texts").get(pk=campaign_id)
    sent = 0
    for chat in staff_chats(campaign, roles):
        with translation.override(campaign.original_language):
            title = campaign.text_for(campaign.original_language).title
            if message_id == "waiting":
                text = _("%(title)s: %(n)d signatures waiting for verification.")
            else:
                text = _("%(title)s: %(n)d verified signatories reached.")
            text = text % {"title": title, "n": n}
        try:
            send_text(chat.chat_id, text)
            sent += 1
        except TelegramSendError as error:  # a missed notice is not retried: the next one follows
            log.warning("staff notice to user %s failed (%s)", chat.user_id, error.code)
    return sent


@task()
def notify_staff_task(campaign_id: int, message_id: str, n: int) -> int:
    roles: tuple[str, ...] = (StaffRole.VERIFIER, StaffRole.ORGANIZER)
    if message_id == "threshold":
        roles = (StaffRole.VERIFIER, StaffRole.ORGANIZER, StaffRole.SPOKESPERSON)
    return _send_to_staff(campaign_id, roles, message_id, n)


def _waiting(campaign_id: int) -> int:
    rows = Tally.objects.filter(
        campaign_id=campaign_id, key=Tally.ALL, state__in=[Signature.RECEIVED, Signature.MATCHED]
    ).values_list("n", flat=True)
    return sum(rows)


def due_waiting_notice(campaign_id: int) -> int | None:
    """The number to tell a campaign's staff now, recorded as told; None when not due."""
    waiting = _waiting(campaign_id)
    now = timezone.now()
    interval = timedelta(seconds=settings.TELEGRAM_STAFF_NOTIFY_SECONDS)
    with transaction.atomic():
        notice = StaffNotice.objects.select_for_update().filter(campaign_id=campaign_id).first()
        if notice is None:
            if waiting == 0:
                return None
            StaffNotice.objects.create(campaign_id=campaign_id, sent_at=now, waiting=waiting)
            return waiting
        if waiting == notice.waiting or waiting == 0 or now - notice.sent_at < interval:
            return None
        notice.sent_at, notice.waiting = now, waiting
        notice.save(update_fields=["sent_at", "waiting"])
    return waiting


def notify_signatures_waiting(changed: set[int]) -> None:
    """Tell staff with a linked chat how many signatures wait (after the count job)."""
    if not changed or not bot_configured():
        return
    linked = StaffChat.objects.filter(
        user__staff_roles__campaign_id__in=changed,
        user__staff_roles__role__in=[StaffRole.VERIFIER, StaffRole.ORGANIZER],
    ).values_list("user__staff_roles__campaign_id", flat=True)
    for campaign_id in sorted(set(linked) & changed):
        waiting = due_waiting_notice(campaign_id)
        if waiting is not None:
            notify_staff_task.enqueue(campaign_id, "waiting", waiting)


def notify_threshold_reached(campaign: Campaign, threshold: int) -> None:
    if bot_configured():
        notify_staff_task.enqueue(campaign.pk, "threshold", threshold)


def forget_stale_conversations() -> int:
    """Conversations abandoned halfway hold a signer's answers: deleted after a day. Message
    ids the bot could delete go once Telegram no longer lets it (48 hours), receipt links
    that never reached their chat after a day."""
    from undersigned.bot.actions import forget_old_messages, forget_undelivered_tokens

    removed, _ = BotConversation.objects.filter(
        updated_at__lt=timezone.now() - CONVERSATION_LIFETIME
    ).delete()
    return removed + forget_old_messages() + forget_undelivered_tokens()
