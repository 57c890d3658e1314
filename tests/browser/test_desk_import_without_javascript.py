"""Oleg imports the signatures received by e-mail through the desk, JavaScript off:
a CSV file and pasted lines, the preview, the confirmation, the receipt links once."""

import tempfile
from pathlib import Path
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.base import BrowserCase
from tests.desk.base import current_token
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature
from undersigned.verification import throttle

CSV = """full_name,municipality,region,publication
Иванова Мария Петровна,МО Семёновский,Санкт-Петербург,
Петров Пётр Ильич,с.п. Ивановское,Тверская обл.,named
Иванова Мария Петровна,МО Семёновский,Санкт-Петербург,
,МО Семёновский,,
"""


class DeskImportWithoutJavaScriptTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        for scope in (throttle.login_by_username(), throttle.login_by_client()):
            scope.reset("oleg")
        self.device = TOTPDevice.objects.create(user=self.organizer, name="phone", confirmed=True)

    def sign_in(self, page: Any) -> None:
        page.goto(f"{self.live_server_url}/desk/?lang=en")
        page.get_by_label("Username").fill("oleg")
        page.get_by_label("Password").fill("organizer-pass")
        with page.expect_navigation():
            page.get_by_label("Password").press("Enter")
        page.get_by_label("Six-digit code from your authenticator app").fill(
            current_token(self.device)
        )
        with page.expect_navigation():
            page.get_by_label("Six-digit code from your authenticator app").press("Enter")

    def test_preview_then_confirm_a_csv_file(self) -> None:
        context = self.browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        self.sign_in(page)
        page.get_by_role("link", name="Deputies' appeal").click()
        page.get_by_role("link", name="Import signatures received elsewhere").click()
        path = Path(tempfile.mkdtemp()) / "received.csv"
        path.write_text(CSV, encoding="utf-8")
        page.get_by_label("e-mails").check()
        page.get_by_label("CSV or XLSX file").set_input_files(str(path))
        page.get_by_role("button", name="Preview").click()

        assert page.get_by_role("heading", name="How each line was read").is_visible()
        preview = page.content()
        assert "2 signatures to import" in preview and "1 duplicate" in preview
        assert "duplicate of line 2" in page.locator("#line-4").inner_text()
        assert "unreadable: no name" in page.locator("#line-5").inner_text()
        assert "Тверская обл." in page.locator("#line-3").inner_text()
        page.screenshot(path=str(self.shots / "desk-import-preview.png"), full_page=True)
        assert not Signature.objects.exists()

        page.get_by_role("button", name="Import 2 signatures").click()
        assert page.get_by_role("heading", name="2 signatures imported").is_visible()
        links = page.locator("code.receipt-link").all_inner_texts()
        assert len(links) == 2 and all("/r/" in link for link in links)
        page.screenshot(path=str(self.shots / "desk-import-done.png"), full_page=True)
        signatures = Signature.objects.all()
        assert {s.channel for s in signatures} == {Signature.EMAIL}
        assert AuditEvent.objects.filter(
            action="signatures.imported", actor=self.organizer
        ).exists()

        # The receipt works for the signer it is sent back to, and says the signature waits.
        receipt = context.new_page()
        receipt.goto(links[0].replace("http://127.0.0.1:8000", self.live_server_url) + "?lang=en")
        assert "Иванова Мария Петровна" in receipt.content()
        context.close()

    def test_pasted_lines(self) -> None:
        context = self.browser.new_context(java_script_enabled=False, locale="en-US")
        page = context.new_page()
        self.sign_in(page)
        page.goto(f"{self.live_server_url}/desk/c/{self.campaign.slug}/import/?lang=en")
        page.get_by_label("Telegram messages").check()
        page.get_by_label("Or paste the claims, one a line").fill(
            "Иванова Мария Петровна, депутат МО Семёновский, Санкт-Петербург\n"
            "деп. Петров Пётр; с.п. Ивановское; Тверская обл."
        )
        page.get_by_role("button", name="Preview").click()
        assert "MO Семёновский" not in page.content()  # shown as written
        assert "МО Семёновский" in page.locator("#line-1").inner_text()
        page.get_by_role("button", name="Import 2 signatures").click()
        assert page.get_by_role("heading", name="2 signatures imported").is_visible()
        assert Signature.objects.filter(channel=Signature.TELEGRAM).count() == 2
        context.close()
