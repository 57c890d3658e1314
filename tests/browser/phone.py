"""A signer's phone for the browser tests: 390 px wide, scripts on or off; axe-core on a
page as it stands, and on the very HTML a page with scripts off was served.

axe-core needs timers, which never fire on a page with scripts off: that page's HTML is
served once more, at the same address, to a page with scripts on, and audited there.
"""

from pathlib import Path
from typing import Any

WIDTH = 390
HEIGHT = 844
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"


def phone(browser: Any, *, scripts: bool, width: int = WIDTH, **options: Any) -> Any:
    """A new page in a context of its own: no cookie or cache shared with another."""
    options.setdefault("locale", "en-US")
    context = browser.new_context(
        java_script_enabled=scripts, viewport={"width": width, "height": HEIGHT}, **options
    )
    return context.new_page()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def axe(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def audit(browser: Any, page: Any, *, scripts: bool) -> None:
    """axe-core on `page` as it stands; with scripts off, on the HTML it was served."""
    if scripts:
        axe(page)
        return
    html, url = page.content(), page.url.split("#")[0]  # a request has no fragment
    context = browser.new_context(
        java_script_enabled=True, viewport=page.viewport_size, locale="en-US"
    )
    try:
        copy = context.new_page()
        copy.route(
            lambda address: address == url,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=html
            ),
        )
        copy.goto(url)
        axe(copy)
    finally:
        context.close()


def in_view(page: Any, selector: str) -> dict[str, float]:
    """Where the first element matching `selector` is, relative to the screen."""
    box: dict[str, float] = page.evaluate(
        """selector => { const r = document.querySelector(selector).getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, height: innerHeight}; }""",
        selector,
    )
    return box
