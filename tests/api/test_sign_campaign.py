"""POST /api/v1/campaigns/<slug>/signatures signs only what this site's pages or a real
client send: a JSON body, never a browser's post from another site's page."""

import json
from typing import Any

from django.core.cache import cache
from django.test import override_settings

from tests.base import PersonaTestCase, form_fields, make_claims
from undersigned.signatures.models import Signature

FOREIGN = "https://evil.example"


@override_settings(ALLOWED_HOSTS=["petition.example.org", "testserver"])
class SignCampaignTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.api = self.client_class(enforce_csrf_checks=True)  # no cookie, as any client

    def url(self) -> str:
        return f"/api/v1/campaigns/{self.campaign.slug}/signatures"

    def post(self, n: int, content_type: str = "application/json", **headers: str) -> Any:
        body = json.dumps(form_fields(make_claims(n), Signature.ANONYMOUS))
        return self.api.post(
            self.url(),
            body,
            content_type=content_type,
            headers={"Host": "petition.example.org", **headers},
        )

    def test_a_real_client_signs(self) -> None:
        response = self.post(1)  # curl, a script: no Origin, no Sec-Fetch-Site
        assert response.status_code == 201, response.content
        assert response.json()["receipt_url"].startswith("/r/")
        assert Signature.objects.count() == 1

    def test_a_page_of_this_site_signs(self) -> None:
        same = {"Origin": "http://petition.example.org", "Sec-Fetch-Site": "same-origin"}
        assert self.post(1, **same).status_code == 201
        assert self.post(2, **{"Origin": "http://petition.example.org"}).status_code == 201
        withheld = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}  # Referrer-Policy
        assert self.post(3, **withheld).status_code == 201
        assert self.post(4, content_type="application/json; charset=utf-8").status_code == 201
        assert Signature.objects.count() == 4

    def test_a_page_of_another_site_is_refused_and_nothing_is_stored(self) -> None:
        refused = [
            {"Origin": FOREIGN, "Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},  # another name under the same site
            {"Origin": FOREIGN},  # a browser without Fetch Metadata
            {"Origin": "https://petition.example.org.evil.example"},
            {"Origin": "null"},  # a sandboxed frame, anywhere
            {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        ]
        for n, headers in enumerate(refused):
            response = self.post(n, **headers)
            assert response.status_code == 403, headers
            assert "not from a page of another site" in response.json()["detail"]
            assert "no-store" in response["Cache-Control"]
        assert Signature.objects.count() == 0

    def test_only_json_is_taken(self) -> None:
        # What a page of any site can post without asking first: text, and the form encodings.
        for content_type in (
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "",
        ):
            response = self.post(1, content_type=content_type)
            assert response.status_code == 415, content_type
            assert response.json() == {
                "detail": "send the signature as JSON, with Content-Type: application/json"
            }
        assert Signature.objects.count() == 0

    def test_the_attack_as_reported_is_refused(self) -> None:
        """The cross-site post of the report: text/plain, a foreign Origin, cross-site."""
        response = self.post(
            1, content_type="text/plain", Origin=FOREIGN, **{"Sec-Fetch-Site": "cross-site"}
        )
        assert response.status_code == 403
        assert Signature.objects.count() == 0

    @override_settings(CSRF_TRUSTED_ORIGINS=["https://mirror.example.org"])
    def test_a_trusted_origin_signs(self) -> None:
        assert self.post(1, Origin="https://mirror.example.org").status_code == 201

    def test_the_description_names_the_refusals(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        answers = schema["paths"]["/api/v1/campaigns/{slug}/signatures"]["post"]["responses"]
        assert {"403", "415"} <= set(answers)
