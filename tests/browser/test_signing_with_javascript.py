"""With scripts on, a signer checks what will be public inside the signing page and signs
with one post; they can go back and change their answers; an incomplete form still gets
the server's errors; the check in the page passes axe-core."""

from typing import Any

from tests.browser.base import BrowserCase
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


class SigningWithJavaScriptTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_campaign(
            "citizens",
            eligibility=Campaign.ELIGIBLE_ANYONE,
            requires_verification=False,
            reveal_thresholds=[50, 100],
        )
        self.posts: list[str] = []
        self.requested: list[str] = []

    def open_form(self) -> Any:
        context = self.browser.new_context(java_script_enabled=True, locale="en-US")
        page = context.new_page()
        page.on("request", self.note)
        page.goto(f"{self.live_server_url}/c/citizens/sign/?lang=en")
        return page

    def note(self, request: Any) -> None:
        self.requested.append(request.url)
        if request.method == "POST":
            self.posts.append(request.post_data or "")

    def test_check_in_the_page_then_one_post(self) -> None:
        page = self.open_form()
        page.get_by_label("Full name").fill("  Петрова   Ксения Андреевна ")
        page.get_by_label("Position").fill("депутат")
        page.get_by_label("Region").select_option("RU-IRK")
        page.get_by_label("Show my name", exact=True).check()
        page.get_by_role("button", name="Continue", exact=True).click()

        panel = page.locator(".check-in-page")
        assert panel.get_by_role("heading", name="Check your answers before signing").is_visible()
        assert page.locator("form[data-check]").is_hidden()
        preview = panel.locator(".preview").inner_text()
        assert preview == "Петрова Ксения Андреевна, депутат (Irkutsk)"
        assert "This line will be published in the list of signatories:" in panel.inner_text()
        assert self.posts == [], "nothing is sent before the signer confirms"
        page.screenshot(path=str(self.shots / "sign-check-in-page.png"), full_page=True)
        self.axe(page)

        panel.get_by_role("button", name="Change my answers").click()
        assert page.locator(".check-in-page").count() == 0
        assert page.get_by_label("Full name").input_value() == "  Петрова   Ксения Андреевна "
        page.get_by_label("Count me, but do not show my name").check()
        page.get_by_role("button", name="Continue", exact=True).click()
        panel = page.locator(".check-in-page")
        assert panel.locator(".preview").count() == 0
        assert "Your name will not be published." in panel.inner_text()
        assert "counted but not named" in panel.inner_text()
        assert not Signature.objects.exists()

        panel.get_by_role("button", name="Sign", exact=True).click()
        page.wait_for_url("**/r/**")
        assert page.get_by_role("heading", name="Thank you for signing").is_visible()
        assert len(self.posts) == 1 and "checked_in_page=1" in self.posts[0]
        signature = Signature.objects.get()
        assert signature.publication == Signature.ANONYMOUS
        foreign = [url for url in self.requested if not url.startswith(self.live_server_url)]
        assert foreign == [], f"requests to other hosts: {foreign}"

    def test_the_chosen_threshold_is_the_one_shown(self) -> None:
        page = self.open_form()
        page.get_by_label("Full name").fill("Орлова Дарья Игоревна")
        page.get_by_label("Region").select_option("RU-MOW")
        page.get_by_label("Show my name only once enough others have signed").check()
        page.locator("input[name=reveal_threshold][value='100']").check()
        page.get_by_role("button", name="Continue", exact=True).click()
        text = page.locator(".check-in-page").inner_text()
        assert "once 100 verified signatories have signed, not before" in text
        assert "50 verified" not in text
        page.locator(".check-in-page").get_by_role("button", name="Sign", exact=True).click()
        page.wait_for_url("**/r/**")
        signature = Signature.objects.get()
        assert (signature.publication, signature.reveal_threshold) == (Signature.CONDITIONAL, 100)

    def test_an_incomplete_form_gets_the_servers_errors(self) -> None:
        page = self.open_form()
        page.get_by_label("Full name").fill("Петрова Ксения")
        page.get_by_role("button", name="Continue", exact=True).click()
        assert page.locator(".error-summary").is_visible()
        assert page.locator(".check-in-page").count() == 0
        assert len(self.posts) == 1 and "checked_in_page" not in self.posts[0]
        assert not Signature.objects.exists()

    def axe(self, page: Any) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
