from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from tests.vault.keys import age_decrypt, read_identity
from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import Signature
from undersigned.signatures.public import counts_for, regions_for
from undersigned.vault.actions import attach_contact
from undersigned.vault.models import VerifierKey
from undersigned.verification.contacts import export_contacts


class LoadDemoCommandTest(TestCase):
    def test_seed_scenario_and_idempotence(self) -> None:
        call_command("load_demo", "--citizen-signatures", "40", stdout=StringIO())
        call_command("load_demo", "--citizen-signatures", "40", stdout=StringIO())
        appeal = Campaign.objects.get(slug="deputies-appeal")
        counts = counts_for(appeal)
        assert counts.verified == 19
        assert counts.checking == 84
        assert appeal.texts.filter(language="ru", is_original=True).exists()
        assert appeal.texts.filter(language="en", is_original=False).exists()
        regions = {row.code for row in regions_for(appeal, "en")}
        assert {"RU-SPE", "RU-MOW", "RU-IRK", "RU-PRI"} <= regions
        opening = Signature.objects.filter(campaign=appeal, channel=Signature.ORGANIZER)
        assert opening.count() == 19
        assert set(opening.values_list("state", flat=True)) == {Signature.VERIFIED}
        # Each matched to its registry official, so that a repeat of one is recognised.
        assert not opening.filter(official__isnull=True).exists()
        assert Campaign.objects.get(slug="district-letter").state == Campaign.OPEN
        citizens = Campaign.objects.get(slug="citizens-parks")
        assert citizens.state == Campaign.CLOSED
        assert counts_for(citizens).verified == 40
        assert Campaign.objects.count() == 3


class DemoReceivedFilesTest(TestCase):
    def test_the_84_received_signatures_come_in_through_the_import(self) -> None:
        from undersigned.audit.models import AuditEvent

        call_command("load_demo", "--citizen-signatures", "5", stdout=StringIO())
        appeal = Campaign.objects.get(slug="deputies-appeal")
        received = Signature.objects.filter(campaign=appeal).exclude(channel=Signature.ORGANIZER)
        by_channel = {
            channel: received.filter(channel=channel).count()
            for channel in (Signature.TELEGRAM, Signature.EMAIL)
        }
        assert by_channel == {Signature.TELEGRAM: 28, Signature.EMAIL: 56}
        notes = sorted(
            AuditEvent.objects.filter(action="signatures.imported").values_list("note", flat=True)
        )
        assert notes == [
            "28 imported from telegram, 0 duplicates, 0 unreadable lines",
            "56 imported from email, 0 duplicates, 0 unreadable lines",
        ]

    def test_the_shipped_files_are_what_the_demo_generates(self) -> None:
        import random

        from undersigned.jobs.management.commands import load_demo

        rng = random.Random(2022)
        used: set[str] = set()
        opening = (load_demo.COUNCILS[:4] * 4 + load_demo.COUNCILS[4:7])[:19]
        registry = [load_demo.council_claims(rng, council, used) for council in opening]
        generated = load_demo.demo_received(rng, used, registry)
        for (_channel, lines), name in zip(generated, load_demo.RECEIVED_FILES, strict=True):
            shipped = (load_demo.DEMO_DATA / name).read_text(encoding="utf-8")
            assert shipped == "".join(lines), name

    def test_the_demo_shows_what_sets_the_product_apart(self) -> None:
        """A verifier key whose identity is in var/ (so the form offers the sealed contact
        and the export opens), the spokesperson's "84 received" update, the feed in <head>."""
        call_command("load_demo", "--citizen-signatures", "10", stdout=StringIO())
        call_command("load_demo", "--citizen-signatures", "10", stdout=StringIO())
        appeal = Campaign.objects.get(slug="deputies-appeal")
        identity_file = settings.VAR_DIR / "demo-verifier-key.txt"
        identity = read_identity(identity_file)
        assert VerifierKey.objects.filter(campaign=appeal).count() == 1
        assert VerifierKey.objects.get(campaign=appeal).public_key == str(identity.to_public())
        form = self.client.get(reverse("sign", args=[appeal.slug]) + "?lang=en").content.decode()
        assert 'name="contact"' in form
        signature = Signature.objects.filter(
            campaign=appeal, state=Signature.RECEIVED, publication=Signature.NAMED
        ).first()
        assert signature is not None
        attach_contact(signature, "phone", "+79110000009")
        bundle = export_contacts(appeal)
        assert signature.full_name in age_decrypt(identity_file, bundle).decode()

        update = appeal.updates.get()
        assert update.texts.get(language="en").body == (
            "Another 84 signatures have been received, now we will check them."
        )
        page = self.client.get(reverse("campaign", args=[appeal.slug]) + "?lang=en")
        html = page.content.decode()
        assert "Another 84 signatures have been received, now we will check them." in html
        feed = reverse("updates_feed", args=[appeal.slug])
        assert f'<link rel="alternate" type="application/atom+xml" href="{feed}"' in html


class DemoCitationTest(TestCase):
    """The seed campaign as a journalist finds it: "Cite these numbers", the citable page
    of 19 verified and 84 being checked, and the letter's PDF read back independently."""

    def test_cite_these_numbers_and_the_letter(self) -> None:
        import io
        import re
        import tempfile

        import pypdf
        import zxingcpp
        from django.test import override_settings

        from undersigned.ledger.models import Checkpoint

        out = StringIO()
        call_command("load_demo", "--citizen-signatures", "5", stdout=out)
        appeal = Campaign.objects.get(slug="deputies-appeal")
        checkpoint = Checkpoint.objects.filter(campaign=appeal).latest()
        cite_url = reverse("cite", args=[appeal.slug, checkpoint.size])
        assert f"{settings.SITE_URL}{cite_url}" in out.getvalue()
        page = self.client.get(reverse("campaign", args=[appeal.slug]) + "?lang=en")
        assert b"Cite these numbers" in page.content and cite_url.encode() in page.content
        data = self.client.get(reverse("cite_json", args=[appeal.slug, checkpoint.size])).json()
        assert (data["verified"], data["checking"]) == (19, 84)
        assert data["citation_en"].startswith(f"As of {checkpoint.time[:10]}")
        assert ": 19 verified signatories, 84 being checked — checkpoint" in data["citation_en"]
        assert b"19 verified signatories, 84 being checked" in self.client.get(cite_url).content

        with tempfile.TemporaryDirectory() as root, override_settings(EXPORT_ROOT=root):
            letter_url = reverse("letter", args=[appeal.slug, checkpoint.size])
            assert self.client.get(letter_url).status_code == 202  # asked of the worker
            response = self.client.get(letter_url)
            assert response.status_code == 200
            pdf = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content)))
        text = " ".join("\n".join(p.extract_text() for p in pdf.pages).split())
        title = appeal.text_for(appeal.original_language).title
        assert title in text
        named = Signature.objects.filter(
            campaign=appeal, state=Signature.VERIFIED, publication=Signature.NAMED
        ).first()
        assert named is not None and named.full_name in text
        assert "проверенных подписантов — 19, на проверке — 84" in text
        assert data["root"] in text
        [code] = zxingcpp.read_barcodes(pdf.pages[0].images[0].image)
        assert code.text == f"{settings.SITE_URL}{cite_url}"
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", text)
