"""Delivery: claimed once, sent once, never back to pending once finished."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.base import PersonaTestCase
from undersigned.campaigns.models import TransitionError
from undersigned.updates import actions
from undersigned.updates.models import Delivery


class DeliveryModelTest(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.subscription = actions.subscribe_email(self.campaign, "olga@example.org", "ru")
        self.update = actions.publish_update(
            self.campaign,
            author=self.spokesperson,
            texts=[{"language": "ru", "title": "T", "body": "B"}],
        )
        [delivery_id] = actions.create_deliveries(self.update)
        self.delivery_id = delivery_id

    def test_one_delivery_per_update_and_subscriber(self) -> None:
        assert actions.create_deliveries(self.update) == [self.delivery_id]
        with self.assertRaises(IntegrityError), transaction.atomic():
            Delivery.objects.create(update=self.update, subscription=self.subscription)

    def test_a_delivery_is_claimed_once(self) -> None:
        now = timezone.now()
        assert Delivery.claim(self.delivery_id, now)
        assert not Delivery.claim(self.delivery_id, now)
        assert Delivery.objects.get().attempts == 1

    def test_finished_deliveries_do_not_move(self) -> None:
        Delivery.claim(self.delivery_id, timezone.now())
        delivery = actions.finish_delivery(self.delivery_id)
        assert delivery.state == Delivery.SENT
        assert not Delivery.claim(self.delivery_id, timezone.now())
        with self.assertRaises(TransitionError):
            delivery.retry_later("smtp 451", timedelta(minutes=1))

    def test_a_stale_claim_is_released(self) -> None:
        Delivery.claim(self.delivery_id, timezone.now() - timedelta(hours=1))
        assert actions.release_stale_claims(timedelta(minutes=15)) == 1
        assert Delivery.objects.get().state == Delivery.PENDING

    def test_backoff_grows(self) -> None:
        delays = [actions.backoff_for(n) for n in (1, 2, 3)]
        assert delays == sorted(delays)
        assert delays[0] < delays[2]
