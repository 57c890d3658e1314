"""Follow every same-origin link from the public pages, as a reader (or a scraper) would."""

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from django.test import Client

LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
SKIP_PREFIXES = ("/static/", "/desk/", "/r/", "/admin/")


def crawl(client: Client, starts: list[str], limit: int = 400) -> Iterator[tuple[str, int, bytes]]:
    """Yield (url, status, body) for every public page reachable from `starts`."""
    seen: set[str] = set()
    queue = list(starts)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        yield url, response.status_code, body
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in LINK.findall(body.decode("utf-8", "replace")):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc:
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not path.startswith(SKIP_PREFIXES) and path not in seen:
                queue.append(path)
