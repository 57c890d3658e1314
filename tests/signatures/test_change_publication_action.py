"""Lowering one's visibility, whatever the channel (the receipt page, the bot): the action
itself makes the cached public pages again, so the name is gone from them at once."""

from django.core.cache import cache
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.signatures import actions
from undersigned.signatures.models import Signature


class ChangePublicationActionTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_lowering_visibility_refreshes_the_cached_pages(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        pages = [
            reverse("campaign", args=[self.campaign.slug]),
            reverse("signatories", args=[self.campaign.slug]),
        ]
        for url in pages:
            assert "Депутатов1" in self.client.get(url).content.decode()  # now cached
        actions.change_publication(signature, Signature.ANONYMOUS, None)
        for url in pages:
            assert "Депутатов1" not in self.client.get(url).content.decode()
