"""Bulk invalidation: criteria, a preview of what they select, confirmation, then batches.

The criteria travel in the query string (preview) and as hidden fields (confirmation),
so the page works without JavaScript and the preview can be bookmarked.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from undersigned.access import INVALIDATORS, access_campaign_as
from undersigned.campaigns.models import Campaign
from undersigned.desk.auth import staff_required
from undersigned.desk.forms import ConfirmInvalidationForm, InvalidationForm
from undersigned.verification import actions
from undersigned.verification.bulk import InvalidationCriteria

SAMPLE_SIZE = 20


def criteria_from(form: InvalidationForm, campaign: Campaign) -> InvalidationCriteria:
    data = form.cleaned_data
    return InvalidationCriteria(
        campaign=campaign,
        received_from=data["received_from"],
        received_to=data["received_to"],
        body_contains=data["body_contains"].strip(),
        region_code=data["region"],
        client_hash=data["client_hash"],
        states=tuple(data["states"]),
        held={"yes": True, "no": False}.get(data["held"]),
    )


@require_http_methods(["GET", "POST"])
@staff_required
def invalidate(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *INVALIDATORS)
    language = get_language()
    if request.method == "POST":
        form = InvalidationForm(request.POST, language=language)
        confirm = ConfirmInvalidationForm(request.POST)
        if form.is_valid() and confirm.is_valid():
            done = actions.invalidate(
                criteria_from(form, campaign), actor=request.user, note=form.cleaned_data["note"]
            )
            messages.success(
                request,
                _("%(n)d signatures were invalidated. The counts go down at the next count.")
                % {"n": done},
            )
            return redirect("desk:queue", campaign.slug)
    else:
        form = InvalidationForm(request.GET or None, language=language)
        confirm = ConfirmInvalidationForm()
    context: dict[str, object] = {"campaign": campaign, "form": form, "confirm": confirm}
    if form.is_bound and form.is_valid():
        criteria = criteria_from(form, campaign)
        rows = criteria.queryset()
        context.update(
            matching=rows.count(),
            sample=list(rows.order_by("created_at", "id")[:SAMPLE_SIZE]),
            hidden_fields=form,
        )
    status = 400 if (form.is_bound and not form.is_valid()) or request.method == "POST" else 200
    return render(request, "desk/invalidate.html", context, status=status)
