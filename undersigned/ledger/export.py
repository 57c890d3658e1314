"""The static mirror: the public part of the site written as plain files with relative links.

Pages are fetched through Django's test client in every language (the original
language at the root, the others under `<code>/`), following links within the
exportable paths; the log, counts and other data files are written once, at the same
paths as on the site, so `verify_log OUT_DIR` checks a mirror as it checks the site.
Every checkpoint's citable page, its JSON and its signed note are in the mirror too, so a
citation can be checked against it. Each page says when the mirror was exported; a link
to what only the site can do (signing, a receipt) leads to the mirror's own page saying
where the site is, so no link leaves the mirror.
Only files whose bytes changed are rewritten; files no longer produced are removed.
"""

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from undersigned.campaigns import page_cache
from undersigned.campaigns.models import Campaign
from undersigned.core.locks import job_lock
from undersigned.ledger import paths
from undersigned.ledger.actions import append_ready
from undersigned.ledger.models import Checkpoint
from undersigned.ledger.public import signed_size
from undersigned.signatures.counts import COUNT_JOB

# The public paths a mirror holds. Adding a page or a data file to the mirror is one line here.
EXPORTABLE = [
    re.compile(r"^/$"),
    re.compile(r"^/c/[\w-]+/$"),
    re.compile(r"^/c/[\w-]+/signatories/$"),
    re.compile(r"^/c/[\w-]+/log/(checkpoint|key|counts\.json|entries/\d+\.json)$"),
    re.compile(r"^/c/[\w-]+/log/checkpoints/\d+$"),
    re.compile(r"^/c/[\w-]+/cite/\d+/$"),
    re.compile(r"^/c/[\w-]+/cite/\d+\.json$"),
    re.compile(r"^/log/campaigns\.json$"),
]
ABOUT_MIRROR = "mirror.html"
MANIFEST = ".export-manifest.json"
MAX_URLS = 20000
MAIN = '<main id="main">'
LINK = re.compile(r"""((?:href|src|action)\s*=\s*)(["'])([^"']*)\2""", re.IGNORECASE)


@dataclass
class ExportResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def exportable(path: str) -> bool:
    return any(pattern.match(path) for pattern in EXPORTABLE)


def _start_urls(campaigns: Iterable[Campaign]) -> list[str]:
    urls = ["/", "/" + paths.CAMPAIGNS]
    for campaign in campaigns:
        slug = campaign.slug
        urls += [f"/{paths.campaign_dir(slug)}", f"/{paths.campaign_dir(slug)}signatories/"]
        urls += [f"/{paths.checkpoint(slug)}"]
        urls += [f"/{paths.verifier_key(slug)}", f"/{paths.counts(slug)}"]
        pages = max(paths.pages_for(signed_size(campaign)), 1)
        urls += [f"/{paths.entries_page(slug, page)}" for page in range(pages)]
        for size in Checkpoint.objects.filter(campaign=campaign).values_list("size", flat=True):
            urls += [f"/{paths.checkpoint_at(slug, size)}", f"/{paths.cite_json(slug, size)}"]
            urls += [f"/{paths.cite_page(slug, size)}"]
    return urls


def _client(language: str) -> Client:
    site = urlsplit(settings.SITE_URL).hostname or "localhost"
    allowed = [h for h in settings.ALLOWED_HOSTS if h not in ("*",)]
    host = site if site in allowed or "*" in settings.ALLOWED_HOSTS or not allowed else allowed[0]
    client = Client(HTTP_HOST=host.lstrip("."))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("lang="))
    return parts.path, query


def _page_file(language: str, path: str, query: str) -> str:
    prefix = "" if language == settings.LANGUAGE_CODE else f"{language}/"
    folder = path.lstrip("/")
    if query:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", query)
        if len(name) > 60:
            name = hashlib.sha256(query.encode()).hexdigest()[:16]
        folder += f"q-{name}/"
    return f"{prefix}{folder}index.html"


def _about_file(language: str) -> str:
    prefix = "" if language == settings.LANGUAGE_CODE else f"{language}/"
    return f"{prefix}{ABOUT_MIRROR}"


class Exporter:
    def __init__(self, out: Path, exported_at: datetime | None = None):
        self.out = out
        self.exported_at = exported_at or timezone.now()
        self.languages = [code for code, _ in settings.LANGUAGES]
        self.pages: dict[tuple[str, str, str], bytes] = {}  # (language, path, query) -> html
        self.files: dict[str, bytes] = {}  # root-relative path -> bytes

    def crawl(self, starts: list[str]) -> None:
        for language in self.languages:
            client = _client(language)
            queue, seen = list(starts), set[str]()
            while queue and len(seen) < MAX_URLS:
                url = queue.pop(0)
                path, query = _split(url)
                key = f"{path}?{query}"
                if key in seen or (path.lstrip("/") in self.files and not query):
                    continue
                seen.add(key)
                response = client.get(url, secure=settings.SECURE)
                if response.status_code != 200:
                    continue
                # The stubs type the test client's response as non-streaming; it may stream.
                streamed = getattr(response, "streaming_content", None)
                body = b"".join(streamed) if response.streaming and streamed else response.content
                if "text/html" not in response.get("Content-Type", ""):
                    self.files[path.lstrip("/")] = body
                    continue
                self.pages[(language, path, query)] = body
                for link in LINK.findall(body.decode("utf-8", "replace")):
                    target = urljoin(url, link[2].replace("&amp;", "&"))
                    parts = urlsplit(target)
                    if not parts.scheme and not parts.netloc and exportable(parts.path):
                        queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    def _rewrite(self, language: str, path: str, query: str, html: bytes) -> bytes:
        here = posixpath.dirname(_page_file(language, path, query))
        current = path + (f"?{query}" if query else "")

        def relative(target_file: str) -> str:
            return posixpath.relpath(target_file, here or ".")

        def replace(match: re.Match[str]) -> str:
            attribute, quote, link = match.groups()
            raw = link.replace("&amp;", "&")
            if not raw or raw.startswith("#") or urlsplit(raw).scheme or raw.startswith("//"):
                return match.group(0)
            target = urljoin(current, raw)
            parts = urlsplit(target)
            lang = next((p[5:] for p in parts.query.split("&") if p.startswith("lang=")), language)
            target_path, target_query = _split(target)
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            if target_path.startswith(settings.STATIC_URL):
                self.files.setdefault(target_path.lstrip("/"), b"")
                new = relative(target_path.lstrip("/"))
            elif target_path.lstrip("/") in self.files:
                new = relative(target_path.lstrip("/"))
            elif (lang, target_path, target_query) in self.pages:
                new = relative(_page_file(lang, target_path, target_query))
            else:
                # Only the site itself can do this: the mirror's page says where it is.
                new, fragment = relative(_about_file(lang)), ""
            return f"{attribute}{quote}{new}{fragment}{quote}"

        text = LINK.sub(replace, html.decode("utf-8"))
        banner = self._banner(language, relative(_about_file(language)))
        return text.replace(MAIN, MAIN + banner, 1).encode("utf-8")

    def _when(self) -> str:
        return self.exported_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")

    def _banner(self, language: str, about: str) -> str:
        with translation.override(language):
            text = _("A static mirror of %(site)s, exported at %(when)s.") % {
                "site": settings.SITE_URL,
                "when": self._when(),
            }
            more = _("About this mirror")
        return f'\n<p class="mirror-note">{escape(text)} <a href="{about}">{escape(more)}</a></p>'

    def about_pages(self) -> dict[str, bytes]:
        """The page every link to what only the site can do leads to, in each language."""
        pages = {}
        for language in self.languages:
            with translation.override(language):
                html = render_to_string(
                    "ledger/mirror.html",
                    {
                        "site": settings.SITE_URL,
                        "onion": settings.ONION_HOST,
                        "when": self._when(),
                        "LANGUAGE_CODE": language,
                        "home": posixpath.relpath(
                            _page_file(language, "/", ""),
                            posixpath.dirname(_about_file(language)) or ".",
                        ),
                    },
                )
            pages[_about_file(language)] = html.encode("utf-8")
        return pages

    def outputs(self) -> dict[str, bytes]:
        result = {
            _page_file(language, path, query): self._rewrite(language, path, query, html)
            for (language, path, query), html in self.pages.items()
        }
        result.update(self.about_pages())
        for name, body in self.files.items():
            if name.startswith(settings.STATIC_URL.lstrip("/")):
                found = finders.find(name.removeprefix(settings.STATIC_URL.lstrip("/")))
                if not found:
                    continue
                body = Path(str(found)).read_bytes()
            result[name] = body
        return result


def export_site(out: Path, *, wait: float = 0.0) -> ExportResult:
    """Write the mirror into `out`; what was written, left as it was, and removed. Waits
    up to `wait` seconds for a count run under way to end."""
    out.mkdir(parents=True, exist_ok=True)
    # No count or log batch moves while the mirror is taken, so its counts and log agree.
    with job_lock(COUNT_JOB, lease=timedelta(minutes=30), wait=wait):
        # The count job moves the counts before the log catches up: a database taken
        # between the two (a restored backup, say) has counted events still to append.
        append_ready()
        campaigns = list(Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).order_by("slug"))
        exporter = Exporter(out)
        with page_cache.from_primary():  # a live site's cache may be ahead of this database
            exporter.crawl(_start_urls(campaigns))
        files = exporter.outputs()
    result = ExportResult()
    for name, body in sorted(files.items()):
        target = out / name
        if target.is_file() and target.read_bytes() == body:
            result.unchanged.append(name)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(body)
        os.replace(temporary, target)
        result.written.append(name)
    manifest = out / MANIFEST
    before = set(json.loads(manifest.read_text())) if manifest.exists() else set()
    for name in sorted(before - set(files)):
        (out / name).unlink(missing_ok=True)
        result.removed.append(name)
    manifest.write_text(json.dumps(sorted(files), indent=0))
    return result
