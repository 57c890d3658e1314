"""Flooding the sign form from one client: accepted, then challenged, then refused; nothing
legitimate lost. Honeypot and flood patterns are held back silently."""

import re

from captcha.models import CaptchaStore
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.base import (
    SIGN_FORM_OLGA,
    PersonaTestCase,
    form_fields,
    make_claims,
    sign_through_form,
)
from undersigned.signatures.models import Signature
from undersigned.web.answers import CHECKED_IN_PAGE
from undersigned.web.signing import REFUSED_COOKIE

LIMITS = {
    "RATE_WINDOW_SECONDS": 600,
    "RATE_CLIENT_CAPTCHA_AFTER": 2,
    "RATE_CLIENT_HOLD_AFTER": 3,
    "RATE_CLIENT_LIMIT": 5,
    "RATE_CAMPAIGN_CAPTCHA_AFTER": 1000,
}


def form_for(n: int, **extra: str) -> dict[str, str]:
    return form_fields(make_claims(n), Signature.NAMED, **extra)


def solved(html: str) -> dict[str, str]:
    """The answer to the captcha on this page, read from the captcha store as only a test can."""
    match = re.search(r'name="captcha_0" value="(\w+)"', html)
    assert match, "no captcha on the page"
    store = CaptchaStore.objects.get(hashkey=match.group(1))
    return {"captcha_0": store.hashkey, "captcha_1": store.response}


@override_settings(**LIMITS)
class SignAbuseTest(PersonaTestCase):
    def url(self) -> str:
        return reverse("sign", args=[self.campaign.slug]) + "?lang=en"

    def post(self, data: dict[str, str], address: str = "203.0.113.10"):  # type: ignore[no-untyped-def]
        return sign_through_form(self.client, self.url(), data, REMOTE_ADDR=address)

    def form_page(self, address: str = "203.0.113.10") -> str:
        return self.client.get(self.url(), REMOTE_ADDR=address).content.decode()

    def test_answers_checked_in_the_page_meet_the_same_captcha(self) -> None:
        in_page = {CHECKED_IN_PAGE: "1"}
        for n in (1, 2):
            response = self.client.post(
                self.url(), form_for(n, **in_page), REMOTE_ADDR="203.0.113.10"
            )
            assert response.status_code == 302
        challenged = self.client.post(
            self.url(), form_for(3, **in_page), REMOTE_ADDR="203.0.113.10"
        )
        assert challenged.status_code == 400
        assert 'name="captcha_1"' in challenged.content.decode()
        assert Signature.objects.count() == 2
        answered = form_for(3, **in_page, **solved(challenged.content.decode()))
        assert self.client.post(self.url(), answered, REMOTE_ADDR="203.0.113.10").status_code == 302
        assert Signature.objects.count() == 3

    def test_flood_is_accepted_then_challenged_then_refused(self) -> None:
        assert (
            'name="captcha_1"'
            not in self.client.get(self.url(), REMOTE_ADDR="203.0.113.10").content.decode()
        )
        assert self.post(form_for(1)).status_code == 302
        assert self.post(form_for(2)).status_code == 302
        # Third attempt: challenged; nothing stored, the form comes back with a captcha.
        challenged = self.post(form_for(3))
        assert challenged.status_code == 400
        html = challenged.content.decode()
        assert 'name="captcha_1"' in html and 'src="/captcha/image/' in html
        assert Signature.objects.count() == 2
        # Solving it stores the signature normally.
        solved_page = self.post(form_for(3, **solved(html)))
        assert solved_page.status_code == 302
        third = Signature.objects.get(full_name=make_claims(3).full_name)
        assert not third.held
        # A wrong answer stores nothing.
        wrong = self.post(
            form_for(4, captcha_0=solved(self.form_page())["captcha_0"], captcha_1="wrong")
        )
        assert wrong.status_code == 400
        assert Signature.objects.count() == 3
        # Past the hard limit: 429, a clear message, nothing stored, even with a solved captcha.
        refused = self.post(form_for(4, **solved(wrong.content.decode())))
        assert refused.status_code == 429
        assert "Too many signatures from your connection" in refused.content.decode()
        assert "try again in 10 minutes" in refused.content.decode()
        assert refused["Retry-After"] == "600"
        assert Signature.objects.count() == 3
        # Another signer elsewhere is untouched by this client's flood.
        elsewhere = self.post(form_for(5), address="198.51.100.20")
        assert elsewhere.status_code == 302
        assert not Signature.objects.get(full_name=make_claims(5).full_name).held

    def test_the_form_opened_again_says_it_is_refused_until_the_refusal_ends(self) -> None:
        for n in range(1, 6):
            self.post(form_for(n))
        refused = self.post(form_for(6))
        assert refused.status_code == 429
        cookie = refused.cookies[REFUSED_COOKIE]
        assert cookie["max-age"] == 600 and cookie["path"] == f"/c/{self.campaign.slug}/sign/"
        assert cookie["httponly"] and cookie.value == "1"  # nothing about the signer in it
        count = Signature.objects.count()
        # A new visit to the form, with the reminder the refusal left: it says so, and
        # looking counts as no attempt.
        for _ in range(3):
            visit = self.client.get(self.url(), REMOTE_ADDR="203.0.113.10")
            assert visit.status_code == 429 and visit["Retry-After"] == "600"
            html = visit.content.decode()
            assert "Too many signatures from your connection" in html
            assert "The form below will not be taken until then" in html
            assert "Nothing from this last attempt was stored" not in html
            assert visit["Cache-Control"] == "no-store"
        assert Signature.objects.count() == count
        # Once the window has passed, the usual form, and the reminder goes.
        cache.clear()
        after = self.client.get(self.url(), REMOTE_ADDR="203.0.113.10")
        assert after.status_code == 200
        assert "Too many signatures" not in after.content.decode()
        assert after.cookies[REFUSED_COOKIE].value == ""
        assert after.cookies[REFUSED_COOKIE]["max-age"] == 0

    def test_nothing_about_the_client_is_stored_but_its_keyed_hash(self) -> None:
        self.post(form_for(1))
        signature = Signature.objects.get()
        assert len(signature.client_hash) == 64
        assert "203.0.113.10" not in signature.client_hash
        self.post(form_for(2))
        assert Signature.objects.filter(client_hash=signature.client_hash).count() == 2

    def test_honeypot_holds_silently(self) -> None:
        response = self.post(form_for(1, leave_empty="http://spam.example"))
        assert response.status_code == 302
        receipt = self.client.get(response["Location"] + "&lang=en").content.decode()
        assert "Thank you for signing" in receipt
        assert "Received, being checked" in receipt
        assert Signature.objects.get().held
        self.refresh_counts()
        from undersigned.signatures.public import counts_for

        assert counts_for(self.campaign).checking == 0  # held back: not counted

    def test_honeypot_is_hidden_by_css_and_labelled(self) -> None:
        html = self.client.get(self.url()).content.decode()
        assert '<div class="trap">' in html
        assert "Leave this field empty" in html
        assert 'tabindex="-1"' in html

    def test_a_flood_pattern_is_held_after_the_captcha(self) -> None:
        for n in (1, 2):
            self.post(form_for(n))
        page = self.post(form_for(3)).content.decode()  # challenged
        assert self.post(form_for(3, **solved(page))).status_code == 302
        assert self.post(form_for(4, **solved(self.form_page()))).status_code == 302
        held = Signature.objects.filter(held=True)
        # Three stored from one client: the next ones are held for verifiers to look at.
        assert Signature.objects.count() == 4
        assert list(held.values_list("full_name", flat=True)) == [make_claims(4).full_name]

    @override_settings(RATE_CAMPAIGN_CAPTCHA_AFTER=2)
    def test_a_busy_campaign_challenges_everyone(self) -> None:
        self.post(form_for(1), address="198.51.100.1")
        self.post(form_for(2), address="198.51.100.2")
        fresh = self.client.get(self.url(), REMOTE_ADDR="198.51.100.3").content.decode()
        assert 'name="captcha_1"' in fresh
        challenged = self.post(form_for(3), address="198.51.100.3")
        assert challenged.status_code == 400
        answer = solved(challenged.content.decode())
        assert self.post(form_for(3, **answer), address="198.51.100.3").status_code == 302

    @override_settings(RATE_CAMPAIGN_CAPTCHA_AFTER=8)
    def test_one_clients_refused_flood_does_not_challenge_everyone(self) -> None:
        for n in range(30):  # past the client's hard limit: refused, not counted campaign-wide
            self.post(form_for(n), address="198.51.100.66")
        fresh = self.client.get(self.url(), REMOTE_ADDR="203.0.113.1").content.decode()
        assert 'name="captcha_1"' not in fresh
        assert self.post(form_for(99), address="203.0.113.1").status_code == 302

    def test_a_legitimate_signer_below_the_limits_sees_nothing_special(self) -> None:
        response = sign_through_form(
            self.client, self.url(), SIGN_FORM_OLGA, REMOTE_ADDR="192.0.2.1"
        )
        assert response.status_code == 302
        assert not Signature.objects.get().held

    def test_captcha_image_is_served_by_this_site(self) -> None:
        self.post(form_for(1))
        self.post(form_for(2))
        html = self.post(form_for(3)).content.decode()
        store = CaptchaStore.objects.get(hashkey=solved(html)["captcha_0"])
        assert f'src="/captcha/image/{store.hashkey}/"' in html
        image = self.client.get(f"/captcha/image/{store.hashkey}/")
        assert image.status_code == 200
        assert image["Content-Type"] == "image/png"
        assert "audio" not in html

    def test_only_the_captcha_image_is_routed(self) -> None:
        before = CaptchaStore.objects.count()
        ajax = {"X-Requested-With": "XMLHttpRequest"}
        for path in ("/captcha/refresh/", "/captcha/audio/abc.wav", "/captcha/image/abc@2/"):
            assert self.client.get(path, headers=ajax).status_code == 404, path
        assert CaptchaStore.objects.count() == before

    def test_a_question_in_words_instead_of_the_picture(self) -> None:
        """Who cannot see the picture answers a question in the page's language, no script."""
        self.post(form_for(1))
        self.post(form_for(2))
        russian = reverse("sign", args=[self.campaign.slug]) + "?lang=ru"
        page = self.client.get(russian, REMOTE_ADDR="203.0.113.10").content.decode()
        assert "Сколько будет" in page and 'alt="captcha"' not in page
        assert 'alt="Буквы, которые нужно ввести' in page
        match = re.search(r'name="question_0" value="(\w+)"', page)
        assert match
        store = CaptchaStore.objects.get(hashkey=match.group(1))
        wrong = self.post(form_for(3, question_0=store.hashkey, question_1="100"))
        assert wrong.status_code == 400 and "That is not the answer" in wrong.content.decode()
        question = re.search(r'name="question_0" value="(\w+)"', wrong.content.decode())
        assert question
        store = CaptchaStore.objects.get(hashkey=question.group(1))
        answer = {"question_0": store.hashkey, "question_1": store.response}
        assert self.post(form_for(3, **answer)).status_code == 302
        assert Signature.objects.filter(full_name=make_claims(3).full_name).exists()

    def test_the_question_in_words_is_answered_by_a_regex_as_security_md_says(self) -> None:
        """What the question does not stop, said in SECURITY.md and the code: a script that
        reads the page answers it with a regex and a table of ten words."""
        from pathlib import Path

        from django.conf import settings

        security = " ".join((Path(settings.BASE_DIR) / "SECURITY.md").read_text().split())
        assert "it does not stop a script written for this site" in security
        assert "a regex answers it" in security
        words = {
            "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
            "ru": [
                "ноль",
                "один",
                "два",
                "три",
                "четыре",
                "пять",
                "шесть",
                "семь",
                "восемь",
                "девять",
            ],
        }
        self.post(form_for(1))
        self.post(form_for(2))
        for n, language in enumerate(("en", "ru"), start=3):
            url = reverse("sign", args=[self.campaign.slug]) + f"?lang={language}"
            page = self.client.get(url, REMOTE_ADDR="203.0.113.10").content.decode()
            key = re.search(r'name="question_0" value="(\w+)"', page)
            sum_of = re.search(r"(\w+) (?:plus|плюс) (\w+)", page)
            assert key and sum_of, page
            answer = sum(words[language].index(word.lower()) for word in sum_of.groups())
            data = form_for(n, question_0=key.group(1), question_1=str(answer))
            response = sign_through_form(self.client, url, data, REMOTE_ADDR="203.0.113.10")
            assert response.status_code == 302, language
        assert Signature.objects.filter(full_name=make_claims(4).full_name).exists()

    def test_neither_the_picture_nor_the_question_is_refused(self) -> None:
        self.post(form_for(1))
        self.post(form_for(2))
        due = self.post(form_for(3)).content.decode()
        # A captcha that becomes due is one more step, not an error.
        assert "One more step" in due and "There is a problem" not in due
        response = self.post(
            form_for(3, captcha_0=solved(due)["captcha_0"], captcha_1="", question_1=" ")
        )
        assert response.status_code == 400
        assert (
            "Type the letters in the picture, or answer the question." in response.content.decode()
        )
        assert "There is a problem" in response.content.decode()
        assert Signature.objects.count() == 2
