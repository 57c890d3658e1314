import pytest

from tests.base import OLGA, PersonaTestCase, make_claims
from undersigned.audit.models import AuditEvent
from undersigned.signatures import actions
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature, hash_token


class SignActionTest(PersonaTestCase):
    def test_sign_stores_only_the_receipt_hash(self) -> None:
        signature, token = self.sign()
        assert signature.receipt_hash == hash_token(token)
        assert token not in signature.receipt_hash
        assert AuditEvent.objects.filter(
            action="signature.received", object_id=str(signature.pk)
        ).exists()

    def test_same_claims_written_differently_stand_apart_with_the_same_key(self) -> None:
        # Merging would tell the sender that someone signed with these claims: both are
        # stored and counted as received; the desk shows them side by side.
        first, _ = self.sign()
        again = Claims(
            full_name="  семенова ольга петровна ",
            office=OLGA.office,
            body="Муниципальный  совет МО Семеновский",
            municipality="мо семёновский",
            region=OLGA.region,
            region_code=OLGA.region_code,
        )
        second, token = self.sign(again)
        assert second.merged_into_id is None
        assert second.claims_key == first.claims_key
        assert second.receipt_hash == hash_token(token)
        self.refresh_counts()
        from undersigned.signatures.public import counts_for

        assert counts_for(self.campaign).checking == 2

    def test_after_withdrawal_the_same_person_can_sign_again(self) -> None:
        first, _ = self.sign()
        actions.withdraw_signature(first)
        second, _ = self.sign()
        assert second.merged_into_id is None
        assert second.pk != first.pk

    def test_closed_campaign_refuses(self) -> None:
        from undersigned.campaigns.actions import close_campaign

        close_campaign(self.campaign, actor=self.organizer)
        self.campaign.refresh_from_db()
        with pytest.raises(actions.SigningClosed):
            self.sign()

    def test_campaign_without_verification_verifies_at_once(self) -> None:
        citizens = self.make_campaign("citizens", requires_verification=False)
        signature, _ = self.sign(make_claims(1), campaign=citizens)
        assert signature.state == Signature.VERIFIED

    def test_held_signature_is_not_verified_or_counted(self) -> None:
        citizens = self.make_campaign("citizens", requires_verification=False)
        signature, _ = self.sign(make_claims(1), campaign=citizens, held=True)
        assert signature.state == Signature.RECEIVED
        self.refresh_counts()
        from undersigned.signatures.public import counts_for

        assert counts_for(citizens).received == 0

    def test_opening_signatory_is_verified_by_organizer(self) -> None:
        draft = self.make_campaign("draft-letter", open_it=False)
        signature = actions.add_opening_signatory(draft, self.organizer, make_claims(2))
        assert signature.state == Signature.VERIFIED
        assert signature.channel == Signature.ORGANIZER
        event = AuditEvent.objects.get(action="signature.verified", object_id=str(signature.pk))
        assert event.actor == self.organizer

    def test_no_opening_signatory_on_an_open_campaign(self) -> None:
        with self.assertRaises(ValueError):
            actions.add_opening_signatory(self.campaign, self.organizer, make_claims(2))
        assert not Signature.objects.exists()

    def test_conditional_signers_revealed_together_at_threshold(self) -> None:
        # Verified below its threshold, a conditional signer is sealed at once (and named
        # only from a verifier's reveal file); verified once the count has reached it, the
        # signer waits in clear for the count job, which names the waiting ones together.
        below = self.sign_verified(
            make_claims(1), publication=Signature.CONDITIONAL, reveal_threshold=3
        )
        assert below.is_sealed
        for n in (5, 6, 7):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        first = self.sign_verified(
            make_claims(2), publication=Signature.CONDITIONAL, reveal_threshold=2
        )
        first.refresh_from_db()
        assert first.revealed_at is None and not first.is_sealed
        second = self.sign_verified(
            make_claims(3), publication=Signature.CONDITIONAL, reveal_threshold=2
        )
        self.refresh_counts()
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.revealed_at is not None
        assert first.revealed_at == second.revealed_at
