"""Subscription requests given with signatures: on PostgreSQL with Redis they wait in Redis
and the subscription job writes them to the database in batches, after a transaction of
its own, so that no request carries a transaction id (xmin) next to its signature's."""

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from tests.base import Personas, form_fields, make_claims, sign_through_form
from undersigned.signatures.models import Signature
from undersigned.updates import actions
from undersigned.updates.models import SubscriptionRequest


def xmin(table: str, row_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT xmin::text::bigint FROM {table} WHERE id = %s",  # noqa: S608  # fixed names
            [row_id],
        )
        return int(cursor.fetchone()[0])


class SubscriptionRequestsTest(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.create_personas()

    def sign_with_updates(self, n: int) -> Signature:
        data = {**form_fields(make_claims(n), Signature.NAMED), "updates_email": f"r{n}@ex.org"}
        url = reverse("sign", args=[self.campaign.slug]) + "?lang=en"
        response = sign_through_form(self.client, url, data, REMOTE_ADDR=f"203.0.113.{n}")
        assert response.status_code == 302
        return Signature.objects.get(full_name=make_claims(n).full_name)

    def test_no_request_has_a_transaction_id_next_to_its_signature(self) -> None:
        if (
            connection.vendor != "postgresql"
            or "redis" not in settings.CACHES["default"]["BACKEND"].lower()
        ):
            self.skipTest("transaction ids are PostgreSQL's; the queue is Redis's")
        signatures = [self.sign_with_updates(n) for n in (1, 2, 3)]
        assert not SubscriptionRequest.objects.exists()  # waiting in Redis, not in a table
        assert actions.write_queued_requests() == 3
        requests = list(SubscriptionRequest.objects.values_list("id", "email"))
        assert sorted(email for _, email in requests) == ["r1@ex.org", "r2@ex.org", "r3@ex.org"]
        written = {xmin("updates_subscriptionrequest", pk) for pk, _ in requests}
        assert len(written) == 1  # one batch, one transaction
        batch = written.pop()
        for signature in signatures:
            assert abs(batch - xmin("signatures_signature", signature.pk)) > 1
        assert actions.write_queued_requests() == 0

    def test_requests_reach_the_database_whatever_the_queue(self) -> None:
        self.sign_with_updates(4)
        actions.write_queued_requests()
        assert list(SubscriptionRequest.objects.values_list("email", flat=True)) == ["r4@ex.org"]
