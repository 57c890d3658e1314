"""Subscription: one per address and campaign, its own address only, purged with the campaign."""

from django.db import IntegrityError, transaction

from tests.base import PersonaTestCase
from undersigned.campaigns.actions import archive_campaign, close_campaign
from undersigned.updates import actions
from undersigned.updates.models import Subscription


class SubscriptionModelTest(PersonaTestCase):
    def test_the_same_address_subscribes_once_per_campaign(self) -> None:
        first = actions.subscribe_email(self.campaign, "olga@example.org", "ru")
        again = actions.subscribe_email(self.campaign, " OLGA@example.org", "en")
        assert first.pk == again.pk
        other = self.make_campaign("other-letter")
        assert actions.subscribe_email(other, "olga@example.org", "ru").pk != first.pk
        assert actions.subscribe_telegram(self.campaign, 42, "ru").pk == (
            actions.subscribe_telegram(self.campaign, 42, "en").pk
        )
        assert Subscription.objects.count() == 3

    def test_a_subscription_holds_exactly_its_channels_address(self) -> None:
        for fields in (
            {"channel": Subscription.EMAIL, "email": ""},
            {"channel": Subscription.EMAIL, "email": "a@example.org", "telegram_chat_id": 1},
            {"channel": Subscription.TELEGRAM, "telegram_chat_id": None},
            {"channel": Subscription.TELEGRAM, "telegram_chat_id": 1, "email": "a@example.org"},
        ):
            with self.assertRaises(IntegrityError), transaction.atomic():
                Subscription.objects.create(campaign=self.campaign, **fields)

    def test_purge_and_unsubscribe_delete_the_addresses(self) -> None:
        actions.subscribe_email(self.campaign, "olga@example.org", "ru")
        actions.subscribe_telegram(self.campaign, 42, "ru")
        other = self.make_campaign("other-letter")
        actions.subscribe_telegram(other, 42, "ru")
        kept = actions.subscribe_email(other, "kept@example.org", "ru")
        assert actions.unsubscribe_telegram_chat(42) == 2
        assert actions.purge_subscriptions(self.campaign) == 1
        assert list(Subscription.objects.all()) == [kept]

    def test_addresses_of_finished_campaigns_are_purged(self) -> None:
        open_one = actions.subscribe_email(self.campaign, "olga@example.org", "ru")
        archived = self.make_campaign("archived-letter")
        actions.subscribe_email(archived, "olga@example.org", "ru")
        close_campaign(archived, actor=self.organizer)
        assert actions.purge_finished_campaigns() == 0  # closed, but within retention
        archive_campaign(archived, actor=self.organizer)
        assert actions.purge_finished_campaigns() == 1
        assert list(Subscription.objects.all()) == [open_one]
