import re

from django.test import Client
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.signatures.models import Signature


class CsrfTest(PersonaTestCase):
    """Browsers post with `Origin: null` and no Referer under the site's no-referrer policy."""

    def _token(self, client: Client) -> str:
        html = client.get(reverse("sign", args=[self.campaign.slug])).content.decode()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match
        return match.group(1)

    def test_post_with_null_origin_and_valid_token_is_accepted(self) -> None:
        client = Client(enforce_csrf_checks=True)
        data = dict(SIGN_FORM_OLGA, csrfmiddlewaretoken=self._token(client))
        url = reverse("sign", args=[self.campaign.slug])
        response = sign_through_form(client, url, data, HTTP_ORIGIN="null")
        assert response.status_code == 302
        assert Signature.objects.count() == 1

    def test_null_origin_without_token_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            reverse("sign", args=[self.campaign.slug]), SIGN_FORM_OLGA, HTTP_ORIGIN="null"
        )
        assert response.status_code == 403
        assert not Signature.objects.exists()

    def test_foreign_origin_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        data = dict(SIGN_FORM_OLGA, csrfmiddlewaretoken=self._token(client))
        response = client.post(
            reverse("sign", args=[self.campaign.slug]), data, HTTP_ORIGIN="https://evil.example"
        )
        assert response.status_code == 403

    def _post_secure(self, **headers: str) -> int:
        client = Client(enforce_csrf_checks=True)
        data = dict(SIGN_FORM_OLGA, csrfmiddlewaretoken=self._token(client))
        url = reverse("sign", args=[self.campaign.slug])
        return sign_through_form(client, url, data, secure=True, headers=headers).status_code

    def test_https_post_with_null_origin_from_the_same_origin_is_accepted(self) -> None:
        status = self._post_secure(Origin="null", **{"Sec-Fetch-Site": "same-origin"})
        assert status == 302
        assert Signature.objects.count() == 1

    def test_https_post_without_origin_or_referer_needs_fetch_metadata(self) -> None:
        # What a client that sends neither gets: Django's Referer check, which fails.
        assert self._post_secure(Origin="null") == 403
        assert not Signature.objects.exists()

    def test_cross_site_fetch_metadata_is_refused_even_with_a_valid_token(self) -> None:
        for site in ("cross-site", "same-site"):
            assert self._post_secure(Origin="null", **{"Sec-Fetch-Site": site}) == 403
            assert self._post_secure(**{"Sec-Fetch-Site": site}) == 403
        assert not Signature.objects.exists()

    def test_same_origin_fetch_metadata_does_not_replace_the_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.get(reverse("sign", args=[self.campaign.slug]))
        response = client.post(
            reverse("sign", args=[self.campaign.slug]),
            SIGN_FORM_OLGA,
            secure=True,
            headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 403
        assert not Signature.objects.exists()


class LanguageTest(PersonaTestCase):
    def test_lang_parameter_sets_a_cookie_that_sticks(self) -> None:
        response = self.client.get("/?lang=en")
        assert response["Content-Language"] == "en"
        assert self.client.get("/")["Content-Language"] == "en"
        self.client.get("/?lang=ru")
        assert self.client.get("/")["Content-Language"] == "ru"

    def test_accept_language(self) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").get("/")
        assert response["Content-Language"] == "en"

    def test_unknown_language_falls_back(self) -> None:
        response = Client(HTTP_ACCEPT_LANGUAGE="de").get("/?lang=xx")
        assert response["Content-Language"] == "ru"


class PrivatePagesTest(PersonaTestCase):
    def test_receipt_desk_and_confirmation_pages_are_never_stored(self) -> None:
        response = sign_through_form(
            self.client, reverse("sign", args=[self.campaign.slug]), SIGN_FORM_OLGA
        )
        receipt = response["Location"]
        token = receipt.split("/")[2]
        for url in [
            receipt,
            reverse("withdraw", args=[token]),
            reverse("change_publication", args=[token]),
            reverse("log_receipt_file", args=[token]),
            reverse("confirm"),
            reverse("desk:login"),
            reverse("updates_unsubscribe", args=["not-a-token"]),
        ]:
            assert self.client.get(url)["Cache-Control"] == "no-store", url

    def test_public_pages_keep_their_cache_policy(self) -> None:
        response = self.client.get(reverse("campaign", args=[self.campaign.slug]))
        assert "no-store" not in response.get("Cache-Control", "")
