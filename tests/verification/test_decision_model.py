from tests.base import PersonaTestCase, make_claims
from undersigned.audit.models import AppendOnlyError
from undersigned.verification.models import Decision


class DecisionModelTest(PersonaTestCase):
    def test_confirmers_count_distinct_verifiers_since_the_last_reset(self) -> None:
        signature, _ = self.sign(make_claims(1))
        Decision.objects.create(
            signature=signature, verifier=self.verifier, kind=Decision.VERIFY, method=Decision.PHONE
        )
        Decision.objects.create(
            signature=signature, verifier=self.verifier, kind=Decision.VERIFY, method=Decision.KNOWN
        )
        assert Decision.confirmers(signature) == {self.verifier.pk}
        Decision.objects.create(
            signature=signature, verifier=self.organizer, kind=Decision.REJECT, reason="other"
        )
        assert Decision.confirmers(signature) == set()
        Decision.objects.create(
            signature=signature,
            verifier=self.organizer,
            kind=Decision.VERIFY,
            method=Decision.PHONE,
        )
        assert Decision.confirmers(signature) == {self.organizer.pk}

    def test_a_match_does_not_reset_confirmations(self) -> None:
        signature, _ = self.sign(make_claims(1))
        Decision.objects.create(
            signature=signature, verifier=self.verifier, kind=Decision.VERIFY, method=Decision.PHONE
        )
        Decision.objects.create(
            signature=signature, verifier=self.verifier, kind=Decision.MATCH, official=self.official
        )
        assert Decision.confirmers(signature) == {self.verifier.pk}

    def test_decisions_are_never_changed_or_deleted(self) -> None:
        signature, _ = self.sign(make_claims(1))
        decision = Decision.objects.create(
            signature=signature, verifier=self.verifier, kind=Decision.VERIFY, method=Decision.PHONE
        )
        decision.note = "rewritten"
        with self.assertRaises(AppendOnlyError):
            decision.save()
        with self.assertRaises(AppendOnlyError):
            decision.delete()
        assert Decision.objects.get(pk=decision.pk).note == ""
