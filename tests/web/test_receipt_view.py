from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.signatures.models import Signature


class ReceiptViewTest(PersonaTestCase):
    def test_receipt_shows_state(self) -> None:
        _, token = self.sign(make_claims(1))
        response = self.client.get(reverse("receipt", args=[token]) + "?lang=en")
        assert response.status_code == 200
        assert "Received, being checked" in response.content.decode()
        assert response["Referrer-Policy"] == "no-referrer"

    def test_unknown_token_is_not_found(self) -> None:
        assert self.client.get(reverse("receipt", args=["nope"])).status_code == 404

    def test_withdraw_asks_first_then_withdraws(self) -> None:
        signature = self.sign_verified(make_claims(1))
        from undersigned.signatures import actions

        _, token = actions.sign(self.campaign, make_claims(2))
        signature, token = self.sign(make_claims(3))
        url = reverse("withdraw", args=[token])
        confirm = self.client.get(url + "?lang=en")
        assert "Withdraw your signature?" in confirm.content.decode()
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        # A POST without the confirmation changes nothing.
        self.client.post(url, {})
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        response = self.client.post(url, {"confirm": "yes"})
        assert response.status_code == 302
        signature.refresh_from_db()
        assert signature.state == Signature.WITHDRAWN

    def test_withdrawn_signature_leaves_the_public_list_at_once(self) -> None:
        from undersigned.signatures import actions

        signature, token = self.sign(make_claims(1))
        actions.verify_signature(signature, actor=self.verifier)
        page = self.client.get(reverse("campaign", args=[self.campaign.slug])).content.decode()
        assert "Депутатов1" in page
        self.client.post(reverse("withdraw", args=[token]), {"confirm": "yes"})
        page = self.client.get(reverse("campaign", args=[self.campaign.slug])).content.decode()
        assert "Депутатов1" not in page

    def test_publication_can_be_lowered_not_raised(self) -> None:
        signature, token = self.sign(make_claims(1), publication=Signature.ANONYMOUS)
        url = reverse("change_publication", args=[token])
        response = self.client.post(url, {"publication": Signature.NAMED})
        assert response.status_code == 400
        signature.refresh_from_db()
        assert signature.publication == Signature.ANONYMOUS
        named, token = self.sign(make_claims(2))
        response = self.client.post(
            reverse("change_publication", args=[token]),
            {"publication": Signature.CONDITIONAL, "reveal_threshold": "3"},
        )
        assert response.status_code == 302
        named.refresh_from_db()
        assert (named.publication, named.reveal_threshold) == (Signature.CONDITIONAL, 3)

    def test_receipt_shows_how_far_the_threshold_is(self) -> None:
        self.sign_verified(make_claims(1))
        _, token = self.sign(make_claims(2), publication=Signature.CONDITIONAL, reveal_threshold=3)
        self.refresh_counts()
        page = self.client.get(reverse("receipt", args=[token]) + "?lang=en").content.decode()
        assert "named once 3 verified signatories have signed" in page
        assert "2 more needed" in page
