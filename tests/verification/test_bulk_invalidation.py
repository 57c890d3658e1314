from datetime import timedelta

from django.utils import timezone

from tests.base import PersonaTestCase, make_claims
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature, Tally
from undersigned.verification import actions
from undersigned.verification.bulk import InvalidationCriteria
from undersigned.verification.models import Decision


def tally(campaign: object, state: str) -> int:
    row = Tally.objects.filter(campaign=campaign, key="all", state=state).first()
    return row.n if row else 0


class BulkInvalidationTest(PersonaTestCase):
    def test_invalidates_in_batches_with_one_audit_event_each_and_a_summary(self) -> None:
        flood = [self.sign(make_claims(n), client_hash="f" * 64)[0] for n in range(23)]
        kept, _ = self.sign(make_claims(100), client_hash="a" * 64)
        self.sign_verified(make_claims(101), client_hash="f" * 64)
        self.refresh_counts()
        assert tally(self.campaign, "received") == 24
        assert tally(self.campaign, "verified") == 1
        criteria = InvalidationCriteria(campaign=self.campaign, client_hash="f" * 64)
        preview = criteria.queryset().count()
        assert preview == 24
        before = AuditEvent.objects.count()
        done = actions.invalidate(
            criteria, actor=self.verifier, batch_size=10, note="flood from one client"
        )
        assert done == preview
        batches = AuditEvent.objects.filter(action="signatures.rejected_batch")
        assert batches.count() == 3
        assert AuditEvent.objects.filter(action="campaign.signatures_invalidated").count() == 1
        assert AuditEvent.objects.count() - before == 4
        for signature in flood:
            signature.refresh_from_db()
            assert (signature.state, signature.reject_reason) == (
                Signature.REJECTED,
                Signature.REJECT_INVALIDATED,
            )
        kept.refresh_from_db()
        assert kept.state == Signature.RECEIVED
        assert Decision.objects.filter(reason=Signature.REJECT_INVALIDATED).count() == 24
        self.refresh_counts()
        assert tally(self.campaign, "received") == 1
        assert tally(self.campaign, "verified") == 0
        assert tally(self.campaign, "rejected") == 24
        assert criteria.queryset().count() == 0

    def test_criteria_narrow_by_window_body_region_state_and_held(self) -> None:
        early, _ = self.sign(make_claims(1, region_code="RU-SPE"))
        Signature.objects.filter(pk=early.pk).update(created_at=timezone.now() - timedelta(days=2))
        moscow, _ = self.sign(make_claims(2, region_code="RU-MOW"))
        held, _ = self.sign(make_claims(3, region_code="RU-MOW"), held=True)
        verified = self.sign_verified(make_claims(4, region_code="RU-MOW"))
        withdrawn, _ = self.sign(make_claims(5, region_code="RU-MOW"))
        from undersigned.signatures.actions import withdraw_signature

        withdraw_signature(withdrawn)

        def ids(**fields: object) -> set[int]:
            return set(
                InvalidationCriteria(campaign=self.campaign, **fields)
                .queryset()
                .values_list("pk", flat=True)
            )

        day_ago = timezone.now() - timedelta(days=1)
        assert ids(received_to=day_ago) == {early.pk}
        assert ids(received_from=day_ago) == {moscow.pk, held.pk, verified.pk}
        assert ids(region_code="RU-MOW") == {moscow.pk, held.pk, verified.pk}
        assert ids(body_contains="округа 2") == {moscow.pk}
        assert ids(states=(Signature.VERIFIED,)) == {verified.pk}
        assert ids(held=True) == {held.pk}
        assert ids(held=False, region_code="RU-MOW") == {moscow.pk, verified.pk}

    def test_other_campaigns_are_never_touched(self) -> None:
        other = self.make_campaign("other")
        theirs, _ = self.sign(make_claims(1), campaign=other)
        self.sign(make_claims(1))
        done = actions.invalidate(
            InvalidationCriteria(campaign=self.campaign, region_code="RU-MOW"), actor=self.verifier
        )
        assert done == 1
        theirs.refresh_from_db()
        assert theirs.state == Signature.RECEIVED

    def test_thousands_of_signatures(self) -> None:
        from undersigned.signatures import actions as signature_actions

        for n in range(2100):
            signature_actions.sign(self.campaign, make_claims(n, region_code="RU-IRK"))
        self.refresh_counts()
        criteria = InvalidationCriteria(campaign=self.campaign, region_code="RU-IRK")
        preview = criteria.queryset().count()
        assert actions.invalidate(criteria, actor=self.verifier) == preview == 2100
        assert AuditEvent.objects.filter(action="signatures.rejected_batch").count() == 5
        self.refresh_counts()
        assert tally(self.campaign, "received") == 0
        assert tally(self.campaign, "rejected") == 2100
