"""Schemathesis over the whole OpenAPI description: no operation answers with a server error.

Requests go through the WSGI application in-process, on the test database, with a
demo-like campaign and a verifier's token so staff operations get past authentication.
"""

import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.base import OLGA, PersonaTestCase, make_claims
from undersigned.api.actions import create_api_token
from undersigned.signatures.models import Signature
from undersigned.updates.actions import publish_update

EXAMPLES_PER_OPERATION = 40


class SchemathesisTest(PersonaTestCase):
    def setUp(self) -> None:
        for n in range(12):
            self.sign_verified(make_claims(n, ("RU-MOW", "RU-SPE", "RU-IRK")[n % 3]))
        self.sign_verified(make_claims(20), publication=Signature.ANONYMOUS)
        self.sign(OLGA)
        self.sign(make_claims(21))
        self.refresh_counts()
        publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[{"language": "ru", "title": "Новости", "body": "Проверили подписи."}],
        )
        self.token = create_api_token(self.verifier, "schemathesis")[1]
        # As Django's test client does: the WSGI handler must not close the connection
        # that holds the test's transaction (on PostgreSQL that would end the test).
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

    def test_no_operation_answers_with_a_server_error(self) -> None:
        operations = [result.ok() for result in self.schema.get_all_operations()]
        assert len(operations) >= 9
        known_slugs = st.sampled_from(["deputies", "nope", "a" * 200, "ё"])
        for operation in operations:
            strategy = operation.as_strategy()

            @given(case=strategy, slug=known_slugs, real_slug=st.booleans())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case, slug: str, real_slug: bool) -> None:
                if real_slug and case.path_parameters and "slug" in case.path_parameters:
                    case.path_parameters["slug"] = slug
                response = case.call(headers={"Authorization": f"Bearer {self.token}"})
                case.validate_response(response, checks=[not_a_server_error])

            check()
