"""The signing post taken in one step beside Django's handler (undersigned.web.signing_post):
answered as Django answers it, and every other post left to Django untouched."""

import re
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.base import PersonaTestCase, form_fields, make_claims
from undersigned import wsgi
from undersigned.campaigns.actions import close_campaign
from undersigned.signatures.models import Signature
from undersigned.web import signing_post
from undersigned.web.answers import CHECKED_IN_PAGE
from undersigned.web.signing import REFUSED_COOKIE, forget_campaigns

VARYING = {"Location", "Date", "Content-Length"}
EXPIRES = re.compile(r"expires=[^;]*")


class Answered:
    def __init__(self) -> None:
        self.status = ""
        self.headers: list[tuple[str, str]] = []

    def __call__(self, status: str, headers: list[tuple[str, str]]) -> None:
        self.status, self.headers = status, headers

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")

    def fixed_headers(self) -> dict[str, str]:
        """The headers but those that name their own moment: a cookie's expiry date is
        the second it was set, which two answers may not share."""
        return {
            key: EXPIRES.sub("expires=<date>", value)
            for key, value in self.headers
            if key not in VARYING
        }


class SigningPostTest(PersonaTestCase):
    def setUp(self) -> None:
        # As Django's test client does: the test's transaction keeps its connection.
        for signal in (signals.request_started, signals.request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        cache.clear()
        forget_campaigns()
        # A browser's CSRF cookie and the token its form carries.
        holder = HttpRequest()
        self.token = get_token(holder)
        self.secret = holder.META["CSRF_COOKIE"]

    def url(self, slug: str = "") -> str:
        return reverse("sign", args=[slug or self.campaign.slug])

    def environ(
        self, n: int = 1, *, path: str = "", token: str | None = None, **fields: str
    ) -> dict[str, Any]:
        data = form_fields(make_claims(n), Signature.NAMED, **{CHECKED_IN_PAGE: "1"})
        data["csrfmiddlewaretoken"] = self.token if token is None else token
        data.update(fields)
        request = RequestFactory().post(
            path or self.url(),
            {key: value for key, value in data.items() if value is not None},
            HTTP_COOKIE=f"{settings.CSRF_COOKIE_NAME}={self.secret}",
            HTTP_ACCEPT_LANGUAGE="en",
            HTTP_SEC_FETCH_SITE="same-origin",
            REMOTE_ADDR="203.0.113.20",
        )
        return request.environ

    def through(self, app: Any, environ: dict[str, Any]) -> tuple[Answered, bytes]:
        answered = Answered()
        body = b"".join(app(environ, answered))
        return answered, body

    def test_a_post_checked_in_the_page_is_signed_in_one_step(self) -> None:
        response = signing_post.answer(self.environ())
        assert response is not None
        assert response.status_code == 302
        assert response["Location"].startswith("/r/")
        assert response["Location"].endswith("/?new=1")
        response.close()
        signature = Signature.objects.get()
        assert signature.full_name == make_claims(1).full_name
        assert signature.channel == Signature.WEB
        assert signature.language == "en"

    def test_answered_with_the_headers_django_gives(self) -> None:
        fast, _ = self.through(wsgi.application, self.environ(1))
        full, _ = self.through(wsgi.django_application, self.environ(2))
        assert fast.code == full.code == 302
        assert fast.fixed_headers() == full.fixed_headers()
        assert "Content-Security-Policy" in fast.fixed_headers()
        assert Signature.objects.count() == 2

    @override_settings(RATE_CLIENT_LIMIT=1, RATE_CLIENT_CAPTCHA_AFTER=100)
    def test_a_refusal_is_the_page_and_cookie_django_gives(self) -> None:
        assert signing_post.answer(self.environ(1)) is not None
        fast, fast_page = self.through(wsgi.application, self.environ(2))
        cache.clear()
        self.through(wsgi.django_application, self.environ(3))
        full, full_page = self.through(wsgi.django_application, self.environ(4))
        assert fast.code == full.code == 429
        assert fast.fixed_headers() == full.fixed_headers()
        assert REFUSED_COOKIE in fast.header("Set-Cookie")
        assert fast_page.count(b"Retry") == full_page.count(b"Retry")
        assert Signature.objects.count() == 2

    @override_settings(RATE_CLIENT_LIMIT=1, RATE_CLIENT_CAPTCHA_AFTER=100)
    def test_every_other_post_is_declined_before_anything_counts(self) -> None:
        declined = {
            "no CSRF token": self.environ(token=""),
            "a forged CSRF token": self.environ(token="x" * 64),
            "scripts off": self.environ(1, **{CHECKED_IN_PAGE: ""}),
            "a language switch": self.environ(switch_language="ru"),
            "the check page's answers": self.environ(answers="sealed"),
            "a carried captcha": self.environ(captcha_0="key", captcha_1="answer"),
            "an invalid form": self.environ(full_name=""),
            "an unknown campaign": self.environ(path=self.url("nowhere")),
        }
        with_query = self.environ()
        with_query["QUERY_STRING"] = "lang=ru"
        declined["a query"] = with_query
        for what, environ in declined.items():
            assert signing_post.answer(environ) is None, what
        assert not Signature.objects.exists()
        # None of them was counted against the sender: the one post allowed still is.
        assert signing_post.answer(self.environ()) is not None
        assert Signature.objects.count() == 1

    def test_a_declined_post_reaches_django_with_its_body(self) -> None:
        answered, page = self.through(wsgi.application, self.environ(full_name=""))
        assert answered.code == 400
        assert make_claims(1).office.encode() in page  # the form again, filled in
        answered, _ = self.through(wsgi.application, self.environ(token=""))
        assert answered.code == 403
        assert not Signature.objects.exists()

    def test_a_closed_campaign_is_left_to_django(self) -> None:
        close_campaign(self.campaign, actor=self.organizer)
        forget_campaigns()
        environ = self.environ()
        assert signing_post.answer(environ) is None
        answered, _ = self.through(wsgi.application, self.environ())
        assert answered.code == 410
        assert not Signature.objects.exists()

    @override_settings(SECURE=True, SECURE_SSL_REDIRECT=True)
    def test_plain_http_is_left_to_django_to_redirect(self) -> None:
        assert signing_post.answer(self.environ()) is None
        assert not Signature.objects.exists()

    def test_it_applies_the_middleware_the_site_runs(self) -> None:
        assert tuple(settings.MIDDLEWARE) == signing_post.MIDDLEWARE
