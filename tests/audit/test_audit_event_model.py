import pytest

from tests.base import PersonaTestCase
from undersigned.audit.models import AppendOnlyError, AuditEvent


class AuditEventTest(PersonaTestCase):
    def test_every_signing_step_is_recorded_with_actor(self) -> None:
        signature = self.sign_verified(self.make_claims_for_audit())
        actions = list(
            AuditEvent.objects.filter(object_id=str(signature.pk)).values_list(
                "action", "actor_kind"
            )
        )
        assert ("signature.received", AuditEvent.ACTOR_SIGNER) in actions
        assert ("signature.verified", AuditEvent.ACTOR_STAFF) in actions
        verified = AuditEvent.objects.get(object_id=str(signature.pk), action="signature.verified")
        assert verified.actor == self.verifier

    def test_events_cannot_be_changed_or_deleted(self) -> None:
        event = AuditEvent.objects.first()
        assert event is not None
        event.note = "rewritten"
        with pytest.raises(AppendOnlyError):
            event.save()
        with pytest.raises(AppendOnlyError):
            event.delete()

    @staticmethod
    def make_claims_for_audit():  # type: ignore[no-untyped-def]
        from tests.base import make_claims

        return make_claims(7)
