"""Three signers choose named, counted-but-not-named, and named-at-a-threshold, with
JavaScript off; the threshold is reached and the waiting signer, verified once it stands,
is named on the page and on their receipt. The unnamed signer is never shown. (A waiting
signer verified below the threshold is sealed and named only after a verifier's reveal
file: tests/browser/test_conditional_reveal.py.)"""

from typing import Any

from tests.browser.base import BrowserCase
from undersigned.campaigns.models import Campaign
from undersigned.signatures import actions
from undersigned.signatures.models import Signature

SIGNERS = [
    ("Открытова Анна Сергеевна", "Show my name"),
    ("Тихонов Борис Петрович", "Count me, but do not show my name"),
    ("Жданова Вера Ильинична", "Show my name only once enough others have signed"),
]


class PublicationChoicesTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.letter = self.make_campaign(
            "letter", eligibility=Campaign.ELIGIBLE_ANYONE, reveal_thresholds=[2]
        )

    def sign(self, page: Any, name: str, choice: str) -> str:
        page.goto(f"{self.live_server_url}/c/letter/sign/?lang=en")
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Region").select_option("RU-IRK")
        page.get_by_label(choice, exact=True).check()
        if "enough others" in choice:
            page.get_by_label("2", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Sign", exact=True).click()
        assert page.get_by_role("heading", name="Thank you for signing").is_visible()
        return page.url.split("?")[0]

    def campaign_page(self, name: str) -> str:
        """The campaign page as a new reader sees it (a browser of their own, nothing cached)."""
        context = self.browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        page.goto(f"{self.live_server_url}/c/letter/?lang=en")
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        html = str(page.content())
        context.close()
        return html

    def test_three_choices_and_the_threshold_reveal(self) -> None:
        context = self.browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        receipts = [self.sign(page, name, choice) for name, choice in SIGNERS]
        named, unnamed, waiting = (Signature.objects.get(full_name=name) for name, _ in SIGNERS)
        assert (named.publication, unnamed.publication, waiting.publication) == (
            "named",
            "anonymous",
            "conditional",
        )

        actions.verify_signature(named, actor=self.verifier)
        self.refresh_counts()
        html = self.campaign_page("campaign-before-reveal")
        assert SIGNERS[0][0] in html
        assert SIGNERS[1][0] not in html and SIGNERS[2][0] not in html
        page.goto(receipts[2] + "?lang=en")
        assert "named once 2 verified signatories have signed — 1 more needed" in page.content()
        page.screenshot(path=str(self.shots / "receipt-waiting-for-threshold.png"), full_page=True)

        actions.verify_signature(unnamed, actor=self.verifier)
        self.refresh_counts()  # the second verified signature reaches the threshold
        actions.verify_signature(waiting, actor=self.verifier)
        self.refresh_counts()
        html = self.campaign_page("campaign-after-reveal")
        assert SIGNERS[0][0] in html and SIGNERS[2][0] in html
        assert SIGNERS[1][0] not in html
        page.goto(receipts[2] + "?lang=en")
        assert "reached, your name is shown" in page.content()
        page.goto(receipts[1] + "?lang=en")
        assert "counted but not named" in page.content()

        foreign = [url for url in requested if not url.startswith(self.live_server_url)]
        assert foreign == []
        context.close()
