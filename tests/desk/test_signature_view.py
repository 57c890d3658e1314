import re

from django.urls import reverse

from tests.base import make_claims
from tests.desk.base import DeskTestCase
from undersigned.officials.models import Official
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.verification import actions
from undersigned.verification.models import Decision

OLGA_IN_LATIN = Claims(
    full_name="Olga Semyonova",
    office="deputy",
    body="Municipal council of MO Semenovsky",
    municipality="Semyonovsky",
    region="Saint Petersburg",
    region_code="RU-SPE",
)


class SignatureViewTest(DeskTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client = self.desk_client(self.verifier)

    def page(self, signature: Signature) -> str:
        response = self.client.get(reverse("desk:signature", args=[signature.pk]) + "?lang=en")
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        return response.content.decode()

    def test_claims_beside_registry_candidates_with_explanations(self) -> None:
        signature, _ = self.sign(OLGA_IN_LATIN)
        signature.refresh_from_db()
        page = self.page(signature)
        assert "Olga Semyonova" in page
        assert "Семёнова Ольга Петровна" in page
        assert "Candidates" in page
        assert "Score " in page
        assert signature.state == Signature.RECEIVED
        assert f'name="official" value="{self.official.pk}"' in page
        assert "region agrees" in page
        assert "<script" not in page and "style=" not in page

    def test_shows_the_matched_official_and_the_office_contact(self) -> None:
        Official.objects.filter(pk=self.official.pk).update(contact="mo-semenovsky@example.org")
        signature, _ = self.sign(make_claims(1))
        actions.confirm_match(signature, self.official, actor=self.verifier)
        page = self.page(signature)
        assert "Matched to" in page
        assert "mo-semenovsky@example.org" in page
        assert "Undo this match" in page

    def test_each_note_has_its_own_id_and_label_and_the_registry_id_is_shown(self) -> None:
        signature, _ = self.sign(make_claims(1))
        actions.confirm_match(signature, self.official, actor=self.verifier)
        page = self.page(signature)
        ids = re.findall(r' id="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        for form in ("verify", "reject"):
            assert f'<label for="{form}_note">Note</label>' in page
            assert f'id="{form}_note"' in page
        # The id docs/verifier.md says to pass to the offline tool's --official.
        assert "<code>spb-001</code>" in page
        assert page.count("novalidate") == page.count("<form")

    def test_decision_history_and_four_eyes_progress(self) -> None:
        campaign = self.make_campaign("four-eyes", four_eyes=True)
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        actions.verify(
            signature, actor=self.verifier, method=Decision.PHONE, note="called the council office"
        )
        page = self.page(signature)
        assert "Confirmations so far: 1 of 2." in page
        assert "You have confirmed; another verifier must confirm too." in page
        assert "called the council office" in page
        assert "phone call to the office&#x27;s public number" in page
        assert f'action="{reverse("desk:verify", args=[signature.pk])}"' not in page

    def test_a_rejected_signature_offers_only_the_reversal(self) -> None:
        signature, _ = self.sign(make_claims(1))
        actions.reject(
            signature,
            actor=self.verifier,
            reason=Signature.REJECT_NOT_OFFICIAL,
            note="not in registry",
        )
        page = self.page(signature)
        assert "Reverse the rejection: reopen" in page
        assert reverse("desk:reject", args=[signature.pk]) not in page
        assert "not an official" in page

    def test_next_in_queue_link(self) -> None:
        first, _ = self.sign(make_claims(1))
        second, _ = self.sign(make_claims(2))
        assert reverse("desk:signature", args=[second.pk]) in self.page(first)
