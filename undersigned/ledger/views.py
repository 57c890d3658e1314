"""The public endpoints of each campaign's log: checkpoint, key, entries, proofs, the counts
the site claims, and witnesses' cosignatures. Read-only and cacheable, except `cosign`."""

import hashlib
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from undersigned.access import access_public_campaign, access_signature_by_receipt
from undersigned.campaigns.models import Campaign
from undersigned.ledger import actions, merkle, paths, public
from undersigned.ledger import letter as letter_module
from undersigned.ledger.models import Checkpoint

TEXT = "text/plain; charset=utf-8"


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.LEDGER_CACHE_SECONDS)
    conditional = get_conditional_response(request, etag=etag, response=response)
    return conditional if conditional is not None else response


def _json(request: HttpRequest, data: Any) -> HttpResponse:
    return _cacheable(request, JsonResponse(data, json_dumps_params={"ensure_ascii": False}))


def _bad(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _int_param(request: HttpRequest, name: str, default: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ValueError(_("The parameter %(name)s is required.") % {"name": name})
        return default
    if not raw.isdigit() or len(raw) > 18:
        raise ValueError(_("The parameter %(name)s must be a whole number.") % {"name": name})
    return int(raw)


@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    slugs = Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).order_by("slug")
    return _json(request, {"campaigns": list(slugs.values_list("slug", flat=True))})


@require_GET
def checkpoint(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    latest = public.latest_checkpoint(campaign)
    if latest is None:
        return HttpResponse(_("No checkpoint yet.") + "\n", status=404, content_type=TEXT)
    return _cacheable(request, HttpResponse(latest.published_note(), content_type=TEXT))


@require_GET
def verifier_key(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    return _cacheable(
        request, HttpResponse(public.verifier_key(campaign) + "\n", content_type=TEXT)
    )


@require_GET
def counts(request: HttpRequest, slug: str) -> HttpResponse:
    return _json(request, public.claimed_counts(access_public_campaign(slug)))


@require_GET
def entries_page(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    return _json(request, public.entries_page(access_public_campaign(slug), page))


@require_GET
def entries(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    size = public.signed_size(campaign)
    try:
        start = _int_param(request, "start", 0)
        end = _int_param(request, "end", min(start + public.MAX_RANGE, size))
    except ValueError as error:
        return _bad(str(error))
    if end < start:
        return _bad(_("The end comes before the start."))
    if end > size:
        return _bad(_("The log's latest checkpoint has %(size)d entries.") % {"size": size})
    if end - start > public.MAX_RANGE:
        return _bad(_("At most %(n)d entries at a time.") % {"n": public.MAX_RANGE})
    return _json(request, {"start": start, "entries": public.entries(campaign, start, end)})


@require_GET
def inclusion_proof(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    signed = public.signed_size(campaign)
    try:
        index = _int_param(request, "index")
        size = _int_param(request, "size", signed)
    except ValueError as error:
        return _bad(str(error))
    if size > signed or index >= size:
        return _bad(_("No such entry in a signed tree of that size."))
    proof = actions.StoredTree(campaign.pk).inclusion(index, size)
    return _json(request, {"index": index, "size": size, "proof": [public.b64(p) for p in proof]})


@require_GET
def consistency_proof(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    signed = public.signed_size(campaign)
    try:
        first = _int_param(request, "first")
        second = _int_param(request, "second", signed)
    except ValueError as error:
        return _bad(str(error))
    if not 0 < first <= second <= signed:
        return _bad(_("Sizes must satisfy 0 < first <= second <= the signed size."))
    try:
        proof = actions.StoredTree(campaign.pk).consistency(first, second)
    except merkle.ProofError as error:
        return _bad(str(error))
    return _json(
        request, {"first": first, "second": second, "proof": [public.b64(p) for p in proof]}
    )


# Witnesses are programs, not browsers: no cookie authenticates them, the signature does.
@csrf_exempt
@require_POST
def cosign(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    try:
        size = int(request.POST.get("size", ""))
        actions.add_cosignature(campaign, size, request.POST.get("cosignature", ""))
    except ValueError as error:  # LedgerError and NoteError are ValueErrors too
        return _bad(str(error) or _("Send size and cosignature."))
    return JsonResponse({"ok": True})


@require_GET
def receipt_file(request: HttpRequest, token: str) -> HttpResponse:
    """The signer's own receipt: their entries, proofs and the checkpoint, to keep or not."""
    signature = access_signature_by_receipt(token)
    data = public.receipt_entries(signature)
    if data is None:
        return _bad(_("Your signature is not in the public log yet."), status=404)
    response = JsonResponse(data, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = (
        f'attachment; filename="receipt-{signature.campaign.slug}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _checkpoint(campaign: Campaign, size: int) -> Checkpoint:
    checkpoint = public.checkpoint_of_size(campaign, size)
    if checkpoint is None:
        raise Http404
    return checkpoint


@require_GET
def checkpoint_at(request: HttpRequest, slug: str, size: int) -> HttpResponse:
    """The checkpoint of that size with its cosignatures: kept for good, so that any
    citation of it can be checked later."""
    campaign = access_public_campaign(slug)
    checkpoint = _checkpoint(campaign, size)
    return _cacheable(request, HttpResponse(checkpoint.published_note(), content_type=TEXT))


@require_GET
def cite_json(request: HttpRequest, slug: str, size: int) -> HttpResponse:
    campaign = access_public_campaign(slug)
    data = public.citable(campaign, _checkpoint(campaign, size), campaign.original_language)
    return _json(request, data)


@require_GET
def cite_page(request: HttpRequest, slug: str, size: int) -> HttpResponse:
    """A checkpoint's citable page: its figures, time, root and how to check them."""
    campaign = access_public_campaign(slug)
    language = get_language()
    data = public.citable(campaign, _checkpoint(campaign, size), language)
    moment = (
        datetime.strptime(data["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if data["time"]
        else None
    )
    response = render(
        request,
        "ledger/cite.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(language),
            "cite": data,
            "moment": moment,
            "json_path": "/" + paths.cite_json(slug, size),
            "note_path": "/" + paths.checkpoint_at(slug, size),
            "latest": public.signed_size(campaign),
        },
    )
    return _cacheable(request, response)


@require_GET
def letter(request: HttpRequest, slug: str, size: int) -> HttpResponseBase:
    """The letter as delivered, as of that checkpoint: the file the task worker wrote. A
    letter not written yet is asked of the worker; this request never builds it."""
    campaign = access_public_campaign(slug)
    checkpoint = _checkpoint(campaign, size)
    fingerprint = letter_module.names_fingerprint(campaign)
    path = letter_module.letter_path(campaign.slug, checkpoint.size, fingerprint)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        letter_module.request_letter(campaign, checkpoint.size)
        response = render(
            request,
            "ledger/letter_pending.html",
            {"campaign": campaign, "size": checkpoint.size},
            status=202,  # accepted: the worker is writing it
        )
        response["Retry-After"] = "30"
        return response
    document = FileResponse(handle, content_type="application/pdf")
    document["Content-Disposition"] = f'inline; filename="{campaign.slug}-letter-{size}.pdf"'
    patch_cache_control(document, public=True, max_age=settings.LEDGER_CACHE_SECONDS)
    return document
