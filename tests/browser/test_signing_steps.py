"""A signer on a 390 px phone, with scripts on and off, is told where she is at every step
of signing: errors of an earlier try go once they no longer apply, the check opens at its
heading with its own title, a captcha that becomes due reads as one more step (not an
error), a field reached from the error summary shows its label, and neither a language
switch nor a refusal for too many signatures loses an answer. axe-core finds nothing on
any of these pages."""

from typing import Any

from captcha.models import CaptchaStore
from django.test import override_settings

from tests.browser.base import BrowserCase
from tests.browser.phone import audit, in_view, phone, shot
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature

NAME = "Петрова Ксения Андреевна"
TITLE = "Deputies' appeal"
# Every page of these tests comes from one address: the limits stay out of the way, but
# in the tests of the captcha and of the refusal.
QUIET = {
    "RATE_CLIENT_CAPTCHA_AFTER": 1000,
    "RATE_CLIENT_HOLD_AFTER": 1000,
    "RATE_CLIENT_LIMIT": 1000,
    "RATE_CAMPAIGN_CAPTCHA_AFTER": 1000,
}


@override_settings(**QUIET)
class SigningStepsTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_campaign(
            "citizens",
            eligibility=Campaign.ELIGIBLE_ANYONE,
            requires_verification=False,
            reveal_thresholds=[50, 100],
        )

    def form(self, scripts: bool, lang: str = "en") -> Any:
        page = phone(self.browser, scripts=scripts)
        page.goto(f"{self.live_server_url}/c/citizens/sign/?lang={lang}")
        return page

    def complete(self, page: Any) -> None:
        page.get_by_label("Full name").fill(NAME)
        page.get_by_label("Position").fill("депутат")
        page.get_by_label("Region").select_option("RU-IRK")
        page.get_by_label("Show my name", exact=True).check()

    def continue_(self, page: Any) -> None:
        """The form's own button (Continue, in the page's language)."""
        page.locator("#sign-form > button[type=submit]").click()

    def sign_on_check(self, page: Any) -> None:
        """The Sign button of the check: in the page (scripts on) or on its own page."""
        page.get_by_role("button", name="Sign", exact=True).click()

    # 12. Errors go once they no longer apply; focus and titles follow the step.

    def check_errors_then_the_check(self, scripts: bool) -> None:
        page = self.form(scripts)
        page.get_by_label("Full name").fill("Петрова")
        self.continue_(page)
        assert page.locator(".error-summary").is_visible()
        assert page.title().startswith("Error: ")
        assert page.locator("[aria-invalid=true]").count() >= 1

        self.complete(page)
        self.continue_(page)
        heading = page.get_by_role("heading", name="Check your answers before signing")
        assert heading.is_visible()
        assert page.locator(".error-summary").count() == 0, "the old problem box stays"
        assert page.locator("p.error").count() == 0
        assert page.locator("[aria-invalid]").count() == 0
        assert page.title() == f"Check your answers · {TITLE}"
        box = in_view(page, "#check-heading" if scripts else "h1")
        assert 0 <= box["top"] < box["height"] / 2, f"the check opens past its heading: {box}"
        if scripts:
            assert page.evaluate("() => document.activeElement.className") == "check-in-page"
        shot(page, f"check-after-errors-{'js' if scripts else 'nojs'}")
        audit(self.browser, page, scripts=scripts)

        page.get_by_role("button", name="Change my answers").click()
        assert page.title() == f"Sign · {TITLE}"
        assert page.locator(".error-summary").count() == 0
        assert page.get_by_label("Full name").input_value() == NAME
        self.continue_(page)
        self.sign_on_check(page)
        page.wait_for_url("**/r/**")
        assert Signature.objects.get().full_name == NAME
        page.context.close()

    def test_errors_then_the_check_with_scripts(self) -> None:
        self.check_errors_then_the_check(scripts=True)

    def test_errors_then_the_check_without_scripts(self) -> None:
        self.check_errors_then_the_check(scripts=False)

    # 13. A captcha that becomes due is a step, not an error.

    def due_now(self) -> None:
        """Two attempts from this address since the form was shown: the next needs a captcha."""
        for _ in range(2):
            self.client.post("/c/citizens/sign/", {}, REMOTE_ADDR="127.0.0.1")

    def solve(self, page: Any) -> None:
        key = page.locator("input[name=captcha_0]").input_value()
        page.locator("input[name=captcha_1]").fill(CaptchaStore.objects.get(hashkey=key).response)

    def check_the_captcha_step(self, scripts: bool) -> None:
        page = self.form(scripts)
        assert page.locator("input[name=captcha_1]").count() == 0
        self.complete(page)
        self.due_now()
        self.continue_(page)
        self.sign_on_check(page)

        step = page.locator(".step")
        assert step.get_by_role("heading", name="One more step").is_visible()
        assert "Nothing is wrong with your answers" in step.inner_text()
        assert page.title() == f"One more step: Sign · {TITLE}"
        assert "There is a problem" not in page.content()
        assert page.locator(".error-summary, p.error, [aria-invalid]").count() == 0
        assert page.get_by_label("Full name").input_value() == NAME
        assert page.get_by_label("Region").input_value() == "RU-IRK"
        assert page.get_by_label("Show my name", exact=True).is_checked()
        assert not Signature.objects.exists()
        shot(page, f"captcha-step-{'js' if scripts else 'nojs'}")
        audit(self.browser, page, scripts=scripts)

        self.solve(page)
        self.continue_(page)
        self.sign_on_check(page)
        page.wait_for_url("**/r/**")
        assert Signature.objects.get().full_name == NAME
        page.context.close()

    @override_settings(RATE_CLIENT_CAPTCHA_AFTER=2)
    def test_the_captcha_step_with_scripts(self) -> None:
        self.check_the_captcha_step(scripts=True)

    @override_settings(RATE_CLIENT_CAPTCHA_AFTER=2)
    def test_the_captcha_step_without_scripts(self) -> None:
        self.check_the_captcha_step(scripts=False)

    # 14. A field reached from the error summary shows its label.

    def check_summary_links(self, scripts: bool, lang: str) -> None:
        page = self.form(scripts, lang)
        self.continue_(page)
        links = page.locator(".error-summary a")
        assert links.count() >= 3
        for n in range(links.count()):
            target = links.nth(n).get_attribute("href")
            page.evaluate("() => window.scrollTo(0, 0)")
            links.nth(n).click()
            where = page.evaluate(
                """id => { const field = document.getElementById(id);
                const label = field.closest('fieldset')?.querySelector('legend')
                    || document.querySelector(`label[for="${id}"]`);
                return {label: label.getBoundingClientRect().top,
                        field: field.getBoundingClientRect().bottom, height: innerHeight,
                        moved: scrollY}; }""",
                target[1:],
            )
            assert where["moved"] > 0, f"{target}: the page did not move"
            assert where["label"] >= 0, f"{target}: its label is above the screen: {where}"
            assert where["field"] <= where["height"], f"{target}: below the screen: {where}"
        page.context.close()

    def test_summary_links_show_the_label_with_scripts(self) -> None:
        for lang in ("en", "ru"):
            self.check_summary_links(True, lang)

    def test_summary_links_show_the_label_without_scripts(self) -> None:
        for lang in ("en", "ru"):
            self.check_summary_links(False, lang)

    # 17. No answer is lost by a language switch or a refusal.

    def check_language_switch_on_the_error_page(self, scripts: bool) -> None:
        page = self.form(scripts)
        page.get_by_label("Full name").fill(NAME)
        page.get_by_label("Position").fill("депутат")
        self.continue_(page)  # no region, no choice: the error page
        assert page.locator(".error-summary").is_visible()
        page.get_by_role("button", name="Русский").click()
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.get_by_label("Фамилия, имя, отчество").input_value() == NAME
        assert page.locator("input[name=office]").input_value() == "депутат"
        page.locator("select[name=region]").select_option("RU-IRK")
        page.locator("input[name=publication][value=named]").check()
        audit(self.browser, page, scripts=scripts)
        self.continue_(page)
        if scripts:  # the check in the page; English again from its language button
            page.get_by_role("button", name="English").click()
            assert page.locator("html").get_attribute("lang") == "en"
            assert page.get_by_label("Full name").input_value() == NAME
            self.continue_(page)
        else:  # the check page: its language button shows the same check in English
            assert page.get_by_role("heading", name="Проверьте ответы перед подписью").is_visible()
            page.get_by_role("button", name="English").click()
            assert page.locator("html").get_attribute("lang") == "en"
            assert page.get_by_role(
                "heading", name="Check your answers before signing"
            ).is_visible()
            assert NAME in page.locator(".preview").inner_text()
            assert "(Irkutsk)" in page.locator(".preview").inner_text()
            audit(self.browser, page, scripts=scripts)
        self.sign_on_check(page)
        page.wait_for_url("**/r/**")
        signature = Signature.objects.get()
        assert (signature.full_name, signature.office) == (NAME, "депутат")
        page.context.close()

    def test_language_switch_keeps_the_answers_with_scripts(self) -> None:
        self.check_language_switch_on_the_error_page(scripts=True)

    def test_language_switch_keeps_the_answers_without_scripts(self) -> None:
        self.check_language_switch_on_the_error_page(scripts=False)

    def check_the_refusal(self, scripts: bool) -> None:
        page = self.form(scripts)
        self.complete(page)
        for _ in range(3):  # three attempts from this address: the next one is refused
            self.client.post("/c/citizens/sign/", {}, REMOTE_ADDR="127.0.0.1")
        self.continue_(page)
        self.sign_on_check(page)
        assert page.title() == f"Error: Too many signatures · {TITLE}"
        refusal = page.locator(".refusal")
        assert refusal.get_by_role(
            "heading", name="Too many signatures from your connection"
        ).is_visible()
        assert "Nothing from this last attempt was stored." in refusal.inner_text()
        assert "try again in 10 minutes" in refusal.inner_text()
        assert "Your answers are still in the form below" in refusal.inner_text()
        assert page.get_by_label("Full name").input_value() == NAME
        assert page.get_by_label("Position").input_value() == "депутат"
        assert page.get_by_label("Region").input_value() == "RU-IRK"
        assert page.get_by_label("Show my name", exact=True).is_checked()
        assert not Signature.objects.exists()
        shot(page, f"refused-{'js' if scripts else 'nojs'}")
        audit(self.browser, page, scripts=scripts)
        # The form opened again in another tab says the refusal holds; looking counts as
        # no attempt.
        again = page.context.new_page()
        again.goto(f"{self.live_server_url}/c/citizens/sign/?lang=en")
        assert again.title() == f"Error: Too many signatures · {TITLE}"
        told = again.locator(".refusal").inner_text()
        assert "The form below will not be taken until then." in told
        assert "try again in 10 minutes" in told
        audit(self.browser, again, scripts=scripts)
        again.close()

        with self.settings(RATE_CLIENT_LIMIT=1000):  # as when the window has passed
            if page.locator("input[name=captcha_1]").count():
                self.solve(page)
            self.continue_(page)
            self.sign_on_check(page)
            page.wait_for_url("**/r/**")
        assert Signature.objects.get().full_name == NAME
        page.context.close()

    @override_settings(RATE_CLIENT_LIMIT=3, RATE_WINDOW_SECONDS=600)
    def test_the_refusal_keeps_the_answers_with_scripts(self) -> None:
        self.check_the_refusal(scripts=True)

    @override_settings(RATE_CLIENT_LIMIT=3, RATE_WINDOW_SECONDS=600)
    def test_the_refusal_keeps_the_answers_without_scripts(self) -> None:
        self.check_the_refusal(scripts=False)
