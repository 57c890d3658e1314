"""Vera works the desk in Chromium with JavaScript off: enrols TOTP, signs in, confirms a
signature and rejects another, moving through forms with the keyboard."""

import base64
import re

from django_otp.oath import totp

from tests.base import OLGA, make_claims
from tests.browser.base import BrowserCase
from undersigned.desk.enrolment import issue_enrolment_code
from undersigned.signatures.models import Signature
from undersigned.verification import actions, throttle


class DeskWithoutJavaScriptTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.olga, _ = self.sign(OLGA)
        self.fake, _ = self.sign(make_claims(1))
        self.olga.refresh_from_db()
        if self.olga.state == Signature.MATCHED:
            # Matched on arrival by the registry task; the verifier decides afresh here.
            actions.undo_match(self.olga, actor=self.organizer)
        for scope in (throttle.login_by_username(), throttle.login_by_client()):
            scope.reset("vera")
        self.enrolment_code = issue_enrolment_code(self.verifier)

    def test_enrol_sign_in_and_decide_with_the_keyboard(self) -> None:
        context = self.browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))

        page.goto(f"{self.live_server_url}/desk/?lang=en")
        assert "/desk/login/" in page.url
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.get_by_label("Username").fill("vera")
        page.get_by_label("Password").fill("verifier-pass")
        with page.expect_navigation():
            page.get_by_label("Password").press("Enter")

        assert "/desk/enrol/" in page.url
        page.get_by_label("Enrolment code").fill(self.enrolment_code)
        with page.expect_navigation():
            page.get_by_label("Enrolment code").press("Enter")
        assert page.locator("figure.qr svg").is_visible()
        page.screenshot(path=str(self.shots / "desk-enrol.png"), full_page=True)
        secret = page.locator("code.secret").first.inner_text()
        token = f"{totp(base64.b32decode(secret)):06d}"
        page.get_by_label("Six-digit code from your authenticator app").fill(token)
        with page.expect_navigation():
            page.get_by_label("Six-digit code from your authenticator app").press("Enter")

        assert page.get_by_role("heading", name="Your campaigns").is_visible()
        page.get_by_role("link", name="Deputies' appeal").click()
        page.get_by_role("link", name="Queue of signatures").click()
        assert "2 signatures match." in page.content()
        page.screenshot(path=str(self.shots / "desk-queue.png"), full_page=True)

        page.get_by_role("link", name=OLGA.full_name).click()
        assert page.get_by_role("heading", name="Candidates").is_visible()
        page.screenshot(path=str(self.shots / "desk-signature.png"), full_page=True)
        page.get_by_role("button", name="This is the signer: confirm the match").first.click()
        assert "Matched to the registry official." in page.content()

        page.get_by_label("in person").focus()
        page.keyboard.press("Space")
        assert page.get_by_label("in person").is_checked()
        page.locator("form[action$='/verify/'] textarea").fill("met at the council session")
        page.get_by_role("button", name="Confirm", exact=True).focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Verified: the signature now counts." in page.content()

        page.get_by_role("link", name=re.compile("Next in the queue")).click()
        page.get_by_label("impersonation").check()
        page.get_by_role("button", name="Reject", exact=True).click()
        assert "Rejected. The decision is recorded with its reason." in page.content()

        self.olga.refresh_from_db()
        self.fake.refresh_from_db()
        assert (self.olga.state, self.olga.official_id) == (Signature.VERIFIED, self.official.pk)
        assert (self.fake.state, self.fake.reject_reason) == (Signature.REJECTED, "impersonation")
        assert all(url.startswith(self.live_server_url) for url in requested)
        context.close()
