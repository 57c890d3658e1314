"""One signing path for every channel: the web form, the Telegram bot and the API submit the
same claims through `submit_signature`, under the same abuse rules, to the same result."""

import json
from typing import Any

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.base import PersonaTestCase, form_fields, make_claims, sign_through_form
from undersigned.bot import actions as bot_actions
from undersigned.bot import conversation
from undersigned.signatures import actions
from undersigned.signatures.models import Signature

CHAT = 4242
# One accepted, one held back, then refused; a captcha only when the test asks for it.
LIMITS = {
    "RATE_WINDOW_SECONDS": 600,
    "RATE_CLIENT_HOLD_AFTER": 1,
    "RATE_CLIENT_LIMIT": 2,
    "RATE_CLIENT_CAPTCHA_AFTER": 100,
    "RATE_CAMPAIGN_CAPTCHA_AFTER": 1000,
}


def fields(n: int) -> dict[str, Any]:
    return form_fields(make_claims(n, "RU-IRK"), Signature.CONDITIONAL, reveal_threshold=2)


@override_settings(**LIMITS)
class SameRulesOnEveryChannelTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    # Each channel's way to submit the claims numbered n; "stored" or "refused".
    def via_web(self, n: int) -> str:
        url = reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        response = sign_through_form(self.client, url, fields(n), REMOTE_ADDR="203.0.113.7")
        assert response.status_code in (302, 429), response.status_code
        return "stored" if response.status_code == 302 else "refused"

    def via_bot(self, n: int) -> str:
        data = {**fields(n), "slug": self.campaign.slug, "lang": "en", "updates": False}
        outcome = conversation.on_choice(CHAT, "en", "sign:confirm", data, "sign:yes")
        text = outcome.replies[0].text
        if text.startswith("So many signatures came from this chat"):
            return "refused"
        assert "Signed. Thank you." in text, text
        return "stored"

    def via_api(self, n: int) -> str:
        api_client = self.client_class(enforce_csrf_checks=True)  # a client with no cookie
        response = api_client.post(
            f"/api/v1/campaigns/{self.campaign.slug}/signatures",
            json.dumps(fields(n)),
            content_type="application/json",
            REMOTE_ADDR="198.51.100.7",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code in (201, 429), response.content
        return "stored" if response.status_code == 201 else "refused"

    def standing(self, channel: str) -> list[tuple[object, ...]]:
        return list(
            Signature.objects.filter(channel=channel)
            .order_by("id")
            .values_list(
                "full_name",
                "office",
                "body",
                "municipality",
                "region",
                "region_code",
                "publication",
                "reveal_threshold",
                "state",
                "held",
                "language",
            )
        )

    def test_the_same_claims_meet_the_same_limits_and_end_in_the_same_state(self) -> None:
        outcomes = {}
        for channel, submit in (
            (Signature.WEB, self.via_web),
            (Signature.TELEGRAM, self.via_bot),
            (Signature.API, self.via_api),
        ):
            outcomes[channel] = [submit(n) for n in (1, 2, 3)]
            cache.clear()  # the campaign's own rate starts again for the next channel
        assert outcomes == {
            channel: ["stored", "stored", "refused"]
            for channel in (Signature.WEB, Signature.TELEGRAM, Signature.API)
        }
        web = self.standing(Signature.WEB)
        assert len(web) == 2
        assert [row[-2] for row in web] == [False, True]  # the second held back
        assert self.standing(Signature.TELEGRAM) == web
        assert self.standing(Signature.API) == web
        # The same claims from three channels stand apart (merging would tell a sender that
        # someone signed with them), under the same two claims keys: verifiers see them
        # side by side and reject the repeats.
        assert Signature.objects.filter(merged_into__isnull=True).count() == 6
        assert Signature.objects.values("claims_key").distinct().count() == 2

    @override_settings(RATE_CLIENT_CAPTCHA_AFTER=0)
    def test_a_captcha_due_is_asked_on_the_web_and_held_back_where_none_can_be_shown(self) -> None:
        url = reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        response = sign_through_form(self.client, url, fields(1), REMOTE_ADDR="203.0.113.8")
        assert response.status_code == 400
        assert 'name="captcha_1"' in response.content.decode()
        assert not Signature.objects.filter(channel=Signature.WEB).exists()
        assert self.via_bot(1) == "stored"
        assert self.via_api(2) == "stored"
        held = Signature.objects.filter(channel__in=[Signature.TELEGRAM, Signature.API])
        assert sorted(held.values_list("held", flat=True)) == [True, True]

    def test_a_withdrawal_in_the_bot_leaves_the_cached_pages_at_once_as_on_the_web(self) -> None:
        signature, token = self.sign(make_claims(5))
        actions.verify_signature(signature, actor=self.verifier)
        self.refresh_counts()
        page = reverse("campaign", args=[self.campaign.slug])
        assert make_claims(5).full_name in self.client.get(page).content.decode()  # now cached
        receipt = bot_actions.keep_receipt(CHAT, token)
        conversation.withdraw_choice(CHAT, "en", "wdyes", str(receipt.pk))
        signature.refresh_from_db()
        assert signature.state == Signature.WITHDRAWN
        assert make_claims(5).full_name not in self.client.get(page).content.decode()


# Names that show as nothing: Hangul fillers (which Unicode counts as letters), the
# halfwidth filler, zero-width characters, soft hyphens, a Braille blank between them.
INVISIBLE_NAMES = [
    "\u3164 \u3164",
    "\u115f\u1160 \u3164\u3164",
    "\uffa0\uffa0 \uffa0\uffa0",
    "\u200b\u200d \u2060\u00ad",
    "\u3164\u2800\u3164",
    "Ольга \u3164\u3164",
]
# The usual refusals of a name: none at all (only zero-width characters), or not two words.
NAME_REFUSED = ("first name and surname", "Enter your full name")


def refuses_the_name(text: str) -> bool:
    return any(message in text for message in NAME_REFUSED)


class InvisibleNamesTest(PersonaTestCase):
    """A name with no letters once the invisible characters are taken out is refused with
    the usual error on every channel, and nothing is stored."""

    def setUp(self) -> None:
        cache.clear()

    def test_the_web_form_refuses_them(self) -> None:
        url = reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        for name in INVISIBLE_NAMES:
            data = {**fields(1), "full_name": name}
            response = sign_through_form(self.client, url, data, REMOTE_ADDR="203.0.113.8")
            assert response.status_code == 400, name.encode("unicode_escape")
            assert refuses_the_name(response.content.decode())
        assert not Signature.objects.exists()

    def test_the_api_refuses_them(self) -> None:
        api_client = self.client_class(enforce_csrf_checks=True)
        for name in INVISIBLE_NAMES:
            response = api_client.post(
                f"/api/v1/campaigns/{self.campaign.slug}/signatures",
                json.dumps({**fields(1), "full_name": name}),
                content_type="application/json",
                REMOTE_ADDR="198.51.100.8",
                HTTP_ACCEPT_LANGUAGE="en",
            )
            assert response.status_code == 400, (name.encode("unicode_escape"), response.content)
            assert json.loads(response.content)["detail"][0]["field"] == "full_name"
            assert refuses_the_name(response.content.decode())
        assert not Signature.objects.exists()

    def test_the_bot_refuses_them(self) -> None:
        for name in INVISIBLE_NAMES:
            data = {**fields(1), "full_name": name, "slug": self.campaign.slug, "lang": "en"}
            outcome = conversation.on_choice(CHAT, "en", "sign:confirm", data, "sign:yes")
            text = " ".join(reply.text for reply in outcome.replies)
            assert refuses_the_name(text), (name.encode("unicode_escape"), text)
        assert not Signature.objects.exists()

    def test_a_name_with_letters_around_a_filler_is_still_a_name(self) -> None:
        from undersigned.signatures.forms import check_full_name

        check_full_name("Ольга \u3164Петрова")
        check_full_name("Ольга Петрова")
