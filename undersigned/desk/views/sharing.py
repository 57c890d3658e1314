"""Desk page of the organizers: the campaign's share channels, their links and their counts."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from undersigned.access import access_campaign_as
from undersigned.campaigns.models import StaffRole
from undersigned.desk.auth import staff_required
from undersigned.sharing.actions import SHARE_FOLD_SECONDS, create_share_channel
from undersigned.sharing.models import ShareChannel


class ShareChannelForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy(
            "What the link carries: ?via=CODE. Lowercase Latin letters, digits, hyphens."
        ),
    )
    label = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("For example: deputies' chat, Twitter, VK."),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def sharing(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, StaffRole.ORGANIZER)
    form = ShareChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_share_channel(
                campaign, form.cleaned_data["code"], form.cleaned_data["label"], actor=request.user
            )
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The share channel is created."))
            return redirect("desk:sharing", campaign.slug)
    page = settings.SITE_URL + reverse("campaign", args=[campaign.slug])
    channels = [
        {"channel": channel, "link": page + channel.link_query()}
        for channel in ShareChannel.objects.filter(campaign=campaign)
    ]
    return render(
        request,
        "desk/sharing.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(get_language()),
            "form": form,
            "channels": channels,
            "fold_seconds": SHARE_FOLD_SECONDS,
        },
        status=400 if request.method == "POST" else 200,
    )
