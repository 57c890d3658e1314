"""Campaigns kept by a worker for the signing form, and the blank signing page made from them."""

import re
import time
from unittest import mock

import pyrage
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.campaigns import actions as campaign_actions
from undersigned.sharing.actions import create_share_channel
from undersigned.signatures.abuse import form_issued
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key
from undersigned.web.signing import CSRF_PLACEHOLDER, signing_campaign

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ISSUED = re.compile(r'name="issued" value="[^"]*"')


class SigningCampaignTest(PersonaTestCase):
    def url(self, query: str = "") -> str:
        return reverse("sign", args=[self.campaign.slug]) + query

    def test_a_campaign_read_once_is_kept_without_queries(self) -> None:
        first = signing_campaign(self.campaign.slug)
        with CaptureQueriesContext(connection) as queries:
            again = signing_campaign(self.campaign.slug)
        assert again is first and len(queries) == 0
        assert again.campaign.pk == self.campaign.pk

    @override_settings(CAMPAIGN_CACHE_SECONDS=0)
    def test_it_is_read_again_once_its_time_is_over(self) -> None:
        signing_campaign(self.campaign.slug)
        with CaptureQueriesContext(connection) as queries:
            signing_campaign(self.campaign.slug)
        assert len(queries) > 0

    def test_a_change_saved_in_this_process_is_seen_at_once(self) -> None:
        assert self.client.get(self.url()).status_code == 200
        campaign_actions.close_campaign(self.campaign, actor=self.organizer)
        assert self.client.get(self.url()).status_code == 410
        assert sign_through_form(self.client, self.url(), SIGN_FORM_OLGA).status_code == 410

    def test_a_new_verifier_key_asks_for_contacts_at_once(self) -> None:
        assert 'name="contact"' not in self.client.get(self.url()).content.decode()
        key = pyrage.x25519.Identity.generate().to_public()
        add_verifier_key(str(key), "desk", campaign=self.campaign, actor=self.organizer)
        assert 'name="contact"' in self.client.get(self.url()).content.decode()

    def test_unknown_and_unpublished_campaigns_are_not_found(self) -> None:
        draft = self.make_campaign("draft", open_it=False)
        for slug in ("no-such-campaign", draft.slug):
            assert self.client.get(reverse("sign", args=[slug])).status_code == 404


class BlankSigningPageTest(PersonaTestCase):
    def url(self, query: str = "") -> str:
        return reverse("sign", args=[self.campaign.slug]) + query

    def test_each_visitor_gets_their_own_token_in_the_same_page(self) -> None:
        pages = [self.client_class().get(self.url()) for _ in range(2)]
        tokens = [TOKEN.search(page.content.decode()).group(1) for page in pages]  # type: ignore[union-attr]
        assert tokens[0] != tokens[1]
        # The form's minute stamp may turn between the two requests.
        bodies = [
            ISSUED.sub("", page.content.decode().replace(token, ""))
            for page, token in zip(pages, tokens, strict=True)
        ]
        assert bodies[0] == bodies[1]
        for page in pages:
            assert CSRF_PLACEHOLDER not in page.content.decode()
            assert page.cookies["csrftoken"].value

    def test_the_token_of_the_kept_page_signs(self) -> None:
        self.client_class().get(self.url())  # the page is kept by now
        client = self.client_class(enforce_csrf_checks=True)
        page = client.get(self.url())
        token = TOKEN.search(page.content.decode()).group(1)  # type: ignore[union-attr]
        response = sign_through_form(
            client, self.url(), dict(SIGN_FORM_OLGA, csrfmiddlewaretoken=token)
        )
        assert response.status_code == 302
        forged = self.client_class(enforce_csrf_checks=True)
        forged.get(self.url())
        refused = forged.post(self.url(), dict(SIGN_FORM_OLGA, csrfmiddlewaretoken=token))
        assert refused.status_code == 403

    def test_kept_pages_are_per_language(self) -> None:
        english = self.client.get(self.url("?lang=en"))
        assert "Deputies&#x27; appeal" in english.content.decode()
        russian = self.client_class().get(self.url(), headers={"accept-language": "ru"})
        assert "Обращение депутатов" in russian.content.decode()
        english = self.client_class().get(self.url(), headers={"accept-language": "en"})
        assert "Deputies&#x27; appeal" in english.content.decode()

    def test_a_share_code_is_carried_in_a_page_of_its_own(self) -> None:
        create_share_channel(self.campaign, "tg1", "Telegram", actor=self.organizer)
        self.client.get(self.url())
        shared = self.client.get(self.url("?via=tg1"))
        assert 'name="via" value="tg1"' in shared.content.decode()
        assert 'name="via"' not in self.client.get(self.url()).content.decode()


@override_settings(RATE_CAMPAIGN_CAPTCHA_AFTER=2)
class SharedSigningPageTest(PersonaTestCase):
    """The page the reverse proxy keeps for everyone (`X-Shared-Form: 1`) and fills in."""

    shared = {"X-Shared-Form": "1"}

    def url(self, query: str = "") -> str:
        return reverse("sign", args=[self.campaign.slug]) + query

    def test_it_holds_the_placeholder_sets_no_cookie_and_may_be_kept(self) -> None:
        page = self.client.get(self.url(), headers=self.shared)
        assert TOKEN.search(page.content.decode()).group(1) == CSRF_PLACEHOLDER  # type: ignore[union-attr]
        assert "csrftoken" not in page.cookies
        assert "public" in page["Cache-Control"] and "s-maxage=2," in page["Cache-Control"]

    def test_a_malformed_cookie_is_left_for_the_proxy_to_replace(self) -> None:
        self.client.cookies["csrftoken"] = "not-a-secret"
        page = self.client.get(self.url(), headers=self.shared)
        assert "csrftoken" not in page.cookies
        assert CSRF_PLACEHOLDER in page.content.decode()

    def test_a_captcha_page_holds_the_placeholder_and_is_not_kept(self) -> None:
        for n in range(2):
            sign_through_form(
                self.client_class(), self.url(), dict(SIGN_FORM_OLGA, full_name=f"Тест {n}")
            )
        page = self.client.get(self.url(), headers=self.shared)
        assert 'name="captcha' in page.content.decode()
        assert CSRF_PLACEHOLDER in page.content.decode()
        assert "public" not in page.get("Cache-Control", "")
        assert "csrftoken" not in page.cookies

    def test_without_the_header_or_with_a_query_the_visitor_gets_a_real_token(self) -> None:
        for headers, query in (({}, ""), (self.shared, "?via=tg1")):
            page = self.client_class().get(self.url(query), headers=headers)
            assert CSRF_PLACEHOLDER not in page.content.decode()
            assert page.cookies["csrftoken"].value
            assert "public" not in page.get("Cache-Control", "")

    def switch_the_captcha_on(self) -> None:
        for n in range(3):
            crowd = self.client_class(REMOTE_ADDR=f"10.{n}.0.1")
            sign_through_form(crowd, self.url(), dict(SIGN_FORM_OLGA, full_name=f"Тест {n}"))

    def test_a_form_kept_from_before_the_captcha_is_not_asked_for_it(self) -> None:
        signer = self.client_class(REMOTE_ADDR="10.9.0.1")
        kept = signer.get(self.url()).content.decode()  # the page a visitor already has
        issued = re.search(r'name="issued" value="([^"]+)"', kept)
        assert issued is not None
        self.switch_the_captcha_on()
        fresh = self.client.get(self.url(), headers=self.shared).content.decode()
        assert 'name="captcha_1"' in fresh and 'name="issued"' not in fresh
        with mock.patch("time.time", return_value=time.time() + 61):
            response = sign_through_form(
                signer,
                self.url(),
                dict(SIGN_FORM_OLGA, full_name="Ранняя Подписантка", issued=issued.group(1)),
            )
        assert response.status_code == 302
        assert Signature.objects.filter(full_name="Ранняя Подписантка").exists()

    def test_a_post_without_a_stamp_from_before_is_asked_for_the_captcha(self) -> None:
        self.switch_the_captcha_on()
        for issued in ("", "forged", form_issued(time.time() + 600)):
            late = self.client_class(REMOTE_ADDR="10.8.0.1")
            response = sign_through_form(
                late, self.url(), dict(SIGN_FORM_OLGA, full_name="Поздний Подписант", issued=issued)
            )
            assert response.status_code == 400
            assert 'name="captcha_1"' in response.content.decode()
        assert not Signature.objects.filter(full_name="Поздний Подписант").exists()

    def test_a_post_is_never_answered_with_the_placeholder(self) -> None:
        response = sign_through_form(
            self.client, self.url(), {"full_name": ""}, headers=self.shared
        )
        assert response.status_code == 400
        assert CSRF_PLACEHOLDER not in response.content.decode()
