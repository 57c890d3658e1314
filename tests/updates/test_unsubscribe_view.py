"""Unsubscribing from the link in an update's e-mail deletes the address."""

from django.urls import reverse

from tests.base import PersonaTestCase
from undersigned.updates.actions import subscribe_email
from undersigned.updates.models import Subscription, unsubscribe_token


class UnsubscribeViewTest(PersonaTestCase):
    def test_get_asks_post_deletes(self) -> None:
        subscription = subscribe_email(self.campaign, "olga@example.org", "en")
        url = reverse("updates_unsubscribe", args=[unsubscribe_token(subscription.pk)])
        page = self.client.get(url + "?lang=en")
        assert page.status_code == 200
        assert 'name="csrfmiddlewaretoken"' in page.content.decode()
        assert (
            Subscription.objects.exists()
        )  # a link preview or scanner fetching the page changes nothing
        response = self.client.post(url)
        assert response.status_code == 302
        assert not Subscription.objects.exists()
        done = self.client.get(response["Location"] + "&lang=en")
        assert "address was deleted" in done.content.decode()

    def test_a_wrong_token_changes_nothing(self) -> None:
        subscribe_email(self.campaign, "olga@example.org", "en")
        for token in ("0" * 64, "x" * 65, unsubscribe_token(999999)):
            response = self.client.post(reverse("updates_unsubscribe", args=[token]))
            assert response.status_code == 404
        assert Subscription.objects.count() == 1

    def test_the_stored_hash_is_not_the_token(self) -> None:
        subscription = subscribe_email(self.campaign, "olga@example.org", "en")
        assert subscription.unsubscribe_hash
        assert subscription.unsubscribe_hash != unsubscribe_token(subscription.pk)
