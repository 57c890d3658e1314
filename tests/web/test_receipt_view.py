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

    def test_a_withdrawn_receipt_waits_for_no_count(self) -> None:
        self.sign_verified(make_claims(1))
        signature, token = self.sign(
            make_claims(2), publication=Signature.CONDITIONAL, reveal_threshold=3
        )
        self.refresh_counts()
        from undersigned.signatures import actions

        actions.withdraw_signature(signature)
        page = self.client.get(reverse("receipt", args=[token]) + "?lang=en").content.decode()
        assert "Withdrawn: not shown or counted anywhere" in page
        assert "more needed" not in page and "named once" not in page
        assert "Be less visible" not in page and "Withdraw my signature" not in page

    def test_a_rejected_receipt_says_it_is_not_counted(self) -> None:
        signature, token = self.sign(make_claims(1), publication=Signature.ANONYMOUS)
        from undersigned.signatures import actions

        actions.reject_signature(signature, Signature.REJECT_NOT_OFFICIAL, actor=self.verifier)
        url = reverse("receipt", args=[token])
        page = self.client.get(url + "?lang=en").content.decode()
        assert "Not accepted: not shown or counted anywhere" in page
        assert "counted but not named" not in page and "Be less visible" not in page
        assert "Withdraw my signature" in page
        # Nor can its visibility be changed: it is shown nowhere.
        named, named_token = self.sign(make_claims(2))
        actions.reject_signature(named, Signature.REJECT_NOT_OFFICIAL, actor=self.verifier)
        response = self.client.post(
            reverse("change_publication", args=[named_token]),
            {"publication": Signature.ANONYMOUS},
        )
        assert response.status_code == 400
        named.refresh_from_db()
        assert named.publication == Signature.NAMED

    def test_the_less_visible_form_follows_the_error_pattern(self) -> None:
        _, token = self.sign(make_claims(1))
        receipt = self.client.get(reverse("receipt", args=[token]) + "?lang=en").content.decode()
        assert f'action="{reverse("change_publication", args=[token])}" novalidate>' in receipt
        response = self.client.post(reverse("change_publication", args=[token]) + "?lang=en", {})
        html = response.content.decode()
        assert response.status_code == 400
        assert "<title>Error: Your receipt</title>" in html
        assert 'class="error-summary"' in html and 'href="#id_publication_0"' in html
        assert 'aria-invalid="true"' in html
