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

    def test_a_signature_verified_on_arrival_leaves_one_event_saying_so(self) -> None:
        from tests.base import make_claims
        from undersigned.signatures.actions import VERIFIED_ON_ARRIVAL

        citizens = self.make_campaign("citizens", requires_verification=False)
        signature, _ = self.sign(make_claims(1), campaign=citizens)
        events = list(
            AuditEvent.objects.filter(
                object_type="signatures.signature", object_id=str(signature.pk)
            ).values_list("action", "actor_kind", "note")
        )
        assert events == [("signature.received", AuditEvent.ACTOR_SIGNER, VERIFIED_ON_ARRIVAL)]

    def test_only_events_with_a_staff_actor_are_indexed_by_actor(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, "audit_auditevent")
        by_actor = [
            name
            for name, constraint in found.items()
            if constraint["index"] and constraint["columns"] == ["actor_id"]
        ]
        assert by_actor == ["audit_event_actor"]
        # Django's introspection does not show a partial index's condition: ask the catalogue.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [by_actor[0]]
                )
            else:
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [by_actor[0]])
            (definition,) = cursor.fetchone()
        assert "WHERE" in definition.upper()
        assert "NOT NULL" in definition.upper()

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
