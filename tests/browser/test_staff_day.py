"""A staff day without a shell, in Chromium with JavaScript off, as the three staff roles.

Oleg (organizer) creates a campaign with a closing date, adds Vera's key in the desk,
adds opening signatories matched to the registry (one counted but not named, sealed at
once), gives Vera and Svetlana their roles, opens it and imports pasted Telegram
messages. Vera (verifier) finds the repeat of an opening signatory flagged, rejects it
as a duplicate and verifies another signer with the offline check recorded. Svetlana
(spokesperson) publishes an update and sees it delivered to the test's SMTP server.
Oleg closes the campaign after the confirmation that says how many are still being
checked. Each step is a screenshot in artifacts/staff-day/; each page passes axe-core
(in a second context with JavaScript on, where these pages render the same) and its
tables read at 390 px without breaking words letter by letter.
"""

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from harness.smtp import SMTPServer
from tests.browser.base import BrowserCase
from tests.desk.base import current_token
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.officials.models import Official
from undersigned.signatures.models import Signature
from undersigned.updates.actions import subscribe_email
from undersigned.verification import throttle

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PASTED = "\n".join(
    [
        "Семёнова Ольга Петровна, депутат, Муниципальный совет МО Семёновский, Санкт-Петербург",
        "Кузнецова Анна Сергеевна, депутат, Муниципальный совет МО Литейный округ, Санкт-Петербург",
    ]
)
# Words of table cells that the browser broke across lines (letter by letter, at worst).
# A line may break after a hyphen ("Санкт-" / "Петербург"), never inside a word.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table.list td, table.list th')) {
    if (cell.offsetParent === null) continue;  // not shown at this width
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const pattern = /[^\\s-]+-?/g;
      let found;
      while ((found = pattern.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, found.index);
        range.setEnd(node, found.index + found[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(found[0]);
      }
    }
  }
  return broken;
}"""


class StaffDayTest(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.steps = self.shots.parent / "staff-day"
        self.steps.mkdir(parents=True, exist_ok=True)
        for name in ("oleg", "vera", "svetlana"):
            for scope in (throttle.login_by_username(), throttle.login_by_client()):
                scope.reset(name)
        self.kuznetsova = Official.objects.create(
            source="spb-2019",
            source_id="spb-014",
            full_name="Кузнецова Анна Сергеевна",
            position="депутат",
            body="Муниципальный совет МО Литейный округ",
            municipality="МО Литейный округ",
            region_code="RU-SPE",
            region_name="Санкт-Петербург",
        )
        self.petrov = Official.objects.create(
            source="spb-2019",
            source_id="spb-027",
            full_name="Петров Пётр Ильич",
            position="депутат",
            body="Муниципальный совет МО Литейный округ",
            municipality="МО Литейный округ",
            region_code="RU-SPE",
            region_name="Санкт-Петербург",
        )
        _, self.vera_key = make_identity(Path(tempfile.mkdtemp()), "vera")

    # Helpers
    def sign_in(self, user: Any, password: str, width: int = 1280) -> Any:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        context = self.browser.new_context(
            java_script_enabled=False, locale="en-US", viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        page.goto(f"{self.live_server_url}/desk/?lang=en")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        page.get_by_label("Six-digit code from your authenticator app").fill(current_token(device))
        with page.expect_navigation():
            page.get_by_label("Six-digit code from your authenticator app").press("Enter")
        assert "/desk/otp/" not in page.url and "/desk/login/" not in page.url
        return page

    def audited(self, page: Any) -> Any:
        """The same signed-in browser with JavaScript on, for axe-core."""
        context = self.browser.new_context(
            java_script_enabled=True,
            locale="en-US",
            viewport={"width": 390, "height": 900},
            storage_state=page.context.storage_state(),
        )
        return context.new_page()

    def axe(self, audit: Any, path: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        audit.goto(f"{self.live_server_url}{path}")
        results = Axe().run(audit, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"{path}\n{results.generate_report()}"

    def shot(self, page: Any, name: str) -> None:
        page.screenshot(path=str(self.steps / f"{name}.png"), full_page=True)

    def go(self, page: Any, path: str) -> None:
        separator = "&" if "?" in path else "?"
        page.goto(f"{self.live_server_url}{path}{separator}lang=en")

    # The day
    def test_the_whole_day_as_organizer_verifier_and_spokesperson(self) -> None:
        with SMTPServer() as smtp, override_settings(**smtp.settings()):
            self.organizer_prepares()
            self.verifier_decides()
            self.spokesperson_publishes(smtp)
            self.organizer_closes()

    def organizer_prepares(self) -> None:
        oleg = self.oleg = self.sign_in(self.organizer, "organizer-pass")
        audit = self.audited(oleg)
        closes = (datetime.now(UTC) + timedelta(days=14)).replace(second=0, microsecond=0)
        self.go(oleg, "/desk/new/")
        oleg.get_by_label("Address (slug)").fill("staff-day")
        oleg.get_by_label("Registry source").select_option("spb-2019")
        oleg.get_by_label("Closing date and time (UTC)").fill(closes.strftime("%Y-%m-%dT%H:%M"))
        oleg.get_by_label("Reveal thresholds").fill("10, 25")
        oleg.get_by_label("Title (original)").fill("Обращение депутатов")
        oleg.get_by_label("Text (original)").fill("Мы требуем.")
        self.shot(oleg, "01-create")
        oleg.get_by_role("button", name="Create the draft").click()
        assert "/desk/c/staff-day/manage/" in oleg.url
        assert f"closes at {closes:%Y-%m-%d %H:%M} UTC" in oleg.content()
        campaign = Campaign.objects.get(slug="staff-day")
        assert campaign.closes_at == closes and campaign.registry_source == "spb-2019"
        self.axe(audit, "/desk/new/?lang=en")

        # A hidden opening signatory with no verifier key yet: refused with the reason.
        self.add_opening(oleg, "Петров Пётр Ильич", "counted but not named")
        assert "this campaign has no verifier key yet" in oleg.content()
        assert not campaign.signatures.exists()

        # Vera's key, pasted into the desk.
        oleg.get_by_role("link", name="Verifier keys").click()
        oleg.get_by_label("Whose key").fill("Vera")
        oleg.get_by_label("age public key").fill(self.vera_key)
        oleg.get_by_role("button", name="Add the key").click()
        assert "fingerprint" in oleg.content() and "key added" in oleg.content()
        self.shot(oleg, "02-verifier-key")
        self.axe(audit, "/desk/c/staff-day/keys/?lang=en")

        # Opening signatories, each matched to the registry official Oleg picks.
        self.add_opening(oleg, "Семёнова Ольга Петровна", "named")
        self.shot(oleg, "03-opening-candidates")
        oleg.get_by_role("button", name="Add the signatory").click()
        self.add_opening(oleg, "Петров Пётр Ильич", "counted but not named")
        oleg.get_by_role("button", name="Add the signatory").click()
        opening = {s.publication: s for s in campaign.signatures.all()}
        assert opening[Signature.NAMED].official_id == self.official.pk
        assert opening[Signature.ANONYMOUS].is_sealed
        listing = oleg.locator("section[aria-labelledby=opening-list-heading]").inner_text()
        assert "spb-001" in listing and "sealed" in listing
        for username, role in (("vera", "verifier"), ("svetlana", "spokesperson")):
            oleg.locator("#id_username").fill(username)
            oleg.locator("#id_role").select_option(role)
            oleg.get_by_role("button", name="Grant the role").click()
        self.shot(oleg, "04-manage")
        self.axe(audit, "/desk/c/staff-day/manage/?lang=en")
        self.axe(audit, "/desk/registry/?q=spb&lang=en")
        oleg.get_by_role("button", name="Open for signatures").click()

        # Messages received on Telegram, pasted into the import.
        self.go(oleg, "/desk/c/staff-day/import/")
        oleg.set_viewport_size({"width": 390, "height": 900})
        oleg.get_by_label("Telegram messages").check()
        oleg.get_by_label("Or paste the claims, one a line").fill(PASTED)
        oleg.get_by_role("button", name="Preview").click()
        assert oleg.evaluate(BROKEN_WORDS) == []
        self.shot(oleg, "05-import-preview-390")
        oleg.get_by_role("button", name="Import 2 signatures").click()
        oleg.set_viewport_size({"width": 1280, "height": 900})
        self.shot(oleg, "06-imported")
        audit.goto(f"{self.live_server_url}/desk/c/staff-day/import/?lang=en")
        audit.get_by_label("Telegram messages").check()
        audit.get_by_label("Or paste the claims, one a line").fill(PASTED)
        audit.get_by_role("button", name="Preview").click()
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(audit, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, results.generate_report()
        audit.context.close()

    def add_opening(self, page: Any, name: str, shown_as: str) -> None:
        official = Official.objects.get(full_name=name)
        self.go(page, "/desk/c/staff-day/manage/")
        page.locator("#id_full_name").fill(name)
        page.locator("#id_office").fill("депутат")
        page.locator("#id_body").fill(official.body)
        page.locator("#id_region").select_option("RU-SPE")
        page.get_by_label(shown_as, exact=True).check()
        page.get_by_role("button", name="Add the signatory").click()

    def verifier_decides(self) -> None:
        vera = self.sign_in(self.verifier, "verifier-pass", width=390)
        audit = self.audited(vera)
        campaign = Campaign.objects.get(slug="staff-day")
        repeat = campaign.signatures.get(channel=Signature.TELEGRAM, full_name__startswith="Сем")
        opening = campaign.signatures.get(channel=Signature.ORGANIZER, official=self.official)
        assert repeat.state == Signature.RECEIVED  # never matched on its own
        self.go(vera, "/desk/c/staff-day/queue/")
        self.shot(vera, "07-queue-390")
        assert vera.evaluate(BROKEN_WORDS) == []
        self.axe(audit, "/desk/c/staff-day/queue/?lang=en")

        # The repeat of an opening signatory: flagged, and refused if confirmed.
        self.go(vera, f"/desk/s/{repeat.pk}/")
        assert f"already behind signature #{opening.pk}" in vera.content()
        vera.get_by_role("button", name="This is the signer: confirm the match").first.click()
        assert "one person counts once" in vera.content().lower()
        assert vera.evaluate(BROKEN_WORDS) == []
        self.shot(vera, "08-repeat-flagged")
        self.axe(audit, f"/desk/s/{repeat.pk}/?lang=en")
        vera.get_by_label("phone call to the office's public number").check()
        vera.get_by_role("button", name="Confirm", exact=True).click()
        assert "Reject one of them as a duplicate first." in vera.content()
        vera.get_by_label("duplicate", exact=True).check()
        vera.get_by_role("button", name="Reject", exact=True).click()
        repeat.refresh_from_db()
        assert (repeat.state, repeat.reject_reason) == (Signature.REJECTED, "duplicate")

        # Another signer, matched on arrival, confirmed after the offline search of the
        # sealed bundle (an opening signatory is sealed: the server cannot compare).
        other = campaign.signatures.get(channel=Signature.TELEGRAM, full_name__startswith="Куз")
        assert (other.state, other.official_id) == (Signature.MATCHED, self.kuznetsova.pk)
        self.go(vera, f"/desk/s/{other.pk}/")
        page = vera.content()
        assert "--official spb-014" in page
        vera.get_by_label("phone call to the office's public number").check()
        vera.get_by_label("I searched a fresh sealed bundle", exact=False).check()
        vera.get_by_role("button", name="Confirm", exact=True).click()
        assert "confirmed after searching the sealed bundle for this official" in vera.content()
        self.shot(vera, "09-verified-with-offline-check")
        other.refresh_from_db()
        # A hidden signer (imported lines are counted but not named): sealed once verified.
        assert other.state == Signature.VERIFIED and other.is_sealed
        assert AuditEvent.objects.filter(
            action="decision.sealed_check_done", actor=self.verifier
        ).exists()
        audit.context.close()
        vera.context.close()

    def spokesperson_publishes(self, smtp: SMTPServer) -> None:
        campaign = Campaign.objects.get(slug="staff-day")
        subscribe_email(campaign, "reader@example.org", "ru")
        svetlana = self.sign_in(self.spokesperson, "spokes-pass")
        audit = self.audited(svetlana)
        self.go(svetlana, "/desk/c/staff-day/updates/")
        svetlana.locator("input[name=title_ru]").fill("Обращение передано")
        svetlana.locator("textarea[name=body_ru]").fill("Мы передали обращение адресату.")
        svetlana.get_by_role("button", name="Publish and send").click()
        self.go(svetlana, "/desk/c/staff-day/updates/")
        assert "e-mail: 1 sent, 0 failed, 0 waiting" in svetlana.content()
        assert [mail["Subject"] for mail in smtp.received] == ["Обращение передано"]
        assert smtp.received[0]["To"] == "reader@example.org"
        self.shot(svetlana, "10-update-delivered")
        self.axe(audit, "/desk/c/staff-day/updates/?lang=en")
        audit.context.close()
        svetlana.context.close()

    def organizer_closes(self) -> None:
        oleg = self.oleg
        audit = self.audited(oleg)
        self.go(oleg, "/desk/c/staff-day/manage/")
        oleg.get_by_role("button", name="Close", exact=True).click()
        # Vera decided both imported signatures: none is still being checked.
        assert "0 signatures are still being checked." in oleg.content()
        self.shot(oleg, "11-close-confirmation")
        self.axe(audit, "/desk/c/staff-day/close/?lang=en")
        oleg.get_by_label("Close the campaign: it takes no more signatures.").check()
        oleg.get_by_role("button", name="Close the campaign").click()
        assert Campaign.objects.get(slug="staff-day").state == Campaign.CLOSED
        self.shot(oleg, "12-closed")
        audit.context.close()
        oleg.context.close()
