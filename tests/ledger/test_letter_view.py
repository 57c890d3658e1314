"""The letter as delivered: a PDF built by the task worker as of a checkpoint, read back
with independent tools (pypdf for the text, zxing-cpp for the QR code)."""

import io
import shutil
import tempfile

import pypdf
import zxingcpp
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.ledger import letter
from undersigned.ledger.models import Checkpoint
from undersigned.signatures import actions as signature_actions
from undersigned.signatures.models import Signature


class LetterViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.root, True)
        override = override_settings(EXPORT_ROOT=self.root)
        override.enable()
        self.addCleanup(override.disable)
        self.named = [self.sign_verified(make_claims(n)) for n in range(3)]
        self.sign_verified(make_claims(5, region_code="RU-SPE"), publication=Signature.ANONYMOUS)
        self.sign(make_claims(9))
        self.refresh_counts()
        self.checkpoint = Checkpoint.objects.filter(campaign=self.campaign).latest()

    def fetch(self, size: int) -> bytes:
        url = reverse("letter", args=["deputies", size])
        # The request asks the task worker for the letter and answers at once; the worker
        # (here the tests' immediate task backend) writes the file the next request serves.
        pending = self.client.get(url)
        assert pending.status_code == 202 and pending["Retry-After"]
        fingerprint = letter.names_fingerprint(self.campaign)
        assert letter.letter_path("deputies", size, fingerprint).is_file()
        response = self.client.get(url)
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "application/pdf"
        return b"".join(response.streaming_content)

    def text_of(self, raw: bytes) -> tuple[pypdf.PdfReader, str]:
        pdf = pypdf.PdfReader(io.BytesIO(raw))
        return pdf, "\n".join(page.extract_text() for page in pdf.pages)

    def citable(self) -> dict:
        url = reverse("cite_json", args=["deputies", self.checkpoint.size])
        return self.client.get(url).json()

    def test_letter_holds_text_names_counts_root_and_a_qr_code_to_the_citable_page(self) -> None:
        pdf, text = self.text_of(self.fetch(self.checkpoint.size))
        flat = " ".join(text.split())
        assert pdf.xmp_metadata is not None
        assert pdf.xmp_metadata.dc_title == {"x-default": "Обращение депутатов"}
        assert "Обращение депутатов" in text and "Мы требуем." in text
        assert "Депутатов1 Иван Иванович — депутат, Совет депутатов округа 1, Москва" in text
        assert "Депутатов5" not in text  # counted, but chose not to be named
        assert "Санкт-Петербург: 1" in text and "Всего: 1" in text
        cite = self.citable()
        assert cite["citation"] in flat  # the same line as the citable page: counts, time, root
        assert "проверенных подписантов — 4, на проверке — 1" in flat
        assert cite["root"] in flat
        assert "Приложение: перевод (en)" in text and "Deputies' appeal" in text
        codes = zxingcpp.read_barcodes(pdf.pages[0].images[0].image)
        assert [code.text for code in codes] == [settings.SITE_URL + cite["page"]]
        # PDF/A-2B: the identification in the XMP metadata, and an output intent.
        assert (
            pdf.xmp_metadata.rdf_root.getElementsByTagName("pdfaid:part")[0].firstChild.data == "2"
        )
        assert "/OutputIntents" in pdf.trailer["/Root"]

    def test_a_signatory_is_named_only_if_verified_at_the_checkpoint_and_still_named(self) -> None:
        _, before = self.text_of(self.fetch(self.checkpoint.size))
        assert "Депутатов0 Иван Иванович" in before
        signature_actions.withdraw_signature(self.named[0])
        later = self.sign_verified(make_claims(7))
        self.refresh_counts()
        _, text = self.text_of(self.fetch(self.checkpoint.size))
        assert "Депутатов0" not in text  # withdrew since: never named again
        assert "Депутатов7" not in text  # verified after this checkpoint
        assert later.full_name not in text
        assert "Депутатов2 Иван Иванович" in text
        # The letter made before the withdrawal is gone from the disk.
        assert len(list(letter.letters_dir("deputies").glob("*.pdf"))) == 1

    def test_links_from_the_campaign_and_citable_pages(self) -> None:
        url = reverse("letter", args=["deputies", self.checkpoint.size])
        page = self.client.get(reverse("campaign", args=["deputies"]) + "?lang=en").content
        assert url.encode() in page and b"The letter as delivered (PDF)" in page
        cite_page = self.client.get(reverse("cite", args=["deputies", self.checkpoint.size]))
        assert url.encode() in cite_page.content
        manage = self.desk_client(self.organizer).get(reverse("desk:manage", args=["deputies"]))
        assert manage.status_code == 200
        assert url.encode() in manage.content

    def test_unknown_checkpoint_or_unpublished_campaign_is_not_found(self) -> None:
        assert self.client.get(reverse("letter", args=["deputies", 999])).status_code == 404
        draft = self.make_campaign("draft", open_it=False)
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("letter", args=[draft.slug, 1])).status_code == 404

    def test_a_campaign_costs_the_worker_one_letter_at_a_time(self) -> None:
        from django.core.cache import cache

        earlier = self.checkpoint
        self.sign(make_claims(30))
        self.refresh_counts()
        self.checkpoint = Checkpoint.objects.filter(campaign=self.campaign).latest()
        assert earlier.size < self.checkpoint.size
        # While one of the campaign's letters is being written, asking for others asks nothing.
        cache.set(letter._building_key(self.campaign.pk), self.checkpoint.size, 60)
        self.addCleanup(cache.delete, letter._building_key(self.campaign.pk))
        for size in (earlier.size, self.checkpoint.size):
            response = self.client.get(reverse("letter", args=["deputies", size]))
            assert response.status_code == 202
        assert not list(letter.letters_dir("deputies").glob("*.pdf"))
        cache.delete(letter._building_key(self.campaign.pk))
        self.fetch(earlier.size)  # the worker's turn is free again once a letter is written
        assert cache.get(letter._building_key(self.campaign.pk)) is None
