"""A signer's receipt says only what is true of her signature's state, and its forms (be
less visible, a confirmation code) follow the error pattern of every form: no browser
bubble, "Error:" in the title, a summary, the field marked invalid. On a 390 px phone,
with scripts on and off; axe-core finds nothing."""

from typing import Any

from tests.base import make_claims
from tests.browser.base import BrowserCase
from tests.browser.phone import audit, phone, shot
from undersigned.campaigns.models import Campaign
from undersigned.signatures import actions
from undersigned.signatures.models import Signature
from undersigned.verification import actions as verification

SIGNER = make_claims(100, "RU-IRK")


class ReceiptStatesTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.letter = self.make_campaign(
            "letter", eligibility=Campaign.ELIGIBLE_ANYONE, reveal_thresholds=[100, 200]
        )
        for n in range(19):
            self.sign_verified(make_claims(n), self.letter)
        self.refresh_counts()

    def receipt(self, token: str, scripts: bool) -> Any:
        page = phone(self.browser, scripts=scripts)
        page.goto(f"{self.live_server_url}/r/{token}/?lang=en")
        return page

    def facts(self, page: Any) -> str:
        return str(page.locator("dl.receipt").inner_text())

    # 16. Each state says only what is true.

    def check_withdrawn(self, scripts: bool) -> None:
        signature, token = self.sign(
            SIGNER, self.letter, publication=Signature.CONDITIONAL, reveal_threshold=100
        )
        page = self.receipt(token, scripts)
        assert "named once 100 verified signatories have signed — 81 more needed" in self.facts(
            page
        )
        actions.withdraw_signature(signature)
        page.reload()
        facts = self.facts(page)
        assert "Withdrawn: not shown or counted anywhere" in facts
        assert "more needed" not in facts and "named once" not in facts
        assert page.get_by_role("heading", name="Be less visible").count() == 0
        assert page.get_by_role("heading", name="Withdraw").count() == 0
        shot(page, f"receipt-withdrawn-{'js' if scripts else 'nojs'}")
        audit(self.browser, page, scripts=scripts)
        page.context.close()

    def test_a_withdrawn_receipt_with_scripts(self) -> None:
        self.check_withdrawn(scripts=True)

    def test_a_withdrawn_receipt_without_scripts(self) -> None:
        self.check_withdrawn(scripts=False)

    def check_rejected(self, scripts: bool) -> None:
        signature, token = self.sign(SIGNER, self.letter, publication=Signature.ANONYMOUS)
        actions.reject_signature(signature, Signature.REJECT_NOT_OFFICIAL, actor=self.verifier)
        page = self.receipt(token, scripts)
        facts = self.facts(page)
        assert "Not accepted: not shown or counted anywhere" in facts
        assert "counted" not in facts.replace("not shown or counted anywhere", "")
        assert page.get_by_role("heading", name="Be less visible").count() == 0
        assert page.get_by_role("button", name="Withdraw my signature…").is_visible()
        shot(page, f"receipt-rejected-{'js' if scripts else 'nojs'}")
        audit(self.browser, page, scripts=scripts)
        page.context.close()

    def test_a_rejected_receipt_with_scripts(self) -> None:
        self.check_rejected(scripts=True)

    def test_a_rejected_receipt_without_scripts(self) -> None:
        self.check_rejected(scripts=False)

    # 15. The receipt's forms and the code pages follow the error pattern.

    def check_less_visible_errors(self, scripts: bool) -> None:
        signature, token = self.sign(SIGNER, self.letter, publication=Signature.NAMED)
        page = self.receipt(token, scripts)
        form = page.locator("form[action$='/publication/']")
        assert form.get_attribute("novalidate") is not None
        form.get_by_role("button", name="Save").click()  # nothing chosen
        assert page.url.endswith("/publication/"), "the browser stopped the form itself"
        assert page.title() == "Error: Your receipt"
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        assert "Choose how your signature may be shown." in summary.inner_text()
        target = summary.locator("a").first.get_attribute("href")
        assert page.locator(target).get_attribute("aria-invalid") == "true"
        shot(page, f"receipt-publication-error-{'js' if scripts else 'nojs'}")
        audit(self.browser, page, scripts=scripts)
        page.get_by_label("Count me, but do not show my name").check()
        page.get_by_role("button", name="Save").click()
        signature.refresh_from_db()
        assert signature.publication == Signature.ANONYMOUS
        assert page.title() == "Your receipt"
        page.context.close()

    def test_less_visible_errors_with_scripts(self) -> None:
        self.check_less_visible_errors(scripts=True)

    def test_less_visible_errors_without_scripts(self) -> None:
        self.check_less_visible_errors(scripts=False)

    def check_code_errors(self, scripts: bool) -> None:
        signature, token = self.sign(SIGNER, self.letter)
        verification.issue_code(signature, actor=self.verifier)
        page = phone(self.browser, scripts=scripts)
        for start in (f"/r/{token}/?lang=en", "/confirm/?lang=en"):
            page.goto(f"{self.live_server_url}{start}")
            form = page.locator("form:has(input[name=code])")
            assert form.get_attribute("novalidate") is not None
            form.get_by_role("button", name="Confirm").click()  # empty: the server says so
            assert page.title() == "Error: Confirm your signature"
            assert "Enter the code you received." in page.locator(".error-summary").inner_text()
            page.get_by_label("Confirmation code").fill("AAAA-BBBB-CCCC")
            page.get_by_role("button", name="Confirm").click()
            assert page.title() == "Error: Confirm your signature"
            summary = page.locator(".error-summary")
            assert "This code is not right." in summary.inner_text()
            summary.locator("a").first.click()
            code = page.get_by_label("Confirmation code")
            assert code.get_attribute("aria-invalid") == "true"
            assert "code_error" in (code.get_attribute("aria-describedby") or "")
            shot(page, f"confirm-error-{'js' if scripts else 'nojs'}")
            audit(self.browser, page, scripts=scripts)
            # Switching language on the error page keeps the code typed, untried.
            code.fill("KEPT-CODE-1234")
            page.get_by_role("button", name="Русский").click()
            assert page.locator("html").get_attribute("lang") == "ru"
            assert page.title() == "Подтвердите свою подпись"
            assert page.get_by_label("Код подтверждения").input_value() == "KEPT-CODE-1234"
            page.get_by_role("button", name="English").click()
            assert page.get_by_label("Confirmation code").input_value() == "KEPT-CODE-1234"
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        page.context.close()

    def test_code_errors_with_scripts(self) -> None:
        self.check_code_errors(scripts=True)

    def test_code_errors_without_scripts(self) -> None:
        self.check_code_errors(scripts=False)
