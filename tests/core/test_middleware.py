import re

from django.test import Client
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.signatures.models import Signature


class NullOriginTest(PersonaTestCase):
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
