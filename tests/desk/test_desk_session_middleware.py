from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from tests.desk.base import DeskTestCase


class DeskSessionMiddlewareTest(DeskTestCase):
    def test_staff_session_is_server_side_on_its_own_strict_cookie(self) -> None:
        client = self.desk_client(self.verifier)
        cookie = client.cookies["undersigned_desk"]
        assert cookie["path"] == "/desk/"
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Strict"
        assert not cookie["secure"]
        assert Session.objects.filter(session_key=cookie.value).exists()
        assert "sessionid" not in client.cookies

    # As SECURE=1 sets them (settings.py; tests/security/test_deploy_check.py checks it).
    @override_settings(SECURE=True, SESSION_COOKIE_SECURE=True, SECURE_SSL_REDIRECT=False)
    def test_secure_cookie_over_https(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.desk.base import current_token

        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        self.client.post(
            reverse("desk:login"), {"username": "vera", "password": "verifier-pass"}, secure=True
        )
        assert self.client.cookies["undersigned_desk"]["secure"] is True
        self.client.post(reverse("desk:otp"), {"token": current_token(device)}, secure=True)
        assert self.client.get(reverse("desk:home"), secure=True).status_code == 200

    def test_deleting_the_session_row_signs_the_staff_member_out(self) -> None:
        client = self.desk_client(self.verifier)
        Session.objects.filter(session_key=client.cookies["undersigned_desk"].value).delete()
        assert client.get(reverse("desk:home"))["Location"].startswith(reverse("desk:login"))

    def test_public_pages_set_no_session_cookie_even_for_signed_in_staff(self) -> None:
        client = self.desk_client(self.verifier)
        for url in (
            reverse("index"),
            reverse("campaign", args=[self.campaign.slug]),
            reverse("sign", args=[self.campaign.slug]),
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert "undersigned_desk" not in response.cookies
            assert "sessionid" not in response.cookies

    def test_the_desk_session_cookie_is_not_the_public_one(self) -> None:
        client = self.desk_client(self.verifier)
        # Sent by hand to a public page, the desk cookie opens nothing there.
        client.cookies["sessionid"] = client.cookies["undersigned_desk"].value
        response = client.get(reverse("index"))
        assert response.status_code == 200
        # The public site runs no session or sign-in at all.
        assert not hasattr(response.wsgi_request, "user")
        assert not hasattr(response.wsgi_request, "session")

    def test_the_desk_runs_sessions_and_sign_in(self) -> None:
        response = self.desk_client(self.verifier).get(reverse("desk:home"))
        assert response.wsgi_request.user == self.verifier
        assert response.wsgi_request.user.is_verified()
