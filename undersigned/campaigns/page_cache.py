"""The full-page cache of the public pages (index, campaign, signatories, count JSON).

A cached copy is fresh for PAGE_CACHE_SECONDS and for as long as its campaign's
version has not moved; the count job moves the version of every campaign whose
tallies changed. A stale copy is served for up to PAGE_CACHE_STALE_SECONDS while
one request makes the fresh one, so a popular page is rendered about once per
lifetime whatever the number of readers. Responses carry an ETag (answered with
304) and `Cache-Control: public, max-age=0, s-maxage, stale-while-revalidate`: browsers
revalidate every time, shared caches (the nginx microcache) keep a copy briefly.

A page's key is its path, its language and the query parameters the view reads
(`query`); any other parameter, and any language outside LANGUAGES, reaches the same
copy, so junk in a URL or a header cannot make a request miss.

Only anonymous GETs are cached, never a page that sets a cookie or holds a CSRF
token. When the cache (Redis) fails, pages are served uncached and a warning is
logged: the cache fails open.

With PUBLISHED_ROOT set, the hottest pages are also files that nginx sends by itself,
written by the count job (undersigned.web.published); their paths are named here. When
a name leaves a campaign's pages (`names_removed`: a signer withdraws or asks not to be
named, the organizers hide every name), its page files go at once, so that nginx asks
the app until the count job has written them again: such a name is never sent from a
file made before.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from undersigned.campaigns.models import Campaign
from undersigned.core.dbrouter import render_public

log = logging.getLogger(__name__)

ALL_CAMPAIGNS = "*"  # the version every page listing several campaigns depends on
_SKIPPED_HEADERS = {"set-cookie", "vary", "content-length"}
_from_primary = ContextVar("from_primary", default=False)


@contextmanager
def from_primary() -> Iterator[None]:
    """Pages rendered inside are made from the primary database: no cached copy, no
    replica (the static mirror must agree with the log it holds)."""
    reset = _from_primary.set(True)
    try:
        yield
    finally:
        _from_primary.reset(reset)


def _version_key(slug: str) -> str:
    return f"page-version:{slug}"


# What a parameter's value means to a page, given the campaign's slug and the value: a
# share code names a channel or is nothing, as the page shows it.
Normaliser = Callable[[str, str], str]


def _page_key(
    request: HttpRequest, slug: str, query: tuple[str, ...], normalise: dict[str, Normaliser]
) -> str:
    meaningful = []
    for name in query:
        value = request.GET.get(name, "")
        meaningful.append((name, normalise[name](slug, value) if name in normalise else value))
    digest = hashlib.sha256(repr((request.path, meaningful)).encode()).hexdigest()
    return f"page:{get_language()}:{digest}"


def _cache_failed(operation: str, error: Exception) -> None:
    log.warning(
        "page cache unavailable (%s: %s); serving uncached", operation, type(error).__name__
    )


def _read(page_key: str, slug: str) -> tuple[dict[str, Any] | None, tuple[Any, Any]] | None:
    """The cached entry and the current versions, or None when the cache is down."""
    try:
        found = cache.get_many([page_key, _version_key(slug), _version_key(ALL_CAMPAIGNS)])
    except Exception as error:  # any cache failure: the page is served uncached
        _cache_failed("read", error)
        return None
    versions = (found.get(_version_key(slug)), found.get(_version_key(ALL_CAMPAIGNS)))
    return found.get(page_key), versions


def _claim_refresh(page_key: str) -> bool:
    """Whether this request is the one to render a stale page again."""
    try:
        return bool(cache.add(f"{page_key}:refreshing", 1, timeout=10))
    except Exception as error:  # any cache failure: render, as if uncached
        _cache_failed("claim", error)
        return True


def _store(page_key: str, entry: dict[str, Any]) -> None:
    lifetime = settings.PAGE_CACHE_SECONDS + settings.PAGE_CACHE_STALE_SECONDS
    try:
        cache.set(page_key, entry, timeout=lifetime)
        cache.delete(f"{page_key}:refreshing")
    except Exception as error:  # any cache failure: this copy is simply not kept
        _cache_failed("store", error)


def shared_cache_control(response: HttpResponseBase, seconds: int | None = None) -> None:
    """Kept `seconds` (PAGE_CACHE_SECONDS) by shared caches (the nginx microcache), never
    by browsers."""
    # Browsers ask again every time (a 304 from the cache costs no query), so a signer
    # who just withdrew never sees their own name again; shared caches keep it briefly.
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={seconds or settings.PAGE_CACHE_SECONDS}, "
        f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
    )


def _from_entry(request: HttpRequest, entry: dict[str, Any]) -> HttpResponseBase:
    response: HttpResponseBase
    if entry["etag"] in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], status=200)
        for name, value in entry["headers"]:
            response[name] = value
    response["ETag"] = entry["etag"]
    if entry["embeddable"]:
        response.embeddable = True  # type: ignore[attr-defined]
    shared_cache_control(response)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _cacheable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
    )


def _anonymous(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


View = Callable[..., HttpResponseBase]


def cached_public_page(
    view: View | None = None,
    *,
    query: tuple[str, ...] = (),
    normalise: dict[str, Normaliser] | None = None,
) -> Any:
    """Serve a public view from the page cache; the view's `slug` argument names its
    campaign, `query` the parameters it reads (every other one is ignored), `normalise`
    what a parameter's value means to the page."""
    if view is None:
        return lambda view: _cached(view, query, normalise or {})
    return _cached(view, query, normalise or {})


def _cached(view: View, query: tuple[str, ...], normalise: dict[str, Normaliser]) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _from_primary.get() or not _anonymous(request):
            return view(request, *args, **kwargs)
        slug = kwargs.get("slug") or ALL_CAMPAIGNS
        page_key = _page_key(request, slug, query, normalise)
        found = _read(page_key, slug)
        if found is not None:
            entry, versions = found
            if entry is not None:
                fresh = entry["versions"] == versions and time.time() < entry["fresh_until"]
                if fresh or not _claim_refresh(page_key):
                    return _from_entry(request, entry)
        response = render_public(lambda: view(request, *args, **kwargs))
        if found is None or not isinstance(response, HttpResponse):
            return response
        if not _cacheable(request, response):
            return response
        entry = {
            "content": response.content,
            "headers": [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS],
            "etag": '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"',
            "embeddable": getattr(response, "embeddable", False),
            "versions": found[1],
            "fresh_until": time.time() + settings.PAGE_CACHE_SECONDS,
        }
        _store(page_key, entry)
        return _from_entry(request, entry)

    return wrapper


def page_version(slug: str) -> str | None:
    """The token that moves whenever the campaign's public pages must be made again."""
    try:
        return cache.get(_version_key(slug))  # type: ignore[no-any-return]
    except Exception as error:  # any cache failure: no token, as after a restart
        _cache_failed("version", error)
        return None


def page_versions(slugs: list[str]) -> dict[str, str | None]:
    """Each campaign's page version (page_version), read at once; all None when the cache
    is down."""
    try:
        found = cache.get_many([_version_key(slug) for slug in slugs])
    except Exception as error:  # any cache failure: no tokens, as after a restart
        _cache_failed("versions", error)
        found = {}
    return {slug: found.get(_version_key(slug)) for slug in slugs}


def published_root() -> Path | None:
    return Path(settings.PUBLISHED_ROOT) if settings.PUBLISHED_ROOT else None


def published_counts(root: Path, slug: str) -> Path:
    """Where a campaign's counts.json is written for nginx."""
    return root / "counts" / f"{slug}.json"


def published_page(root: Path, language: str, slug: str) -> Path:
    """Where a campaign's page in `language`, asked for without a query, is written."""
    return root / "pages" / language / f"{slug}.html"


def _unpublish_pages(slugs: set[str]) -> None:
    root = published_root()
    if root is None:
        return
    for slug in slugs:
        for language, _ in settings.LANGUAGES:
            try:
                published_page(root, language, slug).unlink()
            except FileNotFoundError:
                pass
            except OSError as error:  # what is left may be older than the change
                log.error("page file not removed (%s)", type(error).__name__)


def invalidate(slugs: set[str]) -> None:
    """Make every cached page of these campaigns, and the pages listing campaigns, stale."""
    token = secrets.token_hex(8)
    try:
        cache.set_many(
            {_version_key(slug): token for slug in {*slugs, ALL_CAMPAIGNS}}, timeout=None
        )
    except Exception as error:  # any cache failure: pages go stale by their lifetime instead
        _cache_failed("invalidate", error)


def invalidate_campaign(campaign: Campaign) -> None:
    invalidate({campaign.slug})


def names_removed(campaign: Campaign) -> None:
    """A name left the campaign's pages: they are made again, and their files go now."""
    _unpublish_pages({campaign.slug})
    invalidate({campaign.slug})


def counts_moved(campaign_ids: set[int]) -> None:
    """Pages showing counts that moved are made again (the count job's first step)."""
    if campaign_ids:
        invalidate(set(Campaign.objects.filter(id__in=campaign_ids).values_list("slug", flat=True)))
