"""Sending one update to one subscriber, by e-mail or Telegram, and telling which failures pass.

A failure that may pass (an SMTP 4xx answer, a dropped connection, Telegram's
429 or 5xx) raises `DeliveryError(temporary=True)`; one that will not (a refused
recipient, a blocked bot) raises it with `temporary=False`.
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from undersigned.updates.actions import remember_telegram_message
from undersigned.updates.models import (
    Subscription,
    SubscriptionRequest,
    Update,
    unsubscribe_token,
)


class DeliveryError(Exception):
    def __init__(self, code: str, *, temporary: bool):
        super().__init__(code)
        self.code = code
        self.temporary = temporary


def unsubscribe_url(subscription: Subscription) -> str:
    return settings.SITE_URL + reverse(
        "updates_unsubscribe", args=[unsubscribe_token(subscription.pk)]
    )


def message_text(update: Update, subscription: Subscription) -> tuple[str, str]:
    """The subject and plain-text body of an update, in the subscriber's language."""
    campaign = update.campaign
    with translation.override(subscription.language):
        text = update.text_for(subscription.language)
        body = render_to_string(
            "updates/message.txt",
            {
                "text": text,
                "campaign_title": campaign.text_for(subscription.language).title,
                "campaign_url": settings.SITE_URL + reverse("campaign", args=[campaign.slug]),
                "unsubscribe_url": unsubscribe_url(subscription),
                "channel": subscription.channel,
            },
        )
    return text.title, body


def _smtp_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    return getattr(error, "smtp_code", None)


def send_email(update: Update, subscription: Subscription) -> None:
    subject, body = message_text(update, subscription)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
            "Auto-Submitted": "auto-generated",
        },
        connection=get_connection(fail_silently=False),
    )
    _send(message)


def confirm_url(token: str) -> str:
    return settings.SITE_URL + reverse("updates_confirm", args=[token])


def send_confirmation(request: SubscriptionRequest, token: str) -> None:
    """The e-mail that asks an address's owner to confirm they want a campaign's updates."""
    campaign = request.campaign
    with translation.override(request.language):
        title = campaign.text_for(request.language).title
        body = render_to_string(
            "updates/confirm_message.txt",
            {"campaign_title": title, "confirm_url": confirm_url(token)},
        )
        subject = _("Confirm: updates from %(title)s") % {"title": title}
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[request.email],
        headers={"Auto-Submitted": "auto-generated"},
        connection=get_connection(fail_silently=False),
    )
    _send(message)


def _send(message: EmailMessage) -> None:
    try:
        message.send()
    except smtplib.SMTPException as error:
        code = _smtp_code(error)
        if code is None or 400 <= code < 500:
            raise DeliveryError(f"smtp {code or type(error).__name__}", temporary=True) from None
        raise DeliveryError(f"smtp {code}", temporary=False) from None
    except OSError as error:  # refused, unreachable, timed out
        raise DeliveryError(f"connection {type(error).__name__}", temporary=True) from None


def send_telegram(update: Update, subscription: Subscription) -> None:
    from undersigned.core.telegram import TelegramSendError, send_text

    _, body = message_text(update, subscription)
    if subscription.telegram_chat_id is None:
        raise DeliveryError("no chat id", temporary=False)
    try:
        message_id = send_text(subscription.telegram_chat_id, body)
    except TelegramSendError as error:
        raise DeliveryError(error.code, temporary=error.temporary) from None
    # Noted as the bot's own messages are: `/forget` deletes updates too.
    remember_telegram_message(subscription.telegram_chat_id, message_id)


def deliver(update: Update, subscription: Subscription) -> None:
    if subscription.channel == Subscription.EMAIL:
        send_email(update, subscription)
    else:
        send_telegram(update, subscription)
