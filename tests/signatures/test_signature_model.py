import pytest

from tests.base import OLGA, PersonaTestCase
from undersigned.campaigns.models import TransitionError
from undersigned.signatures.models import Signature


class SignatureModelTest(PersonaTestCase):
    def test_lifecycle_received_matched_verified(self) -> None:
        signature, _ = self.sign()
        assert signature.state == Signature.RECEIVED
        signature.match(self.official.pk, 0.97)
        assert signature.state == Signature.MATCHED
        signature.verify()
        assert signature.state == Signature.VERIFIED
        assert signature.verified_at is not None

    def test_withdrawn_is_final(self) -> None:
        signature, _ = self.sign()
        signature.withdraw()
        for move in (signature.verify, signature.withdraw, signature.reopen):
            with pytest.raises(TransitionError):
                move()

    def test_rejection_needs_a_known_reason(self) -> None:
        signature, _ = self.sign()
        with pytest.raises(TransitionError):
            signature.reject("because")
        signature.reject(Signature.REJECT_IMPERSONATION)
        assert signature.reject_reason == Signature.REJECT_IMPERSONATION

    def test_verified_cannot_go_back_to_received(self) -> None:
        signature, _ = self.sign()
        signature.verify()
        with pytest.raises(TransitionError):
            signature.unmatch()

    def test_visibility_only_lowers(self) -> None:
        signature, _ = self.sign(publication=Signature.ANONYMOUS)
        with pytest.raises(TransitionError):
            signature.lower_visibility(Signature.NAMED, None)
        named, _ = self.sign(OLGA, campaign=self.make_campaign("other", reveal_thresholds=[1, 2]))
        named.lower_visibility(Signature.CONDITIONAL, 2)
        assert named.reveal_threshold == 2
        with pytest.raises(TransitionError):
            named.lower_visibility(Signature.CONDITIONAL, 1)
        named.lower_visibility(Signature.ANONYMOUS, None)
        assert named.reveal_threshold is None

    def test_shows_name_rules(self) -> None:
        signature = self.sign_verified(OLGA)
        assert signature.shows_name
        signature.campaign.names_hidden = True
        assert not signature.shows_name

    def test_merged_and_held_are_not_counted(self) -> None:
        signature, _ = self.sign()
        assert signature.counted_state == Signature.RECEIVED
        signature.held = True
        assert signature.counted_state is None


class SignatureIndexesTest(PersonaTestCase):
    def test_handles_and_receipts_stay_unique(self) -> None:
        from django.db import IntegrityError, transaction

        first, _ = self.sign()
        second, _ = self.sign(OLGA)
        for field in ("handle", "receipt_hash"):
            with pytest.raises(IntegrityError), transaction.atomic():
                Signature.objects.filter(pk=second.pk).update(**{field: getattr(first, field)})

    def test_each_random_value_has_one_index_and_no_second_for_like_queries(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, "signatures_signature")
        by_column: dict[str, list[str]] = {}
        for name, constraint in found.items():
            if constraint["unique"] or constraint["index"]:
                for column in constraint["columns"] or []:
                    by_column.setdefault(column, []).append(name)
        # PostgreSQL would list a LIKE index (varchar_pattern_ops) as a second one.
        assert by_column["handle"] == ["signatures_signature_handle_key"]
        assert by_column["receipt_hash"] == ["signatures_signature_receipt_hash_key"]
        assert by_column["client_hash"] == ["signature_client_hash"]
