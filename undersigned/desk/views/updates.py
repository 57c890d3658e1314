"""Desk pages of the spokesperson: publish updates on a campaign; and every staff member's
link of their Telegram chat for notifications."""

import socket
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from undersigned.access import PUBLISHERS, access_campaign_as
from undersigned.bot.actions import create_link_code
from undersigned.bot.models import StaffChat
from undersigned.campaigns.models import Campaign
from undersigned.desk.auth import staff_required
from undersigned.updates.actions import publish_update
from undersigned.updates.models import Delivery, Subscription, Update


class UpdateForm(forms.Form):
    """A title and body per site language; the campaign's original language is required."""

    def __init__(self, *args: object, campaign: Campaign, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Form's own signature
        self.campaign = campaign
        for code, name in self.languages():
            required = code == campaign.original_language
            self.fields[f"title_{code}"] = forms.CharField(
                label=gettext_lazy("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=required,
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=gettext_lazy("Text (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=20000,
                required=required,
            )

    def languages(self) -> list[tuple[str, str]]:
        original = self.campaign.original_language
        return sorted(settings.LANGUAGES, key=lambda item: item[0] != original)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code, _name in self.languages():
            title, body = data.get(f"title_{code}"), data.get(f"body_{code}")
            if bool(title) != bool(body):
                self.add_error(
                    f"body_{code}" if title else f"title_{code}",
                    _("Give both a title and a text, or neither."),
                )
        return data

    def texts(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {"language": code, "title": data[f"title_{code}"], "body": data[f"body_{code}"]}
            for code, _name in self.languages()
            if data.get(f"title_{code}")
        ]


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def mail_warning() -> str:
    """What the spokesperson should know about e-mail here: nothing when a mail server
    answers; that e-mails go to files, or that no mail server answers, otherwise."""
    if settings.EMAIL_BACKEND == FILE_BACKEND:
        return _(
            "E-mails are not sent: they are written as files into %(path)s on the server "
            "(a demonstration setting)."
        ) % {"path": getattr(settings, "EMAIL_FILE_PATH", "")}
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return _("E-mails are not sent: no mail server is configured (EMAIL_BACKEND).")
    try:
        with socket.create_connection((settings.EMAIL_HOST, settings.EMAIL_PORT), timeout=1):
            return ""
    except OSError:
        return _(
            "No mail server answers at %(host)s:%(port)s: e-mail updates will fail until one "
            "is configured (EMAIL_HOST, EMAIL_PORT)."
        ) % {"host": settings.EMAIL_HOST, "port": settings.EMAIL_PORT}


def delivery_counts(update_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """For each update, by channel: how many deliveries were sent, failed, or wait."""
    counts: dict[int, dict[str, dict[str, int]]] = {}
    rows = (
        Delivery.objects.filter(update_id__in=update_ids)
        .values_list("update_id", "subscription__channel", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for update_id, channel, state, n in rows:
        by_state = counts.setdefault(update_id, {}).setdefault(
            channel, {"sent": 0, "failed": 0, "waiting": 0}
        )
        key = state if state in (Delivery.SENT, Delivery.FAILED) else "waiting"
        by_state[key] += n
    names = dict(Subscription.CHANNELS)
    return {
        update_id: [
            {"channel": names.get(channel, channel), **states}
            for channel, states in sorted(channels.items())
        ]
        for update_id, channels in counts.items()
    }


@require_http_methods(["GET", "POST"])
@staff_required
def updates(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *PUBLISHERS)
    form = UpdateForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        publish_update(campaign, author=request.user, texts=form.texts())
        messages.success(request, _("The update is published and being sent to subscribers."))
        return redirect("desk:updates", campaign.slug)
    language = get_language()
    latest = list(Update.objects.filter(campaign=campaign).prefetch_related("texts")[:50])
    deliveries = delivery_counts([update.pk for update in latest])
    published = [
        (update, update.text_for(language), deliveries.get(update.pk, [])) for update in latest
    ]
    subscribers = dict(
        Subscription.objects.filter(campaign=campaign)
        .values_list("channel")
        .annotate(n=Count("id"))
    )
    return render(
        request,
        "desk/updates.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(language),
            "form": form,
            "published": published,
            "email_subscribers": subscribers.get(Subscription.EMAIL, 0),
            "telegram_subscribers": subscribers.get(Subscription.TELEGRAM, 0),
            "mail_warning": mail_warning(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def telegram(request: HttpRequest) -> HttpResponse:
    """A one-time code to send to the bot, linking this account's chat for notifications."""
    code = create_link_code(request.user) if request.method == "POST" else ""
    return render(
        request,
        "desk/telegram.html",
        {
            "code": code,
            "linked": StaffChat.objects.filter(user_id=int(request.user.pk or 0)).exists(),
            "bot_username": settings.TELEGRAM_BOT_USERNAME,
        },
    )
