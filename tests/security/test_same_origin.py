"""Crawl every public page: every resource it loads, link and form target is same-origin,
no page links to a clearnet host (so the site works unchanged as an onion service), and no
page carries inline script or style."""

import re
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, make_claims, sign_through_form
from tests.security.public_pages import CSS_URL, public_pages, references
from undersigned.signatures.models import Signature

SHARE_SECTION = re.compile(r'<section class="share".*?</section>', re.DOTALL)
SHARES = ("https://t.me/share/url?", "https://vk.com/share.php?", "mailto:?")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def foreign(reference: str) -> bool:
    parts = urlsplit(reference)
    return bool(parts.netloc) or parts.scheme not in ("", "data")


class SameOriginTest(PersonaTestCase):
    def test_every_public_page_refers_only_to_this_site(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign_verified(make_claims(2), publication=Signature.ANONYMOUS)
        response = sign_through_form(
            self.client, reverse("sign", args=[self.campaign.slug]), SIGN_FORM_OLGA
        )
        token = response["Location"].split("/")[2]
        self.refresh_counts()
        pages = list(public_pages(self.client, [self.campaign.slug], [token]))
        html_pages = [page for page in pages if "html" in page.content_type]
        assert len(html_pages) >= 10, [page.url for page in pages]
        crawled = {page.url.split("?")[0] for page in html_pages}
        assert {
            "/",
            f"/c/{self.campaign.slug}/",
            f"/c/{self.campaign.slug}/sign/",
            f"/r/{token}/",
        } <= crawled
        problems = []
        for page in html_pages:
            # The one exception: a campaign's share links, plain links that load nothing.
            body, shares = SHARE_SECTION.subn("", page.body)
            if shares:
                links = references(SHARE_SECTION.search(page.body).group(0))  # type: ignore[union-attr]
                problems += [f"{page.url}: {ref}" for ref in links if not ref.startswith(SHARES)]
            problems += [f"{page.url}: {ref}" for ref in references(body) if foreign(ref)]
            if (
                INLINE_SCRIPT.search(page.body)
                or "<style" in page.body
                or re.search(r"\sstyle\s*=", page.body)
            ):
                problems.append(f"{page.url}: inline script or style")
        for page in pages:
            if "json" in page.content_type:
                problems += [
                    f"{page.url}: {url}" for url in re.findall(r'"(https?://[^"]+)"', page.body)
                ]
        assert problems == []

    def test_stylesheets_load_nothing_from_elsewhere(self) -> None:
        html = self.client.get("/").content.decode()
        sheets = [ref for ref in references(html) if ref.endswith(".css")]
        assert sheets
        for sheet in sheets:
            path = finders.find(sheet.removeprefix("/static/"))
            assert path, sheet
            css = Path(str(path)).read_text()
            assert [url for url in CSS_URL.findall(css) if foreign(url)] == []
            assert "@import" not in css
