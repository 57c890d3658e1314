import io
import logging

from django.test import Client, SimpleTestCase, override_settings
from django.urls import reverse

from tests.base import PersonaTestCase
from undersigned.core.logs import RedactSecrets, redact

TOKEN = "Zq3v9Kx1Lm8Np2Rs7Tu4Wy6"


class RedactTest(SimpleTestCase):
    def test_secret_path_segments_and_query_values_are_redacted(self) -> None:
        for line in [
            f"Forbidden (CSRF cookie not set.): /r/{TOKEN}/withdraw/",
            f"GET /updates/unsubscribe/{TOKEN}/ 404",
            f"POST /telegram/webhook/{TOKEN}/ 500",
            f"GET /updates/confirm/{TOKEN}/",
            f"/confirm/?code={TOKEN}&lang=en",
        ]:
            assert TOKEN not in redact(line), line
            assert "[redacted]" in redact(line)
        assert redact("GET /c/deputies/sign/ 200") == "GET /c/deputies/sign/ 200"

    def test_the_filter_redacts_arguments_and_tracebacks(self) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactSecrets())
        logger = logging.getLogger("undersigned.tests.redact")
        logger.addHandler(handler)
        try:
            logger.warning("Not Found: %s", f"/r/{TOKEN}/")
            try:
                raise ValueError(f"/r/{TOKEN}/publication/")
            except ValueError:
                logger.exception("Internal Server Error: %s", f"/r/{TOKEN}/")
        finally:
            logger.removeHandler(handler)
        output = stream.getvalue()
        assert "Not Found: /r/[redacted]/" in output
        assert "ValueError" in output
        assert TOKEN not in output


class SecretPathsInDjangoLogsTest(PersonaTestCase):
    @override_settings(LOGGING_CONFIG=None)
    def test_a_csrf_failure_on_a_receipt_path_logs_no_token(self) -> None:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(RedactSecrets())
        root = logging.getLogger()
        root.addHandler(handler)
        try:
            response = Client(enforce_csrf_checks=True).post(reverse("withdraw", args=[TOKEN]), {})
        finally:
            root.removeHandler(handler)
        assert response.status_code == 403
        assert "Forbidden" in stream.getvalue()
        assert TOKEN not in stream.getvalue()
