"""No oracle: typing someone's claims into the form, the API or the bot tells nothing about
whether that person signed.

The campaign has three registry deputies: Nobody never signed, Pending signed anonymously
and waits in the queue, Sealed signed anonymously and was verified (and sealed). A stranger
submits each one's claims, each time from the same starting point (the database rolled back,
the cache cleared), and the test compares what the stranger sees: status, the headers that
matter, the redirect's shape, the receipt page (its own token and handle removed), and how the
public counts move once the count job has run.
"""

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse

from tests.base import PersonaTestCase, form_fields, sign_through_form
from tests.bot.botcase import BotTestCase
from undersigned.officials.claims import Claims
from undersigned.officials.models import Official
from undersigned.signatures import public
from undersigned.signatures.models import Signature
from undersigned.signatures.registry_match import match_received_signature
from undersigned.verification import actions as decide
from undersigned.web.answers import CHECKED_IN_PAGE

DEPUTIES = {
    "nobody": ("Никтоева Анна Сергеевна", "Совет МО Никтоево", "spb-101"),
    "pending": ("Ждунова Вера Павловна", "Совет МО Ждуново", "spb-102"),
    "sealed": ("Тайнова Мария Ильинична", "Совет МО Тайново", "spb-103"),
}
HEADERS = ("Content-Type", "Cache-Control", "Vary", "Referrer-Policy", "X-Frame-Options")
TOKEN = re.compile(r"/r/[A-Za-z0-9_-]{20,}/")
HANDLE = re.compile(r"\b[0-9a-f]{32}\b")
NUMBERS_OF_A_PAGE = re.compile(r"csrfmiddlewaretoken\" value=\"[^\"]+\"")


def claims_of(who: str) -> Claims:
    name, council, _ = DEPUTIES[who]
    return Claims(
        full_name=name,
        office="депутат",
        body=council,
        municipality=council.removeprefix("Совет "),
        region_code="RU-SPE",
    )


def anonymous_signer(claims: Claims) -> dict[str, str]:
    """The claims as the form and the API take them, from a signer who asks not to be named."""
    return form_fields(claims, "anonymous")


def scrub(text: str, who: str = "") -> str:
    """A page or message with what is its own alone removed: its token, handle and CSRF
    token, and the claims the sender typed (which the sender knows already)."""
    if who:
        name, council, _ = DEPUTIES[who]
        text = text.replace(name, "NAME").replace(council.removeprefix("Совет "), "COUNCIL")
    text = TOKEN.sub("/r/TOKEN/", text)
    text = HANDLE.sub("HANDLE", text)
    return NUMBERS_OF_A_PAGE.sub('csrfmiddlewaretoken" value="CSRF"', text)


class OracleCase:
    """The three deputies and their signatures, and a way to try each from the same start."""

    campaign: Any
    verifier: Any
    captureOnCommitCallbacks: Any
    client: Any

    def plant(self) -> None:
        for name, council, source_id in DEPUTIES.values():
            Official.objects.create(
                source="spb-2019",
                source_id=source_id,
                full_name=name,
                position="депутат",
                body=council,
                municipality=council.removeprefix("Совет "),
                region_code="RU-SPE",
                region_name="Санкт-Петербург",
            )
        import pyrage

        from undersigned.signatures.actions import sign
        from undersigned.vault.actions import add_verifier_key

        add_verifier_key(
            str(pyrage.x25519.Identity.generate().to_public()), "V", campaign=self.campaign
        )
        pending, _ = sign(self.campaign, claims_of("pending"), publication=Signature.ANONYMOUS)
        assert match_received_signature(pending.pk) == "auto"
        sealed, _ = sign(self.campaign, claims_of("sealed"), publication=Signature.ANONYMOUS)
        assert match_received_signature(sealed.pk) == "auto"
        decide.verify(sealed, actor=self.verifier, method="known")
        sealed.refresh_from_db()
        assert sealed.is_sealed and sealed.state == Signature.VERIFIED
        from undersigned.signatures import counts

        counts.refresh_counts()

    def public_numbers(self) -> dict[str, Any]:
        counts = public.counts_for(self.campaign)
        return {
            "verified": counts.verified,
            "checking": counts.checking,
            "rejected": counts.rejected,
            "withdrawn": counts.withdrawn,
            "regions": [
                (r.code, r.verified, r.checking) for r in public.regions_for(self.campaign, "en")
            ],
            "timeline": [(d.arrived, d.verified) for d in public.timeline_for(self.campaign)],
        }

    def try_from_the_same_start(self, submit: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """What a stranger sees of one submission, at once and once the registry matcher and
        the count job have run; then the state rolled back."""
        from undersigned.signatures import counts

        cache.clear()
        with transaction.atomic():
            before = self.public_numbers()
            with self.captureOnCommitCallbacks(execute=True):  # the registry matcher runs
                seen = submit()
            counts.refresh_counts()
            after = self.public_numbers()
            later = self.client.get(seen["receipt path"] + "?lang=en")
            seen["receipt once checked"] = scrub(later.content.decode(), seen.pop("who"))
            seen.pop("receipt path")
            seen["count movement"] = {
                key: (after[key] - before[key]) if isinstance(before[key], int) else after[key]
                for key in before
            }
            transaction.set_rollback(True)
        cache.clear()
        return seen


class WebAndApiOracleTest(OracleCase, PersonaTestCase):
    def setUp(self) -> None:
        self.plant()

    def receipt(self, location: str, who: str) -> str:
        page = self.client.get(location + ("&" if "?" in location else "?") + "lang=en")
        assert page.status_code == 200
        return scrub(page.content.decode(), who)

    def through_the_form(self, who: str, *, checked_in_page: bool = False) -> dict[str, Any]:
        claims = claims_of(who)
        url = reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        data = anonymous_signer(claims)
        response: HttpResponse
        if checked_in_page:  # with scripts on: one post
            response = self.client.post(
                url, {**data, CHECKED_IN_PAGE: "1"}, REMOTE_ADDR="203.0.113.50"
            )
        else:  # the check page first; its confirmation is what stores the signature
            response = sign_through_form(self.client, url, data, REMOTE_ADDR="203.0.113.50")
        location = response.get("Location", "")
        return {
            "status": response.status_code,
            "headers": {h: response.get(h) for h in HEADERS},
            "cookies": sorted(response.cookies),
            "location": scrub(location),
            "receipt": self.receipt(location, who),
            "receipt path": location.split("?")[0],
            "who": who,
            "signatures stored": Signature.objects.count(),
        }

    def through_the_api(self, who: str) -> dict[str, Any]:
        claims = claims_of(who)
        response = self.client.post(
            f"/api/v1/campaigns/{self.campaign.slug}/signatures",
            json.dumps(anonymous_signer(claims)),
            content_type="application/json",
            REMOTE_ADDR="203.0.113.51",
        )
        body = response.json()
        return {
            "status": response.status_code,
            "headers": {h: response.get(h) for h in HEADERS},
            "body": scrub(json.dumps(body, sort_keys=True)),
            "receipt": self.receipt(body["receipt_url"], who),
            "receipt path": body["receipt_url"],
            "who": who,
            "signatures stored": Signature.objects.count(),
        }

    def assert_indistinguishable(self, channel: Callable[[str], dict[str, Any]]) -> None:
        seen = {who: self.try_from_the_same_start(lambda who=who: channel(who)) for who in DEPUTIES}
        assert seen["nobody"]["status"] in (201, 302)
        assert seen["nobody"]["count movement"]["checking"] == 1
        assert seen["nobody"]["count movement"]["verified"] == 0
        for who in ("pending", "sealed"):
            for aspect, value in seen["nobody"].items():
                assert seen[who][aspect] == value, f"{who}: {aspect} differs"

    def test_the_sign_form_tells_nothing(self) -> None:
        self.assert_indistinguishable(self.through_the_form)

    def test_the_sign_form_checked_in_the_page_tells_nothing(self) -> None:
        self.assert_indistinguishable(partial(self.through_the_form, checked_in_page=True))

    def test_the_api_tells_nothing(self) -> None:
        self.assert_indistinguishable(self.through_the_api)


class BotOracleTest(OracleCase, BotTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.plant()

    def through_the_bot(self, who: str) -> dict[str, Any]:
        claims = claims_of(who)
        replies = self.say(f"/start {self.campaign.slug}")
        for answer in (claims.full_name, claims.office, claims.body, claims.municipality):
            replies += self.say(answer)
        replies += self.say("Санкт-Петербург")
        replies += self.press("pub:anonymous")
        replies += self.press("upd:no")
        replies += self.press("ck:none")  # no contact for verification
        replies += self.press("sign:yes")
        replies += self.say("/status")
        receipt = re.search(r"https://petition\.example(/r/[^/\s]+/)", " ".join(replies))
        assert receipt, "\n---\n".join(replies)
        page = self.client.get(receipt.group(1) + "?lang=en")
        return {
            "replies": [scrub(reply, who) for reply in replies],
            "receipt": scrub(page.content.decode(), who),
            "receipt path": receipt.group(1),
            "who": who,
            "signatures stored": Signature.objects.count(),
        }

    def test_the_bot_tells_nothing(self) -> None:
        seen = {
            who: self.try_from_the_same_start(lambda who=who: self.through_the_bot(who))
            for who in DEPUTIES
        }
        assert any("Signed. Thank you." in reply for reply in seen["nobody"]["replies"])
        assert seen["nobody"]["count movement"]["checking"] == 1
        for who in ("pending", "sealed"):
            for aspect, value in seen["nobody"].items():
                assert seen[who][aspect] == value, f"{who}: {aspect} differs"
