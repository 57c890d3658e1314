"""The desk's test case: personas sign in through the real pages, password then TOTP."""

from typing import Any

from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.base import PersonaTestCase
from undersigned.verification import throttle

ALL_PASSWORDS = {
    "oleg": "organizer-pass",
    "vera": "verifier-pass",
    "svetlana": "spokes-pass",
    "otto": "outsider-pass",
}


def current_token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


class DeskTestCase(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self._clear_throttles()

    def tearDown(self) -> None:
        self._clear_throttles()
        super().tearDown()

    def _clear_throttles(self) -> None:
        request = RequestFactory().get("/")
        for scope in (
            throttle.login_by_username(),
            throttle.login_by_client(),
            throttle.codes_by_client(),
        ):
            scope.reset(throttle.client_key(request))
            for username in ALL_PASSWORDS:
                scope.reset(username)

    def desk_client(self, user: Any) -> Client:
        """A browser signed in to the desk as `user`, through the password and TOTP pages."""
        client = Client()
        # A device per sign-in: a TOTP code is accepted once, and tests sign in faster than 30 s.
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        response = client.post(
            reverse("desk:login"),
            {"username": user.username, "password": ALL_PASSWORDS[user.username]},
        )
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("desk:otp"))
        response = client.post(reverse("desk:otp"), {"token": current_token(device)})
        assert response.status_code == 302, response.content.decode()[:500]
        return client
