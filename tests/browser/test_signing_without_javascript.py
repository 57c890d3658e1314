"""A person signs with JavaScript off, sees the receipt, withdraws, and sees the counts follow."""

from tests.browser.base import BrowserCase
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature


class SigningWithoutJavaScriptTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.citizens = self.make_campaign(
            "citizens", eligibility=Campaign.ELIGIBLE_ANYONE, requires_verification=False
        )
        self.refresh_counts()

    def test_sign_receipt_withdraw(self) -> None:
        context = self.browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        page.goto(f"{self.live_server_url}/c/citizens/?lang=en")
        page.screenshot(path=str(self.shots / "campaign-before.png"), full_page=True)
        assert page.locator(".tally .verified strong").inner_text() == "0"
        page.get_by_role("link", name="Sign", exact=True).click()

        page.get_by_label("Full name").fill("Петрова Ксения Андреевна")
        page.get_by_label("Region").select_option("RU-IRK")
        page.get_by_label("Show my name", exact=True).check()
        page.screenshot(path=str(self.shots / "sign-form.png"), full_page=True)
        page.get_by_role("button", name="Continue", exact=True).click()
        assert page.get_by_role("heading", name="Check your answers before signing").is_visible()
        assert not Signature.objects.exists()
        page.get_by_role("button", name="Sign", exact=True).click()

        assert "/r/" in page.url
        assert page.get_by_role("heading", name="Thank you for signing").is_visible()
        assert "Verified: counted as signed" in page.content()
        page.screenshot(path=str(self.shots / "receipt.png"), full_page=True)
        receipt_url = page.url.split("?")[0]

        self.refresh_counts()
        page.goto(f"{self.live_server_url}/c/citizens/?lang=en")
        assert page.locator(".tally .verified strong").inner_text() == "1"
        assert "Петрова Ксения Андреевна" in page.content()

        page.goto(receipt_url)
        page.get_by_role("button", name="Withdraw my signature…").click()
        assert page.get_by_role("heading", name="Withdraw your signature?").is_visible()
        page.get_by_role("button", name="Yes, withdraw my signature").click()
        assert "Withdrawn: not shown or counted anywhere" in page.content()
        assert Signature.objects.get().state == Signature.WITHDRAWN

        page.goto(f"{self.live_server_url}/c/citizens/?lang=en")
        assert "Петрова Ксения Андреевна" not in page.content()  # lists follow at once
        self.refresh_counts()
        page.reload()
        assert page.locator(".tally .verified strong").inner_text() == "0"
        assert page.locator(".tally .withdrawn strong").inner_text() == "1"
        page.screenshot(path=str(self.shots / "campaign-after-withdrawal.png"), full_page=True)

        foreign = [url for url in requested if not url.startswith(self.live_server_url)]
        assert foreign == [], f"requests to other hosts: {foreign}"
        context.close()

    def test_form_errors_shown_without_javascript(self) -> None:
        context = self.browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{self.live_server_url}/c/citizens/sign/?lang=en")
        page.get_by_label("Full name").fill("X")
        page.get_by_role("button", name="Continue", exact=True).click()
        assert "first name and surname" in page.content()
        assert "Choose your region." in page.content()
        assert "Choose how your signature may be shown." in page.content()
        page.screenshot(path=str(self.shots / "sign-errors.png"), full_page=True)
        assert not Signature.objects.exists()
        context.close()
