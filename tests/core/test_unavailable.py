"""The 503 page the site shows while its database or cache cannot be reached."""

from django.db import OperationalError
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.base import PersonaTestCase
from undersigned.core.unavailable import ServiceUnavailableMiddleware


def never_called(request):  # type: ignore[no-untyped-def]
    raise AssertionError("process_exception only")


class ServiceUnavailableTest(PersonaTestCase):
    middleware = ServiceUnavailableMiddleware(never_called)

    def test_database_outage_is_a_clear_503_page(self) -> None:
        request = RequestFactory().get("/c/deputies/")
        with self.assertLogs("undersigned.core.unavailable", "WARNING") as logs:
            response = self.middleware.process_exception(
                request, OperationalError("connection to server at 10.0.0.5 failed: secret detail")
            )
        assert response is not None
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        assert response["Cache-Control"] == "no-store"
        html = response.content.decode()
        assert '<header class="site">' in html  # the site's look
        assert "Traceback" not in html and "10.0.0.5" not in html
        assert logs.output == [
            "WARNING:undersigned.core.unavailable:storage unavailable: OperationalError"
        ]

    def test_cache_outage_is_a_503(self) -> None:
        request = RequestFactory().post("/c/deputies/sign/")
        response = self.middleware.process_exception(request, RedisConnectionError("refused"))
        assert response is not None and response.status_code == 503

    def test_other_errors_are_left_to_django(self) -> None:
        request = RequestFactory().get("/")
        assert self.middleware.process_exception(request, ValueError("bug")) is None
