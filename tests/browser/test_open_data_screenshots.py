"""A reader opens the demo campaign with JavaScript off: the page, its charts and map, the embed.

Screenshots go to artifacts/screenshots/ (git-ignored) to be looked at.
"""

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.core.management import call_command

from undersigned.campaigns.models import Campaign
from undersigned.sharing.actions import create_share_channel, fold_share_hits
from undersigned.sharing.models import ShareChannel


@contextmanager
def another_site(html: str) -> Iterator[str]:
    """Serve one page from another origin (its own port) while the block runs."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
class OpenDataScreenshotsTest(StaticLiveServerTestCase):
    @pytest.fixture(autouse=True)
    def _browser(self, browser: Any, screenshots: Path) -> None:
        self.browser = browser
        self.shots = screenshots

    def setUp(self) -> None:
        cache.clear()
        call_command("load_demo", citizen_signatures=300, stdout=io.StringIO())

    def test_campaign_page_map_and_embed(self) -> None:
        campaign = Campaign.objects.get(slug="deputies-appeal")
        organizer = get_user_model().objects.get(username="organizer")
        create_share_channel(campaign, "deputies-chat", "Deputies' chat", actor=organizer)
        context = self.browser.new_context(
            java_script_enabled=False, locale="en-US", viewport={"width": 1100, "height": 900}
        )
        page = context.new_page()
        requested: list[str] = []
        loaded: dict[str, int] = {}
        page.on("request", lambda request: requested.append(request.url))
        page.on("response", lambda r: loaded.__setitem__(r.url.split("?")[0], r.status))

        page.goto(f"{self.live_server_url}/c/deputies-appeal/?lang=en&via=deputies-chat")
        page.wait_for_load_state("networkidle")
        assert page.locator(".tally .verified strong").inner_text() == "19"
        charts = f"{self.live_server_url}/c/deputies-appeal/charts"
        for name in ("map", "regions", "timeline"):
            assert loaded.get(f"{charts}/{name}.svg") == 200, name
        page.screenshot(path=str(self.shots / "open-data-campaign.png"), full_page=True)
        map_in_page = page.locator("figure.chart img").first
        map_in_page.screenshot(path=str(self.shots / "open-data-map-in-page.png"))

        sign = page.get_by_role("link", name="Sign", exact=True)
        assert sign.get_attribute("href") == "/c/deputies-appeal/sign/?shared_via=deputies-chat"
        fold_share_hits()
        assert ShareChannel.objects.get(code="deputies-chat").visits == 1

        page.set_viewport_size({"width": 1000, "height": 640})
        page.goto(f"{self.live_server_url}/c/deputies-appeal/charts/map.svg?lang=en")
        page.screenshot(path=str(self.shots / "open-data-map.png"))
        page.set_viewport_size({"width": 1100, "height": 900})
        page.goto(f"{self.live_server_url}/c/deputies-appeal/compare/?lang=en")
        page.screenshot(path=str(self.shots / "open-data-compare.png"), full_page=True)

        # Another site, a small server of its own on another port, frames the widget.
        widget = f"{self.live_server_url}/c/deputies-appeal/embed/?lang=en"
        frame_html = f'<iframe src="{widget}" width="320" height="160" title="count"></iframe>'
        with another_site(f"<p>Elsewhere</p>{frame_html}") as elsewhere:
            host = context.new_page()
            host.on("request", lambda request: requested.append(request.url))
            host.set_viewport_size({"width": 400, "height": 220})
            host.goto(elsewhere)
            frame = host.frame_locator("iframe")
            assert frame.locator(".verified strong").inner_text() == "19"
            assert frame.locator(".checking strong").inner_text() == "84"
            host.screenshot(path=str(self.shots / "open-data-embed.png"))

        ours = (self.live_server_url, elsewhere)
        outside = [url for url in requested if not url.startswith(ours)]
        assert outside == []
        context.close()
