"""Every public page a reader can reach: from the front page, the campaign pages in both
languages, and the pages a signer reaches through their private receipt link."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.test import Client

REFERENCE = re.compile(
    r"""\b(?:href|src|action|srcset|poster|data)\s*=\s*["']([^"']*)["']""", re.IGNORECASE
)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", re.IGNORECASE)
NOT_PAGES = ("/static/", "/desk/", "/captcha/", "/telegram/")


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    content_type: str
    body: str


def references(html: str) -> list[str]:
    """Every address a page refers to: links, resources, form actions, CSS url()s."""
    return [
        value.replace("&amp;", "&") for value in REFERENCE.findall(html) + CSS_URL.findall(html)
    ]


def public_pages(
    client: Client, slugs: Iterable[str], tokens: Iterable[str] = (), limit: int = 600
) -> Iterator[Page]:
    starts = ["/", "/?lang=en", "/api/v1/", "/log/campaigns.json"]
    for slug in slugs:
        for lang in ("ru", "en"):
            starts += [
                f"/c/{slug}/?lang={lang}",
                f"/c/{slug}/signatories/?lang={lang}",
                f"/c/{slug}/sign/?lang={lang}",
            ]
    for token in tokens:
        starts += [
            f"/r/{token}/?lang=en",
            f"/r/{token}/withdraw/?lang=en",
            f"/r/{token}/log-receipt.json",
        ]
    seen: set[str] = set()
    queue = list(starts)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        content_type = response.get("Content-Type", "")
        body = raw.decode("utf-8", "replace")
        yield Page(url, response.status_code, content_type, body)
        if "html" not in content_type:
            continue
        for reference in references(body):
            target = urlsplit(urljoin(url, reference))
            if target.scheme or target.netloc:
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if not path.startswith(NOT_PAGES) and path not in seen:
                queue.append(path)
