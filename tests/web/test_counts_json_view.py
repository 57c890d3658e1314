from django.core.cache import cache
from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.signatures import actions


class CountsJsonTest(PersonaTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_counts_from_tallies(self) -> None:
        self.sign_verified(make_claims(1))
        self.sign(make_claims(2))
        withdrawn, _ = self.sign(make_claims(3))
        actions.withdraw_signature(withdrawn)
        self.refresh_counts()
        response = self.client.get(reverse("campaign_counts", args=[self.campaign.slug]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert data["campaign"] == "deputies"
        assert (data["verified"], data["being_checked"], data["withdrawn"]) == (1, 1, 1)
        assert data["counted_at"].endswith("+00:00")
        checkpoint = self.campaign.checkpoints.latest()
        assert data["checkpoint"]["size"] == checkpoint.size
        assert data["checkpoint"]["time"] == checkpoint.time
        assert (data["checkpoint"]["verified"], data["checkpoint"]["being_checked"]) == (1, 1)
        assert data["checkpoint"]["cite"] == f"/c/deputies/cite/{checkpoint.size}/"

    def test_draft_campaign_is_not_found(self) -> None:
        self.make_campaign("draft-letter", open_it=False)
        assert self.client.get(reverse("campaign_counts", args=["draft-letter"])).status_code == 404

    def test_only_get(self) -> None:
        response = self.client.post(reverse("campaign_counts", args=[self.campaign.slug]))
        assert response.status_code in (403, 405)  # CSRF refuses a bare POST before the view

    def test_names_never_in_counts(self) -> None:
        self.sign_verified(make_claims(1))
        self.refresh_counts()
        body = self.client.get(
            reverse("campaign_counts", args=[self.campaign.slug])
        ).content.decode()
        assert "Депутатов1" not in body
