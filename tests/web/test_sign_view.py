import re
import time
from unittest import mock

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, answers_on, sign_through_form
from undersigned.signatures.models import Signature
from undersigned.web.answers import CHECKED_IN_PAGE


class SignViewTest(PersonaTestCase):
    def url(self) -> str:
        return reverse("sign", args=[self.campaign.slug])

    def test_form_renders_without_javascript(self) -> None:
        response = self.client.get(self.url())
        assert response.status_code == 200
        html = response.content.decode()
        # One script of this site's own, deferred; the form posts without it.
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/web/sign.js" defer>']
        assert re.search(r'<form method="post" action="/c/[^"]+/sign/"', html)
        assert 'name="csrfmiddlewaretoken"' in html
        assert 'name="full_name"' in html

    def test_answers_checked_in_the_page_are_signed_with_one_post(self) -> None:
        data = dict(SIGN_FORM_OLGA, publication=Signature.ANONYMOUS)
        response = self.client.post(self.url(), {**data, CHECKED_IN_PAGE: "1"})
        assert response.status_code == 302
        assert response["Location"].startswith("/r/")
        signature = Signature.objects.get()
        assert signature.publication == Signature.ANONYMOUS

    def test_answers_checked_in_the_page_are_still_checked_by_the_server(self) -> None:
        data = dict(SIGN_FORM_OLGA, full_name="X", region="")
        response = self.client.post(self.url() + "?lang=en", {**data, CHECKED_IN_PAGE: "1"})
        assert response.status_code == 400
        assert "first name and surname" in response.content.decode()
        assert not Signature.objects.exists()

    def test_the_page_carries_the_check_for_its_script(self) -> None:
        html = self.client.get(self.url() + "?lang=en").content.decode()
        template = html[html.index('<template id="check-in-page">') :]
        for slot in ("full_name", "office", "body", "region"):
            assert f'data-slot="{slot}"' in template
        assert "Check your answers before signing" in template
        assert 'data-check="check-in-page"' in html
        script = (settings.BASE_DIR / "undersigned/web/static/web/sign.js").read_text()
        assert f'marker.name = "{CHECKED_IN_PAGE}";' in script

    def test_post_redirects_to_receipt(self) -> None:
        response = sign_through_form(self.client, self.url(), SIGN_FORM_OLGA)
        assert response.status_code == 302
        assert response["Location"].startswith("/r/")
        signature = Signature.objects.get()
        assert signature.full_name == SIGN_FORM_OLGA["full_name"]
        assert signature.region_code == "RU-SPE"
        page = self.client.get(response["Location"])
        assert "Thank you" in page.content.decode() or "Спасибо" in page.content.decode()

    def test_errors_in_the_readers_language_change_nothing(self) -> None:
        data = dict(SIGN_FORM_OLGA, full_name="X", region="")
        response = sign_through_form(self.client, self.url() + "?lang=ru", data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Обязательное поле" in html or "обязательн" in html.lower()
        response = sign_through_form(self.client, self.url() + "?lang=en", data)
        assert "first name and surname" in response.content.decode()
        assert not Signature.objects.exists()

    def test_second_signature_gets_the_same_thank_you(self) -> None:
        first = sign_through_form(self.client, self.url(), SIGN_FORM_OLGA)
        second = sign_through_form(self.client, self.url(), SIGN_FORM_OLGA)
        assert first.status_code == second.status_code == 302
        assert first["Location"] != second["Location"]
        page_one = self.client.get(first["Location"] + "&lang=en").content.decode()
        page_two = self.client.get(second["Location"] + "&lang=en").content.decode()
        assert "Received, being checked" in page_one
        assert "Received, being checked" in page_two
        first_row, second_row = Signature.objects.order_by("id")
        assert first_row.claims_key == second_row.claims_key  # side by side on the desk

    def test_control_and_bidi_characters_are_removed(self) -> None:
        data = dict(SIGN_FORM_OLGA, full_name="Семёнова\u202e Ольга\u200b Петровна")
        sign_through_form(self.client, self.url(), data)
        assert Signature.objects.get().full_name == "Семёнова Ольга Петровна"

    def test_conditional_needs_a_threshold(self) -> None:
        data = dict(SIGN_FORM_OLGA, publication=Signature.CONDITIONAL)
        response = sign_through_form(self.client, self.url() + "?lang=en", data)
        assert response.status_code == 400
        data["reveal_threshold"] = "3"
        response = sign_through_form(self.client, self.url(), data)
        assert response.status_code == 302
        assert Signature.objects.get().reveal_threshold == 3

    def test_unknown_threshold_refused(self) -> None:
        data = dict(SIGN_FORM_OLGA, publication=Signature.CONDITIONAL, reveal_threshold="7")
        assert sign_through_form(self.client, self.url(), data).status_code == 400

    def test_csrf_required(self) -> None:
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = sign_through_form(client, self.url(), SIGN_FORM_OLGA)
        assert response.status_code == 403
        assert not Signature.objects.exists()

    def test_draft_campaign_is_not_found(self) -> None:
        draft = self.make_campaign("draft", open_it=False)
        assert self.client.get(reverse("sign", args=[draft.slug])).status_code == 404

    def test_closed_campaign_says_so(self) -> None:
        from undersigned.campaigns.actions import close_campaign

        close_campaign(self.campaign, actor=self.organizer)
        response = sign_through_form(self.client, self.url(), SIGN_FORM_OLGA)
        assert response.status_code == 410
        assert not Signature.objects.exists()

    def test_nothing_is_stored_before_the_answers_are_confirmed(self) -> None:
        check = self.client.post(self.url() + "?lang=en", SIGN_FORM_OLGA)
        assert check.status_code == 200
        html = check.content.decode()
        assert "Check your answers before signing" in html
        assert SIGN_FORM_OLGA["full_name"] in html
        assert check["Cache-Control"] == "no-store"
        assert not Signature.objects.exists()
        confirmed = self.client.post(self.url(), {"answers": answers_on(check), "confirm": "1"})
        assert confirmed.status_code == 302
        assert Signature.objects.get().publication == Signature.NAMED

    def test_a_changed_answer_publishes_nothing(self) -> None:
        """The confirmation signs what the check page showed, or nothing at all."""
        data = dict(SIGN_FORM_OLGA, publication=Signature.ANONYMOUS)
        answers = answers_on(self.client.post(self.url(), data))
        payload = signing.loads(answers, salt="undersigned.web.answers")
        payload["data"]["publication"] = Signature.NAMED
        forged = signing.dumps(payload, salt="another salt", compress=True)
        for sent in (forged, answers[:-3] + "abc", "", "x" * 50):
            response = self.client.post(self.url() + "?lang=en", {"answers": sent, "confirm": "1"})
            assert response.status_code == 400
            assert "Your answers were too old or changed." in response.content.decode()
        other = self.make_campaign("other")
        response = self.client.post(
            reverse("sign", args=[other.slug]), {"answers": answers, "confirm": "1"}
        )
        assert response.status_code == 400
        assert not Signature.objects.exists()

    def test_answers_expire(self) -> None:
        answers = answers_on(self.client.post(self.url(), SIGN_FORM_OLGA))
        later = time.time() + 2 * 60 * 60
        with mock.patch("django.core.signing.time.time", return_value=later):
            response = self.client.post(self.url(), {"answers": answers, "confirm": "1"})
        assert response.status_code == 400
        assert not Signature.objects.exists()

    def test_change_goes_back_to_the_filled_form(self) -> None:
        answers = answers_on(self.client.post(self.url(), SIGN_FORM_OLGA))
        response = self.client.post(self.url(), {"answers": answers, "change": "1"})
        assert response.status_code == 200
        html = response.content.decode()
        assert f'value="{SIGN_FORM_OLGA["full_name"]}"' in html
        assert re.search(r'<input type="radio" name="publication" value="named"[^>]*checked', html)
        assert not Signature.objects.exists()

    def test_error_summary_links_to_each_field(self) -> None:
        response = self.client.post(self.url() + "?lang=en", {"publication": ""})
        html = response.content.decode()
        assert "<title>Error: Sign" in html
        assert 'class="error-summary" role="alert"' in html
        for anchor in ("id_full_name", "id_region", "id_publication_0"):
            assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
        assert "Choose how your signature may be shown." in html
        assert "Enter your full name." in html
        assert 'aria-describedby="id_full_name_helptext id_full_name_error"' in html
        assert 'id="id_full_name_helptext"' in html and 'id="id_full_name_error"' in html

    def test_no_choice_of_publication_is_made_for_the_signer(self) -> None:
        html = self.client.get(self.url()).content.decode()
        assert 'name="publication"' in html
        assert not re.search(r'name="publication"[^>]*checked', html)


class SignViewLanguageAndRefusalTest(PersonaTestCase):
    """The language buttons post what the page holds; a refusal keeps the answers."""

    def url(self, lang: str = "en") -> str:
        return reverse("sign", args=[self.campaign.slug]) + f"?lang={lang}"

    def test_a_language_switch_brings_the_form_back_filled_and_is_not_an_attempt(self) -> None:
        typed = {"full_name": SIGN_FORM_OLGA["full_name"], "office": "депутат"}
        with self.settings(RATE_CLIENT_LIMIT=1, RATE_CLIENT_CAPTCHA_AFTER=1000):
            for lang in ("ru", "en", "ru"):
                response = self.client.post(self.url(lang), {**typed, "switch_language": lang})
                assert response.status_code == 200
                html = response.content.decode()
                assert f'<html lang="{lang}">' in html
                assert f'value="{typed["full_name"]}"' in html and 'value="депутат"' in html
                assert "error-summary" not in html
                assert response["Cache-Control"] == "no-store"
            assert not Signature.objects.exists()
            # Three switches were not attempts: a signature within the limit of one goes through.
            assert sign_through_form(self.client, self.url(), SIGN_FORM_OLGA).status_code == 302

    def test_a_language_switch_on_the_check_page_shows_the_same_check(self) -> None:
        check = self.client.post(self.url("ru"), SIGN_FORM_OLGA)
        answers = answers_on(check)
        assert answers and 'name="switch_language" value="en"' in check.content.decode()
        english = self.client.post(self.url("en"), {"answers": answers, "switch_language": "en"})
        html = english.content.decode()
        assert english.status_code == 200 and '<html lang="en">' in html
        assert "Check your answers before signing" in html
        assert SIGN_FORM_OLGA["full_name"] in html and "(Saint Petersburg)" in html
        assert not Signature.objects.exists()
        confirmed = self.client.post(self.url(), {"answers": answers_on(english), "confirm": "1"})
        assert confirmed.status_code == 302
        assert Signature.objects.get().full_name == SIGN_FORM_OLGA["full_name"]

    def test_changed_answers_on_a_language_switch_are_refused(self) -> None:
        answers = answers_on(self.client.post(self.url(), SIGN_FORM_OLGA))
        response = self.client.post(
            self.url(), {"answers": answers[:-2] + "xx", "switch_language": "en"}
        )
        assert response.status_code == 400
        assert "Your answers were too old or changed." in response.content.decode()
        assert not Signature.objects.exists()

    def test_a_refusal_brings_the_form_back_filled_with_the_wait(self) -> None:
        with self.settings(RATE_CLIENT_LIMIT=1, RATE_CLIENT_CAPTCHA_AFTER=1000):
            assert sign_through_form(self.client, self.url(), SIGN_FORM_OLGA).status_code == 302
            refused = self.client.post(self.url(), {**SIGN_FORM_OLGA, CHECKED_IN_PAGE: "1"})
        assert refused.status_code == 429
        assert refused["Retry-After"] == str(settings.RATE_WINDOW_SECONDS)
        html = refused.content.decode()
        assert "<title>Error: Too many signatures · " in html
        assert "Nothing from this last attempt was stored." in html
        assert "Your answers are still in the form below" in html
        assert f'value="{SIGN_FORM_OLGA["full_name"]}"' in html
        assert f'<option value="{SIGN_FORM_OLGA["region"]}" selected>' in html
        assert re.search(r'<input type="radio" name="publication" value="named"[^>]* checked', html)
        assert Signature.objects.count() == 1
