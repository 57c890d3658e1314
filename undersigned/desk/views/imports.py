"""Signatures received elsewhere brought into the queue: upload or paste, preview, confirm.

The preview carries what was read to the confirmation as a signed hidden field, so the
lines confirmed are the lines shown and nothing is kept on the server in between. The
receipt links of the imported signers are shown once, on the confirmation's answer.
"""

from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from undersigned.access import IMPORTERS, access_campaign_as
from undersigned.campaigns.models import Campaign
from undersigned.desk.auth import staff_required
from undersigned.desk.forms import ConfirmImportForm, ImportSignaturesForm
from undersigned.signatures.actions import Claims
from undersigned.signatures.imports import CannotImport, check_campaign, import_received_signatures
from undersigned.signatures.received import (
    ReadFile,
    ReceivedRow,
    UnreadableFile,
    mark_duplicates,
    read_free_form,
    read_received,
)

# What the desk previews in one page; a bigger file goes through `manage.py import_signatures`.
DESK_MOST_ROWS = 1000
SALT = "desk.import_signatures"
PREVIEW_VALID_SECONDS = 3600


def _payload(campaign: Campaign, channel: str, read: ReadFile) -> str:
    rows = [asdict(row) for row in read.rows]
    return signing.dumps(
        {"campaign": campaign.pk, "channel": channel, "rows": rows}, salt=SALT, compress=True
    )


def _from_payload(campaign: Campaign, payload: str) -> tuple[str, ReadFile] | None:
    try:
        data = signing.loads(payload, salt=SALT, max_age=PREVIEW_VALID_SECONDS)
    except signing.BadSignature:
        return None
    if data.get("campaign") != campaign.pk:
        return None
    rows = []
    for row in data["rows"]:
        claims = Claims(**row.pop("claims")) if row.get("claims") else None
        contact = tuple(row.pop("contact")) if row.get("contact") else None
        row.pop("claims", None)
        row.pop("contact", None)
        rows.append(ReceivedRow(claims=claims, contact=contact, **row))  # type: ignore[arg-type]
    return data["channel"], ReadFile(rows)


def _read(form: ImportSignaturesForm) -> ReadFile:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return read_received(upload.read(), upload.name or "")
    read = read_free_form(form.cleaned_data["text"])
    if not read.rows:
        raise UnreadableFile(_("No claims in the text."))
    return read


@require_http_methods(["GET", "POST"])
@staff_required
def import_signatures(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_campaign_as(request.user, slug, *IMPORTERS)
    context: dict[str, Any] = {"campaign": campaign}
    status = 200
    try:
        check_campaign(campaign)
    except CannotImport:
        context["closed"] = True
        return render(request, "desk/import.html", context, status=409 if request.POST else 200)
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request, campaign, context)
    form = ImportSignaturesForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if form.is_bound:
        if form.is_valid():
            try:
                read = _read(form)
                if len(read.rows) > DESK_MOST_ROWS:
                    raise UnreadableFile(
                        _("More than %(n)d lines: import them with manage.py import_signatures.")
                        % {"n": DESK_MOST_ROWS}
                    )
            except UnreadableFile as error:
                form.add_error(None, str(error))
                status = 400
            else:
                read = mark_duplicates(read, campaign)
                channel = form.cleaned_data["channel"]
                context.update(
                    read=read,
                    channel=channel,
                    channel_name=dict(form.fields["channel"].choices)[channel],  # type: ignore[attr-defined]
                    confirm=ConfirmImportForm(
                        initial={"payload": _payload(campaign, channel, read)}
                    ),
                )
        else:
            status = 400
    return render(request, "desk/import.html", context, status=status)


def _confirm(request: HttpRequest, campaign: Campaign, context: dict[str, Any]) -> HttpResponse:
    confirm = ConfirmImportForm(request.POST)
    loaded = (
        _from_payload(campaign, request.POST.get("payload", "")) if confirm.is_valid() else None
    )
    if loaded is None:
        context["form"] = ImportSignaturesForm()
        context["expired"] = True
        return render(request, "desk/import.html", context, status=400)
    channel, read = loaded
    # The lines with nothing like a name that the organizer ticked to import all the same.
    read.include(int(line) for line in request.POST.getlist("include") if line.isdigit())
    try:
        imported = import_received_signatures(campaign, read, channel=channel, actor=request.user)
    except (CannotImport, ValueError):
        context["form"] = ImportSignaturesForm()
        context["expired"] = True
        return render(request, "desk/import.html", context, status=400)
    names = {row.line: row.claims.full_name for row in read.rows if row.claims is not None}
    receipts = [
        {
            "line": item.line,
            "name": names.get(item.line, ""),
            "url": settings.SITE_URL + reverse("receipt", args=[item.token]),
        }
        for item in imported
    ]
    context.update(imported=receipts, duplicates=len(read.duplicates))
    response = render(request, "desk/import_done.html", context)
    response["Cache-Control"] = "no-store"
    return response
