from datetime import timedelta

from django.utils import timezone

from tests.base import PersonaTestCase, make_claims
from undersigned.audit.models import AuditEvent
from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import StaffRole
from undersigned.officials.models import Official
from undersigned.signatures.models import Signature, Tally
from undersigned.verification import actions
from undersigned.verification.actions import CodeOutcome, DecisionError
from undersigned.verification.models import ConfirmationCode, Decision, hash_code


def events(signature: Signature) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="signatures.signature", object_id=str(signature.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


class VerifyActionTest(PersonaTestCase):
    def test_one_confirmation_verifies_and_is_recorded(self) -> None:
        signature, _ = self.sign(make_claims(1))
        assert actions.verify(
            signature, actor=self.verifier, method=Decision.PHONE, note="called the office"
        )
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED
        decision = Decision.objects.get(signature=signature)
        assert (decision.kind, decision.method, decision.note, decision.verifier) == (
            Decision.VERIFY,
            Decision.PHONE,
            "called the office",
            self.verifier,
        )
        assert events(signature)[-2:] == ["decision.verify", "signature.verified"]

    def test_every_manual_method_is_accepted(self) -> None:
        for n, (method, _) in enumerate(Decision.MANUAL_METHODS):
            signature, _ = self.sign(make_claims(n))
            link = "https://example.org/statement" if method == Decision.PUBLIC_STATEMENT else ""
            assert actions.verify(signature, actor=self.verifier, method=method, link=link)
            assert Decision.objects.get(signature=signature).method == method

    def test_a_code_is_not_a_manual_method_and_a_statement_needs_its_link(self) -> None:
        signature, _ = self.sign(make_claims(1))
        with self.assertRaises(DecisionError):
            actions.verify(signature, actor=self.verifier, method=Decision.CODE)
        with self.assertRaises(DecisionError):
            actions.verify(signature, actor=self.verifier, method=Decision.PUBLIC_STATEMENT)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        assert not Decision.objects.filter(signature=signature).exists()

    def test_four_eyes_needs_two_different_verifiers(self) -> None:
        campaign = self.make_campaign("four-eyes", four_eyes=True)
        campaign_actions.grant_role(
            campaign, self.organizer, StaffRole.VERIFIER, actor=self.organizer
        )
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        assert not actions.verify(signature, actor=self.verifier, method=Decision.PHONE)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        with self.assertRaises(DecisionError):
            actions.verify(signature, actor=self.verifier, method=Decision.KNOWN)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        assert Decision.objects.filter(signature=signature).count() == 1
        assert actions.verify(signature, actor=self.organizer, method=Decision.IN_PERSON)
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED

    def test_four_eyes_starts_over_after_a_rejection_is_reversed(self) -> None:
        campaign = self.make_campaign("four-eyes", four_eyes=True)
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        actions.verify(signature, actor=self.verifier, method=Decision.PHONE)
        actions.reject(signature, actor=self.organizer, reason=Signature.REJECT_OTHER, note="doubt")
        actions.reopen(signature, actor=self.organizer, note="doubt cleared")
        assert not actions.verify(signature, actor=self.organizer, method=Decision.PHONE)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_a_registry_campaign_verifies_only_matched_signatures(self) -> None:
        campaign = self.make_campaign("registry", registry_source="spb-2019")
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        with self.assertRaises(DecisionError):
            actions.verify(signature, actor=self.verifier, method=Decision.PHONE)
        actions.confirm_match(signature, self.official, actor=self.verifier, score=0.97)
        assert actions.verify(signature, actor=self.verifier, method=Decision.PHONE)

    def test_only_signatures_being_checked_can_be_confirmed(self) -> None:
        signature = self.sign_verified(make_claims(1))
        with self.assertRaises(DecisionError):
            actions.verify(signature, actor=self.verifier, method=Decision.PHONE)


class MatchActionTest(PersonaTestCase):
    def test_confirming_a_match_moves_to_matched_with_the_official(self) -> None:
        signature, _ = self.sign(make_claims(1))
        signature = actions.confirm_match(signature, self.official, actor=self.verifier, score=0.91)
        assert (signature.state, signature.official_id, signature.match_score) == (
            Signature.MATCHED,
            self.official.pk,
            0.91,
        )
        assert Decision.objects.get(signature=signature).kind == Decision.MATCH
        assert events(signature)[-2:] == ["signature.matched", "decision.match"]

    def test_rematching_to_another_official_records_the_undo(self) -> None:
        other = Official.objects.create(
            source="spb-2019",
            source_id="spb-002",
            full_name="Семёнова Ольга Павловна",
            region_code="RU-SPE",
        )
        signature, _ = self.sign(make_claims(1))
        actions.confirm_match(signature, self.official, actor=self.verifier)
        signature = actions.confirm_match(signature, other, actor=self.verifier)
        assert signature.official_id == other.pk
        kinds = list(Decision.objects.filter(signature=signature).values_list("kind", flat=True))
        assert kinds == [Decision.MATCH, Decision.UNMATCH, Decision.MATCH]
        with self.assertRaises(DecisionError):
            actions.confirm_match(signature, other, actor=self.verifier)

    def test_an_official_of_another_registry_is_refused(self) -> None:
        campaign = self.make_campaign("registry", registry_source="moscow-2022")
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        with self.assertRaises(DecisionError):
            actions.confirm_match(signature, self.official, actor=self.verifier)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_undo_match(self) -> None:
        signature, _ = self.sign(make_claims(1))
        actions.confirm_match(signature, self.official, actor=self.verifier)
        signature = actions.undo_match(signature, actor=self.verifier, note="wrong person")
        assert (signature.state, signature.official_id) == (Signature.RECEIVED, None)
        with self.assertRaises(DecisionError):
            actions.undo_match(signature, actor=self.verifier)


class RejectAndReopenTest(PersonaTestCase):
    def test_reject_then_reverse_by_a_new_decision(self) -> None:
        signature, _ = self.sign(make_claims(1))
        actions.reject(
            signature,
            actor=self.verifier,
            reason=Signature.REJECT_IMPERSONATION,
            note="office denies",
        )
        signature.refresh_from_db()
        assert (signature.state, signature.reject_reason) == (
            Signature.REJECTED,
            Signature.REJECT_IMPERSONATION,
        )
        actions.reopen(signature, actor=self.organizer, note="office confirmed after all")
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        history = list(
            Decision.objects.filter(signature=signature).values_list("kind", "reason", "verifier")
        )
        assert history == [
            (Decision.REJECT, Signature.REJECT_IMPERSONATION, self.verifier.pk),
            (Decision.REOPEN, "", self.organizer.pk),
        ]
        assert events(signature)[-4:] == [
            "signature.rejected",
            "decision.reject",
            "signature.reopened",
            "decision.reopen",
        ]

    def test_a_verified_signature_is_reversed_by_rejecting_it_and_counts_go_down(self) -> None:
        signature = self.sign_verified(make_claims(1))
        self.refresh_counts()
        assert Tally.objects.get(campaign=self.campaign, key="all", state="verified").n == 1
        actions.reject(signature, actor=self.verifier, reason=Signature.REJECT_DUPLICATE)
        self.refresh_counts()
        assert Tally.objects.get(campaign=self.campaign, key="all", state="verified").n == 0
        assert Tally.objects.get(campaign=self.campaign, key="all", state="rejected").n == 1

    def test_bulk_only_reason_and_unknown_reasons_are_refused(self) -> None:
        signature, _ = self.sign(make_claims(1))
        for reason in (Signature.REJECT_INVALIDATED, "made-up"):
            with self.assertRaises(DecisionError):
                actions.reject(signature, actor=self.verifier, reason=reason)
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_only_rejected_signatures_reopen(self) -> None:
        signature, _ = self.sign(make_claims(1))
        with self.assertRaises(DecisionError):
            actions.reopen(signature, actor=self.verifier)


class ConfirmationCodeActionTest(PersonaTestCase):
    def test_issue_stores_only_a_hash_and_revokes_the_previous_code(self) -> None:
        signature, _ = self.sign(make_claims(1))
        first, first_code = actions.issue_code(signature, actor=self.verifier)
        second, second_code = actions.issue_code(signature, actor=self.verifier)
        first.refresh_from_db()
        assert first.revoked_at is not None and second.revoked_at is None
        for issued, code in ((first, first_code), (second, second_code)):
            assert issued.code_hash == hash_code(code)
            assert code.replace("-", "") not in issued.code_hash
        audit_text = " ".join(AuditEvent.objects.values_list("note", flat=True))
        assert second_code not in audit_text and first_code not in audit_text
        assert actions.redeem_code(first_code).outcome is CodeOutcome.EXPIRED

    def test_a_correct_code_verifies_once(self) -> None:
        signature, _ = self.sign(make_claims(1))
        _, code = actions.issue_code(signature, actor=self.verifier)
        result = actions.redeem_code(code.lower().replace("-", " "))
        assert result.outcome is CodeOutcome.VERIFIED
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED
        decision = Decision.objects.get(signature=signature)
        assert (decision.method, decision.verifier) == (Decision.CODE, self.verifier)
        assert actions.redeem_code(code).outcome is CodeOutcome.EXPIRED

    def test_expired_code_changes_nothing(self) -> None:
        signature, _ = self.sign(make_claims(1))
        issued, code = actions.issue_code(signature, actor=self.verifier)
        ConfirmationCode.objects.filter(pk=issued.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert actions.redeem_code(code).outcome is CodeOutcome.EXPIRED
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        assert not Decision.objects.filter(signature=signature).exists()

    def test_wrong_codes_on_a_receipt_use_up_the_signatures_attempts(self) -> None:
        signature, _ = self.sign(make_claims(1))
        _, code = actions.issue_code(signature, actor=self.verifier)
        for _ in range(5):
            assert (
                actions.redeem_code("0000-0000-0000", signature=signature).outcome
                is CodeOutcome.WRONG
            )
        assert actions.redeem_code(code, signature=signature).outcome is CodeOutcome.EXPIRED
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED

    def test_a_code_for_another_signature_is_wrong_on_this_receipt(self) -> None:
        mine, _ = self.sign(make_claims(1))
        theirs, _ = self.sign(make_claims(2))
        _, code = actions.issue_code(theirs, actor=self.verifier)
        assert actions.redeem_code(code, signature=mine).outcome is CodeOutcome.WRONG
        theirs.refresh_from_db()
        assert theirs.state == Signature.RECEIVED

    def test_on_four_eyes_a_code_is_the_issuers_confirmation(self) -> None:
        campaign = self.make_campaign("four-eyes", four_eyes=True)
        signature, _ = self.sign(make_claims(1), campaign=campaign)
        _, code = actions.issue_code(signature, actor=self.verifier)
        assert actions.redeem_code(code).outcome is CodeOutcome.CONFIRMED
        signature.refresh_from_db()
        assert signature.state == Signature.RECEIVED
        with self.assertRaises(DecisionError):
            actions.verify(signature, actor=self.verifier, method=Decision.PHONE)
        assert actions.verify(signature, actor=self.organizer, method=Decision.PHONE)

    def test_a_code_for_a_signature_no_longer_checked_does_nothing(self) -> None:
        signature, _ = self.sign(make_claims(1))
        _, code = actions.issue_code(signature, actor=self.verifier)
        actions.reject(signature, actor=self.verifier, reason=Signature.REJECT_OTHER)
        assert actions.redeem_code(code).outcome is CodeOutcome.NOT_APPLICABLE
        signature.refresh_from_db()
        assert signature.state == Signature.REJECTED
        assert ConfirmationCode.objects.get(signature=signature).used_at is None

    def test_codes_are_issued_only_while_checking(self) -> None:
        signature = self.sign_verified(make_claims(1))
        with self.assertRaises(DecisionError):
            actions.issue_code(signature, actor=self.verifier)
