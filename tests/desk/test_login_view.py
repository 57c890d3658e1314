import re
from datetime import timedelta
from unittest import mock

from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.desk.base import DeskTestCase, current_token
from undersigned.audit.models import AuditEvent
from undersigned.desk.enrolment import issue_enrolment_code
from undersigned.desk.models import EnrolmentCode
from undersigned.verification.throttle import DEVICE_COOKIE


def solved_captcha(client: Client | None = None) -> dict[str, str]:
    """A captcha and its answer, made in the store as only a test can."""
    store = CaptchaStore.objects.get(hashkey=CaptchaStore.generate_key())
    return {"captcha_0": store.hashkey, "captcha_1": store.response}


class LoginTest(DeskTestCase):
    def test_password_then_totp_reaches_the_desk(self) -> None:
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        client = Client()
        response = client.post(
            reverse("desk:login"), {"username": "vera", "password": "verifier-pass"}
        )
        assert response.status_code == 302 and response["Location"].startswith(reverse("desk:otp"))
        # Password alone does not open the desk.
        assert client.get(reverse("desk:home"))["Location"].startswith(reverse("desk:otp"))
        response = client.post(reverse("desk:otp"), {"token": current_token(device)})
        assert response.status_code == 302 and response["Location"] == reverse("desk:home")
        page = client.get(reverse("desk:home") + "?lang=en")
        assert page.status_code == 200
        assert "Your campaigns" in page.content.decode()

    def test_the_page_asked_for_is_reached_after_sign_in(self) -> None:
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        client = Client()
        queue = reverse("desk:queue", args=[self.campaign.slug])
        response = client.get(queue)
        assert response.status_code == 302
        login_url = response["Location"]
        assert login_url.startswith(reverse("desk:login")) and "next=" in login_url
        response = client.post(login_url, {"username": "vera", "password": "verifier-pass"})
        response = client.post(response["Location"], {"token": current_token(device)})
        assert response["Location"] == queue

    def test_an_outside_next_address_is_ignored(self) -> None:
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        client = Client()
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        response = client.post(
            reverse("desk:otp"),
            {"token": current_token(device), "next": "https://evil.example/desk/"},
        )
        assert response["Location"] == reverse("desk:home")

    def test_wrong_password_and_wrong_code_are_refused(self) -> None:
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        client = Client()
        response = client.post(
            reverse("desk:login") + "?lang=en", {"username": "vera", "password": "nope"}
        )
        assert response.status_code == 400
        assert "Wrong username or password." in response.content.decode()
        assert client.get(reverse("desk:home"))["Location"].startswith(reverse("desk:login"))
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
        response = client.post(reverse("desk:otp") + "?lang=en", {"token": wrong})
        assert response.status_code == 400
        assert "That code is not right" in response.content.decode()
        assert client.get(reverse("desk:home"))["Location"].startswith(reverse("desk:otp"))

    def test_an_inactive_account_cannot_sign_in(self) -> None:
        get_user_model().objects.filter(pk=self.verifier.pk).update(is_active=False)
        response = self.client.post(
            reverse("desk:login"), {"username": "vera", "password": "verifier-pass"}
        )
        assert response.status_code == 400

    def test_sign_out_ends_the_session(self) -> None:
        client = self.desk_client(self.verifier)
        assert client.get(reverse("desk:home")).status_code == 200
        assert client.get(reverse("desk:logout")).status_code == 405
        response = client.post(reverse("desk:logout"))
        assert response.status_code == 302
        assert client.get(reverse("desk:home"))["Location"].startswith(reverse("desk:login"))


@override_settings(
    DESK_LOGIN_ATTEMPTS=3,
    DESK_LOGIN_CLIENT_ATTEMPTS=5,
    DESK_LOGIN_LOCK_ATTEMPTS=6,
    DESK_LOGIN_WINDOW_SECONDS=600,
)
class LoginThrottleTest(DeskTestCase):
    """A flood of wrong passwords slows whoever sends it, never the account's owner."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the counters outlive a test

    def login(self, client: Client, password: str, **extra: str) -> HttpResponse:
        data = {"username": "vera", "password": password, **extra}
        return client.post(reverse("desk:login") + "?lang=en", data)

    def flood(self, attacker: Client, n: int) -> None:
        for _ in range(n):
            page = self.login(attacker, "guess", **solved_captcha(attacker))
            assert page.status_code in (400, 429)

    def test_the_owner_signs_in_with_password_and_code_during_a_flood(self) -> None:
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        owner = Client(REMOTE_ADDR="192.0.2.10")
        assert self.login(owner, "verifier-pass").status_code == 302  # signed in here before
        owner.post(reverse("desk:logout"))
        attacker = Client(REMOTE_ADDR="192.0.2.66")
        self.flood(attacker, 10)
        assert self.login(attacker, "verifier-pass").status_code == 429  # its pair is locked
        response = self.login(owner, "verifier-pass")
        assert response.status_code == 302
        response = owner.post(reverse("desk:otp"), {"token": current_token(device)})
        assert response["Location"] == reverse("desk:home")
        assert owner.get(reverse("desk:home")).status_code == 200

    def test_the_owner_sharing_the_attackers_address_is_not_locked_out(self) -> None:
        owner = Client(REMOTE_ADDR="192.0.2.66")
        assert self.login(owner, "verifier-pass").status_code == 302
        attacker = Client(REMOTE_ADDR="192.0.2.66")  # the same NAT, Tor exit or proxy
        self.flood(attacker, 10)
        assert self.login(attacker, "verifier-pass").status_code == 429
        assert self.login(owner, "verifier-pass").status_code == 302

    def test_a_new_browser_is_asked_for_a_captcha_not_locked(self) -> None:
        self.flood(Client(REMOTE_ADDR="192.0.2.66"), 10)
        fresh = Client(REMOTE_ADDR="192.0.2.11")
        page = self.login(fresh, "verifier-pass")
        assert page.status_code == 400
        assert 'name="captcha_1"' in page.content.decode()
        assert self.login(fresh, "verifier-pass", **solved_captcha(fresh)).status_code == 302

    def test_the_captcha_offers_the_question_in_words_too(self) -> None:
        self.flood(Client(REMOTE_ADDR="192.0.2.66"), 10)
        fresh = Client(REMOTE_ADDR="192.0.2.11")
        page = self.login(fresh, "verifier-pass").content.decode()
        assert "How much is" in page
        hashkey = re.search(r'name="question_0" value="([0-9a-f]+)"', page)
        assert hashkey is not None
        label = re.search(r'<label for="([^"]+)" class="question">', page)
        assert label is not None and f'id="{label.group(1)}"' in page
        answer = CaptchaStore.objects.get(hashkey=hashkey.group(1)).response
        wrong = self.login(
            fresh, "verifier-pass", question_0=hashkey.group(1), question_1=str(int(answer) + 1)
        )
        assert wrong.status_code == 400
        page = self.login(fresh, "verifier-pass").content.decode()
        hashkey = re.search(r'name="question_0" value="([0-9a-f]+)"', page)
        assert hashkey is not None
        answer = CaptchaStore.objects.get(hashkey=hashkey.group(1)).response
        response = self.login(
            fresh, "verifier-pass", question_0=hashkey.group(1), question_1=answer
        )
        assert response.status_code == 302

    def test_a_wrong_captcha_is_refused_before_the_password_is_hashed(self) -> None:
        attacker = Client(REMOTE_ADDR="192.0.2.66")
        for _ in range(3):
            self.login(attacker, "guess")
        with mock.patch("undersigned.desk.views.auth.authenticate") as authenticate:
            page = self.login(attacker, "verifier-pass", captcha_0="x", captcha_1="y")
        assert page.status_code == 400
        authenticate.assert_not_called()

    def test_failures_across_usernames_ask_that_client_for_a_captcha(self) -> None:
        for n in range(5):
            self.client.post(reverse("desk:login"), {"username": f"guess{n}", "password": "x"})
        response = self.client.post(
            reverse("desk:login"), {"username": "oleg", "password": "organizer-pass"}
        )
        assert response.status_code == 400
        assert 'name="captcha_1"' in response.content.decode()
        other = Client(REMOTE_ADDR="192.0.2.7")
        assert (
            other.post(
                reverse("desk:login"), {"username": "oleg", "password": "organizer-pass"}
            ).status_code
            == 302
        )

    def test_a_forged_device_cookie_counts_for_nothing(self) -> None:
        self.flood(Client(REMOTE_ADDR="192.0.2.66"), 4)
        forged = Client(REMOTE_ADDR="192.0.2.12")
        forged.cookies[DEVICE_COOKIE] = "eyJ1IjoidmVyYSJ9:forged:signature"
        page = self.login(forged, "verifier-pass")
        assert 'name="captcha_1"' in page.content.decode()

    def test_totp_guesses_are_throttled_too(self) -> None:
        device = TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        self.client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
        for _ in range(3):
            self.client.post(reverse("desk:otp"), {"token": wrong})
        response = self.client.post(reverse("desk:otp"), {"token": current_token(device)})
        assert response.status_code == 429
        assert self.client.get(reverse("desk:home"))["Location"].startswith(reverse("desk:otp"))


class EnrolTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enrolment_code = issue_enrolment_code(self.verifier)

    def signed_in_with_code(self) -> Client:
        client = Client()
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        response = client.post(reverse("desk:enrol"), {"enrolment_code": self.enrolment_code})
        assert response.status_code == 302
        return client

    def test_first_sign_in_enrols_an_authenticator_before_anything_else(self) -> None:
        client = Client()
        response = client.post(
            reverse("desk:login"), {"username": "vera", "password": "verifier-pass"}
        )
        assert response["Location"].startswith(reverse("desk:enrol"))
        assert client.get(reverse("desk:queue", args=[self.campaign.slug]))["Location"].startswith(
            reverse("desk:enrol")
        )
        # The password alone shows no QR code: the enrolment code comes first.
        asked = client.get(reverse("desk:enrol") + "?lang=en").content.decode()
        assert "Enrolment code" in asked and "otpauth://" not in asked
        assert not TOTPDevice.objects.exists()
        lowercase = self.enrolment_code.lower().replace("-", " ")
        response = client.post(reverse("desk:enrol"), {"enrolment_code": lowercase})
        assert response.status_code == 302
        page = client.get(reverse("desk:enrol") + "?lang=en")
        html = page.content.decode()
        assert page.status_code == 200
        assert "<svg" in html and "otpauth://totp/" in html
        assert "<script" not in html and "style=" not in html
        device = TOTPDevice.objects.get(user=self.verifier)
        assert not device.confirmed
        response = client.post(reverse("desk:enrol"), {"token": current_token(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("desk:home")).status_code == 200
        assert AuditEvent.objects.filter(
            action="staff.second_factor_enrolled", actor=self.verifier
        ).exists()
        # Used up: it cannot enrol another authenticator.
        assert not EnrolmentCode.objects.filter(user=self.verifier).exists()

    def test_the_password_alone_never_shows_the_key(self) -> None:
        client = Client()
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        response = client.post(reverse("desk:enrol"), {"enrolment_code": "AAAA-BBBB-CCCC"})
        assert response.status_code == 400
        assert "otpauth://" not in response.content.decode()
        response = client.post(reverse("desk:enrol"), {"token": "123456"})
        assert response.status_code == 400
        assert not TOTPDevice.objects.exists()

    def test_an_expired_enrolment_code_is_refused(self) -> None:
        EnrolmentCode.objects.filter(user=self.verifier).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        client = Client()
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        response = client.post(reverse("desk:enrol"), {"enrolment_code": self.enrolment_code})
        assert response.status_code == 400

    def test_enrolment_code_guesses_are_throttled(self) -> None:
        client = Client()
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        statuses = [
            client.post(reverse("desk:enrol"), {"enrolment_code": "AAAA-BBBB-CCCC"}).status_code
            for _ in range(settings.DESK_LOGIN_ATTEMPTS + 1)
        ]
        assert statuses[-1] == 429
        response = client.post(reverse("desk:enrol"), {"enrolment_code": self.enrolment_code})
        assert response.status_code == 429

    def test_a_wrong_code_does_not_confirm_the_device(self) -> None:
        client = self.signed_in_with_code()
        client.get(reverse("desk:enrol"))
        device = TOTPDevice.objects.get(user=self.verifier)
        wrong = f"{(int(current_token(device)) + 1) % 1_000_000:06d}"
        response = client.post(reverse("desk:enrol"), {"token": wrong})
        assert response.status_code == 400
        device.refresh_from_db()
        assert not device.confirmed

    def test_an_enrolled_account_cannot_enrol_another_device_with_its_password(self) -> None:
        TOTPDevice.objects.create(user=self.verifier, name="phone", confirmed=True)
        client = Client()
        client.post(reverse("desk:login"), {"username": "vera", "password": "verifier-pass"})
        response = client.get(reverse("desk:enrol"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("desk:otp"))
        assert TOTPDevice.objects.filter(user=self.verifier).count() == 1

    def test_enrolment_needs_a_password_first(self) -> None:
        assert self.client.get(reverse("desk:enrol"))["Location"] == reverse("desk:login")
        assert self.client.get(reverse("desk:otp"))["Location"] == reverse("desk:login")
        assert not TOTPDevice.objects.exists()
