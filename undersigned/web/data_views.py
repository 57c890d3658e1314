"""Open data pages: downloads, SVG charts and the comparison of campaigns. No JavaScript."""

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from undersigned.access import access_public_campaign
from undersigned.campaigns.models import Campaign
from undersigned.officials.regions import all_regions
from undersigned.signatures import public
from undersigned.web import charts, exports

DATA_CACHE_SECONDS = 60
CHART_CACHE_SECONDS = 60
CHART_KEEP_SECONDS = 3600
COMPARE_LIMIT = 8


@require_GET
def download(request: HttpRequest, slug: str, dataset: str, fmt: str) -> HttpResponseBase:
    """The file the export job wrote (streamed from disk); never computed here."""
    if dataset not in exports.DATASETS or fmt not in exports.FORMATS:
        raise Http404("no such download")
    campaign = access_public_campaign(slug)
    path = exports.export_path(campaign.slug, dataset, get_language(), fmt)
    response: HttpResponseBase
    if not path.exists():
        response = render(request, "web/export_pending.html", {"campaign": campaign}, status=503)
        response["Retry-After"] = str(settings.EXPORT_SECONDS)
        return response
    if settings.EXPORT_ACCEL_PREFIX:
        # nginx sends the file from disk; the app only named it.
        response = HttpResponse(content_type=exports.CONTENT_TYPES[fmt])
        relative = path.relative_to(settings.EXPORT_ROOT).as_posix()
        response["X-Accel-Redirect"] = settings.EXPORT_ACCEL_PREFIX + relative
    else:
        try:
            handle = path.open("rb")  # a replaced file stays readable through this handle
        except FileNotFoundError:  # removed just now: its campaign left the public
            raise Http404("no such download") from None
        response = FileResponse(handle, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-{dataset}.{fmt}"'
    patch_cache_control(response, public=True, max_age=DATA_CACHE_SECONDS)
    # Already a file: the reverse proxy passes it on without keeping a copy of its own.
    response["X-Accel-Expires"] = "0"
    return response


def _drawn(slot: tuple[object, ...], state: tuple[object, ...], draw: Callable[[], str]) -> str:
    """The SVG for `state`, drawn once and kept in the cache under its `slot` (a chart of a
    campaign in a language), so moving counts replace one copy instead of adding copies."""
    key = "chart:" + hashlib.sha256(repr(slot).encode()).hexdigest()[:32]
    digest = hashlib.sha256(repr(state).encode()).hexdigest()
    kept = cache.get(key)
    if isinstance(kept, tuple) and kept[0] == digest:
        return str(kept[1])
    svg = draw()
    cache.set(key, (digest, svg), CHART_KEEP_SECONDS)
    return svg


def _svg_response(
    request: HttpRequest, key_parts: tuple[object, ...], draw: Callable[[], str]
) -> HttpResponse:
    """An SVG drawn once per state of its inputs, kept in the cache, with an ETag."""
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        svg = _drawn(key_parts[:3], key_parts, draw)
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CHART_CACHE_SECONDS)
    return response


def region_names(language: str) -> dict[str, str]:
    return {region.code: region.name(language) for region in all_regions()}


@require_GET
def chart(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    campaign = access_public_campaign(slug)
    language = get_language()
    if name == "timeline":
        days = public.timeline_for(campaign)
        return _svg_response(
            request,
            ("timeline", campaign.pk, language, tuple(days)),
            lambda: charts.timeline_svg(
                days,
                title=_("Signatures over time"),
                received=_("Received in total"),
                verified=_("Verified in total"),
            ),
        )
    if name in {"regions", "map"}:
        regions = public.regions_for(campaign, language)
        if name == "regions":
            return _svg_response(
                request,
                ("regions", campaign.pk, language, tuple(regions)),
                lambda: charts.regions_svg(
                    regions,
                    title=_("Signatures by region"),
                    verified=_("Verified"),
                    checking=_("Being checked"),
                ),
            )
        return _svg_response(
            request,
            ("map", campaign.pk, language, tuple(regions)),
            lambda: charts.map_svg(
                regions,
                region_names(language),
                title=_("Verified signatures by region"),
                legend_title=_("Verified"),
                unmapped_title=_("Not on the map:"),
            ),
        )
    raise Http404("no such chart")


@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """This campaign's verified count over time beside other public campaigns of the site."""
    campaign = access_public_campaign(slug)
    language = get_language()
    others = list(
        Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES)
        .exclude(pk=campaign.pk)
        .prefetch_related("texts")[:50]
    )
    asked = set(request.GET.getlist("with"))
    chosen = [c for c in others if c.slug in asked] if asked else others[: COMPARE_LIMIT - 1]
    chosen = [campaign, *chosen[: COMPARE_LIMIT - 1]]
    series: list[tuple[str, list[tuple[date, int]]]] = []
    rows: list[dict[str, Any]] = []
    for index, each in enumerate(chosen):
        title = each.text_for(language).title
        days = public.timeline_for(each)
        series.append((title, [(d.day, d.verified) for d in days]))
        rows.append(
            {
                "campaign": each,
                "title": title,
                "colour": charts.PALETTE[index % len(charts.PALETTE)],
                "verified": days[-1].verified if days else 0,
                "first_day": days[0].day if days else None,
                "days": days,
            }
        )
    svg = _drawn(
        ("compare", language, tuple(each.pk for each in chosen)),
        tuple((t, tuple(p)) for t, p in series),
        lambda: charts.compare_svg(series, title=_("Verified signatures over time")),
    )
    all_days = sorted({d.day for row in rows for d in row["days"]})
    table = []
    for day in all_days:
        cells = []
        for row in rows:
            standing = [d.verified for d in row["days"] if d.day <= day]
            cells.append(standing[-1] if standing else 0)
        table.append({"day": day, "cells": cells})
    return render(
        request,
        "web/compare.html",
        {
            "campaign": campaign,
            "text": campaign.text_for(language),
            "rows": rows,
            "others": [
                {"campaign": c, "title": c.text_for(language).title, "chosen": c in chosen}
                for c in others
            ],
            "svg": svg,
            "table": table,
        },
    )
