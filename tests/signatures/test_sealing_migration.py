"""The migrations that seal the hidden signers decided before sealing existed, and keep only
the day of existing subscriptions: run on data as an older release left it."""

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyrage

from tests.base import OLGA, MigrationTestCase
from tests.vault.keys import make_identity
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.decrypt import read_identities

BEFORE = [("signatures", "0004_pendinglogevent"), ("updates", "0001_initial")]
AFTER = [("signatures", "0006_seal_hidden_signers"), ("updates", "0002_subscriptions_apart")]
OTHERS = [("verification", "0001_initial"), ("audit", "0001_initial")]
AT = datetime(2026, 11, 20, 14, 37, 12, tzinfo=UTC)


class SealingMigrationTest(MigrationTestCase):
    def test_older_hidden_signers_are_sealed_and_subscriptions_keep_their_day(self) -> None:
        self.create_personas()
        identity, public = make_identity(Path(tempfile.mkdtemp()), "vera")
        add_verifier_key(public, "Vera", campaign=self.campaign)
        apps = self.migrate(BEFORE).loader.project_state(BEFORE + OTHERS).apps
        Signature = apps.get_model("signatures", "Signature")
        Decision = apps.get_model("verification", "Decision")
        AuditEvent = apps.get_model("audit", "AuditEvent")
        Subscription = apps.get_model("updates", "Subscription")

        def old_signature(name: str, publication: str, state: str, **extra: object) -> object:
            return Signature.objects.create(
                campaign_id=self.campaign.pk,
                full_name=name,
                body=OLGA.body,
                region_code="RU-SPE",
                claims_key=f"key-{name}",
                publication=publication,
                state=state,
                created_at=AT,
                state_changed_at=AT,
                verified_at=AT if state == "verified" else None,
                **extra,
            )

        hidden = old_signature(
            OLGA.full_name, "anonymous", "verified", official_id=self.official.pk
        )
        waiting = old_signature("Условная Ждущая", "conditional", "verified", reveal_threshold=50)
        named = old_signature("Названный Открытый", "named", "verified")
        pending = old_signature("Ожидающая Очередная", "anonymous", "received")
        Decision.objects.create(
            signature_id=hidden.pk, verifier_id=self.verifier.pk, kind="verify",
            method="phone", official_id=self.official.pk, note="Olga called back", at=AT,
        )  # fmt: skip
        event = AuditEvent.objects.create(
            action="signature.matched", object_type="signatures.signature",
            object_id=str(hidden.pk), note=f"official {self.official.pk}, score 1.00",
            campaign_id=self.campaign.pk,
        )  # fmt: skip
        subscription = Subscription.objects.create(
            campaign_id=self.campaign.pk, channel="email", email="reader@example.org", created_at=AT
        )
        AuditEvent.objects.create(
            action="subscription.created", object_type="updates.subscription",
            object_id=str(subscription.pk), note="email", campaign_id=self.campaign.pk,
        )  # fmt: skip

        apps = self.migrate(AFTER).loader.project_state(AFTER + OTHERS).apps
        Signature = apps.get_model("signatures", "Signature")
        Decision = apps.get_model("verification", "Decision")
        AuditEvent = apps.get_model("audit", "AuditEvent")
        Subscription = apps.get_model("updates", "Subscription")

        sealed = Signature.objects.get(pk=hidden.pk)
        assert (sealed.full_name, sealed.body, sealed.official_id) == ("", "", None)
        assert sealed.claims_key == f"sealed-{sealed.handle}" and sealed.commitment == ""
        assert sealed.created_at == sealed.verified_at == AT.replace(hour=0, minute=0, second=0)
        plaintext = pyrage.decrypt(bytes(sealed.sealed), read_identities(identity))
        content = json.loads(plaintext.decode().rstrip(" "))
        assert content["claims"]["full_name"] == OLGA.full_name
        assert content["official"]["source_id"] == "spb-001"
        assert content["evidence"][0]["note"] == "Olga called back"
        decision = Decision.objects.get(signature_id=hidden.pk)
        assert (decision.official_id, decision.note, decision.method) == (None, "", "phone")
        assert AuditEvent.objects.get(pk=event.pk).note == ""
        conditional = Signature.objects.get(pk=waiting.pk)
        assert conditional.full_name == "" and len(conditional.commitment) == 64
        assert Signature.objects.get(pk=named.pk).full_name == "Названный Открытый"
        assert Signature.objects.get(pk=pending.pk).full_name == "Ожидающая Очередная"
        assert Subscription.objects.get(pk=subscription.pk).created_on == AT.date()
        assert not AuditEvent.objects.filter(action="subscription.created").exists()
