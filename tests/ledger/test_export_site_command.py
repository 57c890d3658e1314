"""`export_site`: a static mirror with relative links, verifiable, written incrementally."""

import io
import json
import re
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns.models import CampaignText
from undersigned.ledger import verify
from undersigned.signatures.models import Signature

LINK = re.compile(r"""(?:href|src|action)\s*=\s*["']([^"']*)["']""")


class ExportSiteTest(PersonaTestCase):
    def setUp(self) -> None:
        for n in range(3):
            self.sign_verified(make_claims(n))
        self.sign_verified(make_claims(9), publication=Signature.ANONYMOUS)
        self.refresh_counts()
        self.out = Path(tempfile.mkdtemp()) / "mirror"
        self.state = self.out.parent / "seen.json"

    def export(self) -> str:
        out = io.StringIO()
        call_command("export_site", str(self.out), stdout=out)
        return out.getvalue()

    def verify(self, target: Path) -> tuple[int, str]:
        out = io.StringIO()
        status = verify.main([str(target), "--state", str(self.state)], out=out)
        return status, out.getvalue()

    def test_mirror_holds_pages_in_every_language_and_the_log(self) -> None:
        report = self.export()
        assert "files written" in report
        for name in [
            "index.html",
            "en/index.html",
            "c/deputies/index.html",
            "en/c/deputies/index.html",
            "c/deputies/signatories/index.html",
            "c/deputies/log/checkpoint",
            "c/deputies/log/key",
            "c/deputies/log/counts.json",
            "c/deputies/log/entries/0.json",
            "log/campaigns.json",
            "static/web/site.css",
        ]:
            assert (self.out / name).is_file(), name
        english = (self.out / "en/c/deputies/index.html").read_text()
        assert "Deputies&#x27; appeal" in english
        assert "Обращение депутатов" in (self.out / "c/deputies/index.html").read_text()
        assert json.loads((self.out / "c/deputies/log/counts.json").read_text())["verified"] == 4

    def test_links_are_relative_and_resolve(self) -> None:
        self.export()
        for page in self.out.rglob("*.html"):
            for link in LINK.findall(page.read_text()):
                if link.startswith("#"):
                    continue
                if link.startswith(("https://t.me/share/", "https://vk.com/share.php", "mailto:")):
                    continue  # the campaign's share links: plain links, the mirror's too
                # No link leads back to the site: what only the site can do (signing)
                # leads to the mirror's page that says where the site is.
                assert not link.startswith(("http://", "https://", "//")), (page, link)
                assert not link.startswith("/"), (page, link)
                assert (page.parent / link.split("#")[0]).resolve().is_file(), (page, link)
        english = (self.out / "en/c/deputies/index.html").read_text()
        assert 'href="../../../c/deputies/index.html"' in english  # the same page in Russian
        assert 'href="../../../static/web/site.css"' in english

    def test_mirror_verifies(self) -> None:
        self.export()
        status, report = self.verify(self.out)
        assert status == 0, report
        assert "deputies: OK" in report
        status, report = self.verify(self.out / "c" / "deputies")
        assert status == 0, report

    def test_counted_events_the_log_has_not_taken_yet_go_in_first(self) -> None:
        # A database taken between the count job's fold and the log's append (a backup
        # restored elsewhere): its counts are ahead of its log.
        from undersigned.signatures.counts import fold_changes
        from undersigned.signatures.models import PendingLogEvent

        self.sign_verified(make_claims(20))
        fold_changes()
        assert PendingLogEvent.objects.exists()
        self.export()
        assert not PendingLogEvent.objects.exists()
        status, report = self.verify(self.out)
        assert status == 0, report

    def test_tampered_mirror_fails(self) -> None:
        self.export()
        counts = self.out / "c/deputies/log/counts.json"
        data = json.loads(counts.read_text())
        data["verified"] = 40
        counts.write_text(json.dumps(data))
        status, report = self.verify(self.out)
        assert status == 1
        assert "the site shows 40 verified, the log proves 4" in report
        entries = self.out / "c/deputies/log/entries/0.json"
        data = json.loads(entries.read_text())
        data["entries"].reverse()
        entries.write_text(json.dumps(data))
        status, report = self.verify(self.out)
        assert "the entries do not hash to the signed root" in report

    def test_second_run_rewrites_only_what_changed(self) -> None:
        self.export()
        css = self.out / "static/web/site.css"
        key = self.out / "c/deputies/log/key"
        stamps = {css: css.stat().st_mtime_ns, key: key.stat().st_mtime_ns}
        report = self.export()
        assert re.search(r"\d+ unchanged", report)
        self.sign_verified(make_claims(20))
        self.refresh_counts()
        checkpoint_before = (self.out / "c/deputies/log/checkpoint").read_bytes()
        report = self.export()
        written, unchanged, _ = map(int, re.findall(r"(\d+) ", report)[:3])
        assert written >= 3 and unchanged >= 3, report
        assert (self.out / "c/deputies/log/checkpoint").read_bytes() != checkpoint_before
        assert {css: css.stat().st_mtime_ns, key: key.stat().st_mtime_ns} == stamps
        assert json.loads((self.out / "c/deputies/log/counts.json").read_text())["verified"] == 5
        assert self.verify(self.out)[0] == 0

    def test_pages_come_from_the_database_not_a_cache_ahead_of_it(self) -> None:
        # A restored backup exported beside the live site shares its cache, which may
        # already hold later pages; the mirror must agree with the database it is taken from.
        assert "Обращение депутатов" in self.client.get("/c/deputies/").content.decode()
        CampaignText.objects.filter(campaign=self.campaign, language="ru").update(
            title="Обращение депутатов, как в копии"
        )
        assert "как в копии" not in self.client.get("/c/deputies/").content.decode()
        self.export()
        assert "как в копии" in (self.out / "c/deputies/index.html").read_text()

    def test_files_no_longer_public_are_removed(self) -> None:
        self.export()
        stale = self.out / "c/deputies/log/entries/7.json"
        manifest = json.loads((self.out / ".export-manifest.json").read_text())
        stale.write_text("{}")
        (self.out / ".export-manifest.json").write_text(
            json.dumps([*manifest, "c/deputies/log/entries/7.json"])
        )
        report = self.export()
        assert "1 removed" in report
        assert not stale.exists()

    def test_private_data_stays_out(self) -> None:
        self.export()
        hidden = make_claims(9).full_name
        for path in self.out.rglob("*"):
            if path.is_file():
                assert hidden not in path.read_text(errors="replace"), path
        assert not list(self.out.rglob("sign/*"))
        assert not (self.out / "r").exists()

    def test_mirror_tells_absolute_times_and_when_it_was_exported(self) -> None:
        self.export()
        pages = list(self.out.rglob("*.html"))
        assert len(pages) > 5
        relative = re.compile(r"\bago\b|назад|just now|только что", re.IGNORECASE)
        for page in pages:
            text = page.read_text()
            assert not relative.search(text), page
            if page.name != "mirror.html":
                assert f"A static mirror of {settings.SITE_URL}, exported at 20" in text or (
                    f"Статическое зеркало {settings.SITE_URL}, выгружено 20" in text
                ), page
        english = (self.out / "en/c/deputies/index.html").read_text()
        assert re.search(r"Counted at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", english)
        sign = re.search(r'<a class="button" href="([^"]+)"', english)
        assert sign and sign.group(1) == "../../mirror.html"
        about = (self.out / "en/mirror.html").read_text()
        assert settings.SITE_URL in about and "exported at 20" in about

    def test_every_checkpoint_is_citable_in_the_mirror(self) -> None:
        first = self.campaign.checkpoints.latest()
        self.sign(make_claims(30))
        self.refresh_counts()
        latest = self.campaign.checkpoints.latest()
        self.export()
        for checkpoint in (first, latest):
            size = checkpoint.size
            assert (self.out / f"c/deputies/log/checkpoints/{size}").is_file()
            data = json.loads((self.out / f"c/deputies/cite/{size}.json").read_text())
            assert data["size"] == size and data["time"] == checkpoint.time
            assert (self.out / f"c/deputies/cite/{size}/index.html").is_file()
        campaign_page = (self.out / "c/deputies/index.html").read_text()
        assert f'href="cite/{latest.size}/index.html"' in campaign_page

    def test_citation_line_checked_against_the_mirror(self) -> None:
        self.export()
        checkpoint = self.campaign.checkpoints.latest()
        data = json.loads((self.out / f"c/deputies/cite/{checkpoint.size}.json").read_text())
        out = io.StringIO()
        status = verify.main([str(self.out), "--cite", data["citation"]], out=out)
        assert status == 0, out.getvalue()
        assert "citation: OK" in out.getvalue()
        wrong = data["citation"].replace(
            "проверенных подписантов — 4", "проверенных подписантов — 40"
        )
        assert wrong != data["citation"]
        out = io.StringIO()
        assert verify.main([str(self.out), "--cite", wrong], out=out) == 1
        assert "the line gives the verified figure 40, the log's checkpoint 4" in out.getvalue()
