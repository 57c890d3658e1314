"""Bad input on the signing form: every submission is refused with a clear message or
stored safely normalised; never a server error, never half-written."""

import unicodedata

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.base import SIGN_FORM_OLGA, PersonaTestCase, sign_through_form
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature

NO_LIMITS = {
    "RATE_CLIENT_CAPTCHA_AFTER": 10**9,
    "RATE_CLIENT_LIMIT": 10**9,
    "RATE_CLIENT_HOLD_AFTER": 10**9,
    "RATE_CAMPAIGN_CAPTCHA_AFTER": 10**9,
}
TRICKY = (
    # bidi overrides, zero-width characters, controls
    "\u202e\u202d\u200f\u200e\u2066\u2069\u200b\u200d\ufeff\x00\x07\x1b\r\n\t"
    "АВЕКМНОРСТХаеосрху" + "ABEKMHOPCTXaeocpxy"  # look-alike letters of both scripts
    "ёЁ\u0301\u0308\u00a0\u3000"  # combining marks, odd spaces
)
text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(TRICKY), max_size=300)


@override_settings(**NO_LIMITS)
class SignFormFuzzTest(HypothesisTestCase, PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.url = reverse("sign", args=[self.campaign.slug])

    def post(self, data: dict[str, str]) -> tuple[int, object]:
        signatures, events = Signature.objects.count(), AuditEvent.objects.count()
        response = sign_through_form(self.client, self.url + "?lang=en", data)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert response.context["form"].errors  # a message next to the field
            assert 'class="error"' in response.content.decode()
            assert (Signature.objects.count(), AuditEvent.objects.count()) == (signatures, events)
            return 400, None
        assert Signature.objects.count() == signatures + 1
        return 302, Signature.objects.latest("id")

    def assert_safe(self, stored: str) -> None:
        assert stored == unicodedata.normalize("NFC", stored)
        assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in stored)
        assert "  " not in stored and stored == stored.strip()
        assert len(stored) <= 200

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(full_name=text, office=text, body=text, municipality=text, region=text)
    def test_any_text_is_refused_or_stored_normalised(
        self, full_name: str, office: str, body: str, municipality: str, region: str
    ) -> None:
        data = {
            **SIGN_FORM_OLGA,
            "full_name": full_name,
            "office": office,
            "body": body,
            "municipality": municipality,
            "region": region,
        }
        data = {
            k: v.replace("\x00", "") for k, v in data.items()
        }  # NUL cannot travel in a form post
        status, signature = self.post(data)
        if status == 302:
            assert isinstance(signature, Signature)
            for value in (
                signature.full_name,
                signature.office,
                signature.body,
                signature.municipality,
            ):
                self.assert_safe(value)

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(extra=st.dictionaries(st.text(max_size=20), st.text(max_size=50), max_size=5))
    def test_unknown_fields_change_nothing_else(self, extra: dict[str, str]) -> None:
        data = {k.replace("\x00", ""): v.replace("\x00", "") for k, v in extra.items()}
        self.post({**data, **SIGN_FORM_OLGA, "full_name": "Петров Пётр Петрович"})

    def test_bidi_override_and_zero_width_are_removed(self) -> None:
        status, signature = self.post(
            {**SIGN_FORM_OLGA, "full_name": "\u202eСемёнова\u200b Ольга\u2066 Петровна"}
        )
        assert status == 302 and isinstance(signature, Signature)
        assert signature.full_name == "Семёнова Ольга Петровна"

    def test_homoglyph_name_is_the_same_signer(self) -> None:
        self.post(SIGN_FORM_OLGA)
        # Latin "C", "e", "o", "a" in a Cyrillic name.
        status, again = self.post({**SIGN_FORM_OLGA, "full_name": "Cемёнова Oльгa Пeтрoвнa"})
        assert status == 302 and isinstance(again, Signature)
        # Stored apart (merging would answer "someone signed with these claims"), under the
        # same claims key, so the desk shows the two side by side.
        first = Signature.objects.filter(campaign=self.campaign).exclude(pk=again.pk).get()
        assert again.claims_key == first.claims_key

    def test_huge_field_is_refused_with_its_limit(self) -> None:
        status, _ = self.post({**SIGN_FORM_OLGA, "full_name": "Семёнова " * 2000})
        assert status == 400

    def test_oversized_body_is_refused_clearly(self) -> None:
        before = Signature.objects.count()
        response = sign_through_form(
            self.client, self.url + "?lang=en", {**SIGN_FORM_OLGA, "office": "x" * 100_000}
        )
        assert response.status_code == 413
        assert "too large" in response.content.decode()
        assert Signature.objects.count() == before

    def test_invalid_utf8_in_the_body_is_refused(self) -> None:
        before = Signature.objects.count()
        body = "&".join(
            f"{k}={v}" for k, v in {**SIGN_FORM_OLGA, "full_name": "X"}.items() if k != "full_name"
        )
        raw = b"full_name=%D0%A1%FF%FE+%D0%9E%D0%BB%D1%8C%D0%B3%D0%B0&" + body.encode()
        response = sign_through_form(
            self.client,
            self.url + "?lang=en",
            raw,
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 400
        assert "could not be read" in response.content.decode()
        assert Signature.objects.count() == before

    def test_invalid_utf8_in_query_strings_and_paths(self) -> None:
        for url in (self.url + "?lang=%FF%FE", "/c/deputies/?lang=%C3%28", "/c/%FF%FE/", "/r/%FF/"):
            assert self.client.get(url).status_code in (200, 400, 404), url
