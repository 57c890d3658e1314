"""Conditional signers are named together when the threshold is reached, in one step, and
only once."""

from tests.base import PersonaTestCase, make_claims
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import Signature


class RevealActionTest(PersonaTestCase):
    def test_waiting_signers_are_revealed_together(self) -> None:
        # Verified once the count has reached their threshold, they wait in clear for the
        # count job (verified below it, they would be sealed at once).
        for n in (11, 12, 13):
            self.sign_verified(make_claims(n))
        self.refresh_counts()
        waiting = [
            self.sign_verified(
                make_claims(n), publication=Signature.CONDITIONAL, reveal_threshold=3
            )
            for n in (1, 2)
        ]
        later = self.sign_verified(
            make_claims(3), publication=Signature.CONDITIONAL, reveal_threshold=50
        )
        with self.captureOnCommitCallbacks(execute=True):
            self.refresh_counts()
        revealed = Signature.objects.filter(revealed_at__isnull=False)
        assert sorted(revealed.values_list("pk", flat=True)) == [s.pk for s in waiting]
        assert len(set(revealed.values_list("revealed_at", flat=True))) == 1  # one step, together
        later.refresh_from_db()
        assert later.revealed_at is None
        assert AuditEvent.objects.filter(action="campaign.signers_revealed").count() == 1
        # Nothing new to reveal: no second reveal.
        with self.captureOnCommitCallbacks(execute=True):
            self.sign_verified(make_claims(4))
            self.refresh_counts()
        assert AuditEvent.objects.filter(action="campaign.signers_revealed").count() == 1
        assert Signature.objects.filter(revealed_at__isnull=False).count() == 2

    def test_no_reveal_below_the_threshold(self) -> None:
        self.sign_verified(make_claims(1), publication=Signature.CONDITIONAL, reveal_threshold=3)
        with self.captureOnCommitCallbacks(execute=True):
            self.refresh_counts()
        assert not Signature.objects.filter(revealed_at__isnull=False).exists()
