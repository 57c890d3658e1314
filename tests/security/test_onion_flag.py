"""The onion flag comes from nginx's onion listener, never from what a client sends.

A clearnet client that names the onion in its Host header, or sends the onion header
itself to an app with no trusted proxy, is limited like any other client; onion
visitors are limited per Tor circuit, as nginx names it.
"""

from django.test import override_settings
from django.urls import reverse

from tests.base import make_claims, sign_through_form
from tests.desk.base import DeskTestCase
from tests.web.test_sign_abuse import LIMITS, form_for
from undersigned.core import clients
from undersigned.signatures.models import Signature
from undersigned.verification import actions

ONION = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
BEHIND_PROXY = {
    "ONION_HOST": ONION,
    "ALLOWED_HOSTS": [ONION, "testserver", "petition.example.org"],
    "TRUSTED_PROXY_HEADER": "X-Real-IP",
}
ATTACKER = {"HTTP_HOST": ONION, "HTTP_X_REAL_IP": "203.0.113.66", "REMOTE_ADDR": "127.0.0.1"}


@override_settings(**BEHIND_PROXY, **LIMITS, CONFIRMATION_CODE_CLIENT_ATTEMPTS=3)
class OnionFlagTest(DeskTestCase):
    def sign_url(self) -> str:
        return reverse("sign", args=[self.campaign.slug])

    def test_a_clearnet_client_naming_the_onion_host_is_limited_per_address(self) -> None:
        statuses = [
            sign_through_form(self.client, self.sign_url(), form_for(n), **ATTACKER).status_code
            for n in range(1, 9)
        ]
        # LIMITS: captcha after 2 attempts, refused past 5, as for any one address.
        assert statuses[:2] == [302, 302]
        assert statuses[5:] == [429, 429, 429]
        assert Signature.objects.count() < 8

    def test_the_onion_header_from_a_client_is_ignored_without_a_trusted_proxy(self) -> None:
        request = self.client.get("/", HTTP_X_ONION_SERVICE="1").wsgi_request
        with override_settings(TRUSTED_PROXY_HEADER=""):
            assert not clients.is_onion_request(request)
        with override_settings(ONION_HOST=""):
            assert not clients.is_onion_request(request)
        assert clients.is_onion_request(request)

    def test_wrong_codes_from_a_clearnet_client_naming_the_onion_are_throttled(self) -> None:
        signature, _ = self.sign(make_claims(1))
        actions.issue_code(signature, actor=self.verifier)
        statuses = [
            self.client.post(reverse("confirm"), {"code": "AAAA-BBBB-CCCC"}, **ATTACKER).status_code
            for _ in range(4)
        ]
        assert statuses[-1] == 429

    def test_onion_visitors_are_limited_per_circuit(self) -> None:
        through_onion = {**ATTACKER, "HTTP_X_ONION_SERVICE": "1"}
        signature, _ = self.sign(make_claims(1))
        actions.issue_code(signature, actor=self.verifier)

        def wrong_code(circuit: str) -> int:
            # nginx names the Tor circuit in X-Real-IP (PROXY protocol from Tor).
            headers = {**through_onion, "HTTP_X_REAL_IP": f"fc00:dead:beef:4dad::{circuit}"}
            return self.client.post(
                reverse("confirm"), {"code": "AAAA-BBBB-CCCC"}, **headers
            ).status_code

        assert [wrong_code("0:7") for _ in range(4)][-1] == 429
        assert wrong_code("0:8") != 429  # another visitor's circuit

    def test_an_unknown_address_shares_one_bucket(self) -> None:
        request = self.client.get("/", REMOTE_ADDR="").wsgi_request
        other = self.client.get("/", REMOTE_ADDR="").wsgi_request
        assert clients.client_hash(request) == clients.client_hash(other) != ""
