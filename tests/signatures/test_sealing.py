"""Sealing: a hidden signer, once decided, keeps nothing in clear that names them; the
verifiers open the ciphertext offline; reversal and reveal still work."""

import json
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

import pyrage

from tests.base import OLGA, PersonaTestCase, make_claims
from tests.security.test_seizure import finer_than_the_day
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.signatures.models import SEALED_PREFIX, CountChange, Signature, Tally
from undersigned.vault import actions
from undersigned.vault.decrypt import (
    REVEAL_FORMAT,
    already_signed,
    read_identities,
    reveal_list,
    sealed_entries,
)
from undersigned.verification import actions as decide
from undersigned.verification import sealed as sealed_bundle
from undersigned.verification.models import Decision


class SealingTest(PersonaTestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.identity, public = make_identity(self.tmp, "vera")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)

    def open(self, signature: Signature) -> dict[str, Any]:
        signature.refresh_from_db()
        assert signature.sealed
        plaintext = pyrage.decrypt(bytes(signature.sealed), read_identities(self.identity))
        return dict(json.loads(plaintext.decode().rstrip(" ")))

    def verified_anonymous(self, claims: Any = OLGA, **options: Any) -> Signature:
        signature, _ = self.sign(claims, publication=Signature.ANONYMOUS, **options)
        decide.confirm_match(signature, self.official, actor=self.verifier, note="looked up")
        decide.verify(
            signature,
            actor=self.verifier,
            method="public_statement",
            link="https://example.org/olga-said-so",
            note="Olga called back",
        )
        signature.refresh_from_db()
        return signature

    def bundle(self) -> list[tuple[dict[str, str], dict[str, Any]]]:
        data = sealed_bundle.export_sealed(self.campaign)
        text = pyrage.decrypt(data, read_identities(self.identity)).decode()
        return sealed_entries(text, read_identities(self.identity))

    def test_a_verified_anonymous_signer_keeps_only_ciphertext_and_public_facts(self) -> None:
        signature = self.verified_anonymous()
        assert signature.state == Signature.VERIFIED
        assert (signature.full_name, signature.office, signature.body) == ("", "", "")
        assert (signature.municipality, signature.region) == ("", "")
        assert signature.region_code == "RU-SPE"  # region counts are public here
        assert signature.official_id is None and signature.match_score is None
        assert signature.claims_key == SEALED_PREFIX + signature.handle
        assert signature.commitment == ""  # only conditional signers need one
        for moment in (signature.created_at, signature.verified_at, signature.state_changed_at):
            assert moment is not None
            assert moment.astimezone(UTC).time().isoformat() == "00:00:00"
        decisions = Decision.objects.filter(signature=signature)
        assert decisions.count() == 2
        assert all(d.official_id is None and not d.note and not d.link for d in decisions)
        events = AuditEvent.objects.filter(
            object_id=str(signature.pk), object_type="signatures.signature"
        )
        assert events.exists() and all(e.note == "" for e in events)
        sealed = self.open(signature)
        assert sealed["claims"]["full_name"] == OLGA.full_name
        assert sealed["official"]["source_id"] == "spb-001"
        assert sealed["handle"] == signature.handle
        assert [e["kind"] for e in sealed["evidence"]] == ["match", "verify"]
        assert sealed["evidence"][1]["link"] == "https://example.org/olga-said-so"
        assert len(bytes(signature.sealed or b"")) > 1024

    def test_a_named_signer_is_unchanged(self) -> None:
        signature = self.sign_verified(OLGA)
        signature.refresh_from_db()
        assert signature.sealed is None and signature.full_name == OLGA.full_name

    def test_a_rejected_hidden_signer_is_sealed_and_can_be_reopened_and_rejected_again(
        self,
    ) -> None:
        signature = self.verified_anonymous()
        # A reversal by handle (from the bundle): reject, reopen, verify again.
        found = Signature.objects.get(campaign=self.campaign, handle=signature.handle)
        decide.reject(found, actor=self.verifier, reason="impersonation", note="Olga denies it")
        found.refresh_from_db()
        assert found.state == Signature.REJECTED and found.is_sealed
        assert not Decision.objects.filter(signature=found).exclude(note="").exists()
        decide.reopen(found, actor=self.verifier, note="she changed her mind")
        found.refresh_from_db()
        assert found.state == Signature.RECEIVED
        assert found.state_changed_at.astimezone(UTC).time().isoformat() == "00:00:00"
        decide.verify(found, actor=self.verifier, method="known")
        found.refresh_from_db()
        assert found.state == Signature.VERIFIED and found.full_name == ""

    def test_a_reopened_sealed_signature_can_be_verified_on_a_registry_campaign(self) -> None:
        self.campaign.registry_source = "spb-2019"
        self.campaign.save()
        signature = self.verified_anonymous()
        decide.reject(signature, actor=self.verifier, reason="other")
        decide.reopen(signature, actor=self.verifier)
        assert decide.verify(signature, actor=self.verifier, method="known")
        signature.refresh_from_db()
        assert signature.state == Signature.VERIFIED and signature.is_sealed

    def test_the_signer_withdraws_a_sealed_signature_through_the_receipt(self) -> None:
        signature, token = self.sign(OLGA, publication=Signature.ANONYMOUS)
        decide.verify(signature, actor=self.verifier, method="known")
        self.refresh_counts()
        receipt = self.client.get(f"/r/{token}/?lang=en").content.decode()
        assert "Kept only encrypted to the verifiers' keys" in receipt
        assert OLGA.full_name not in receipt
        assert self.client.post(f"/r/{token}/withdraw/", {"confirm": "yes"}).status_code == 302
        signature.refresh_from_db()
        assert signature.state == Signature.WITHDRAWN and signature.is_sealed
        self.refresh_counts()
        tally = dict(
            Tally.objects.filter(campaign=self.campaign, key=Tally.ALL).values_list("state", "n")
        )
        assert tally.get("verified", 0) == 0 and tally["withdrawn"] == 1

    def test_bulk_invalidation_reaches_sealed_signatures_by_region_day_and_held(self) -> None:
        from datetime import timedelta

        from undersigned.verification.bulk import InvalidationCriteria

        signature = self.verified_anonymous()
        day = signature.created_at
        by_region = InvalidationCriteria(self.campaign, region_code="RU-SPE")
        by_day = InvalidationCriteria(
            self.campaign, received_from=day, received_to=day + timedelta(days=1), held=False
        )
        assert list(by_region.queryset()) == list(by_day.queryset()) == [signature]
        assert decide.invalidate(by_day, actor=self.verifier) == 1
        signature.refresh_from_db()
        assert signature.state == Signature.REJECTED and signature.is_sealed
        assert signature.state_changed_at.astimezone(UTC).time().isoformat() == "00:00:00"

    def test_a_pending_hidden_signer_is_in_clear_until_decided(self) -> None:
        signature, _ = self.sign(make_claims(1), publication=Signature.ANONYMOUS)
        signature.refresh_from_db()
        assert signature.full_name == make_claims(1).full_name and not signature.is_sealed

    def test_withdrawing_a_pending_hidden_signature_seals_it(self) -> None:
        from undersigned.signatures.actions import withdraw_signature

        signature, _ = self.sign(make_claims(1), publication=Signature.ANONYMOUS)
        withdraw_signature(signature)
        signature.refresh_from_db()
        assert signature.is_sealed and signature.full_name == ""

    def test_becoming_anonymous_after_verification_seals(self) -> None:
        from undersigned.signatures.actions import change_publication

        signature = self.sign_verified(make_claims(1))
        change_publication(signature, Signature.ANONYMOUS, None)
        signature.refresh_from_db()
        assert signature.is_sealed and signature.full_name == ""

    def test_without_region_counts_the_region_goes_and_the_tallies_follow(self) -> None:
        self.campaign.publish_region_counts = False
        self.campaign.save()
        signature = self.verified_anonymous()
        assert signature.region_code == ""
        self.refresh_counts()
        regions = dict(
            Tally.objects.filter(
                campaign=self.campaign, key__startswith="region:", state="verified"
            ).values_list("key", "n")
        )
        assert regions.get("region:RU-SPE", 0) == 0 and regions["region:-"] == 1
        all_verified = Tally.objects.get(campaign=self.campaign, key=Tally.ALL, state="verified")
        assert all_verified.n == 1
        assert not CountChange.objects.exists()

    def test_without_a_verifier_key_the_claims_are_destroyed(self) -> None:
        open_letter = self.make_campaign("nokeys")
        signature, _ = self.sign(make_claims(1), open_letter, publication=Signature.ANONYMOUS)
        decide.verify(signature, actor=self.verifier, method="known")
        signature.refresh_from_db()
        assert signature.sealed == b"" and signature.full_name == ""

    def test_a_campaign_without_verification_never_writes_hidden_claims(self) -> None:
        citizens = self.make_campaign("citizens", requires_verification=False)
        actions.add_verifier_key(make_identity(self.tmp, "c")[1], "C", campaign=citizens)
        signature, _ = self.sign(make_claims(1), citizens, publication=Signature.ANONYMOUS)
        stored = Signature.objects.get(pk=signature.pk)
        assert stored.state == Signature.VERIFIED and stored.is_sealed and stored.full_name == ""

    def test_signed_and_sealed_at_once_its_events_keep_only_the_day(self) -> None:
        citizens = self.make_campaign("citizens", requires_verification=False)
        actions.add_verifier_key(make_identity(self.tmp, "c")[1], "C", campaign=citizens)
        signature, _ = self.sign(make_claims(1), citizens, publication=Signature.ANONYMOUS)
        assert finer_than_the_day(signature.pk) == []
        events = AuditEvent.objects.filter(
            object_type="signatures.signature", object_id=str(signature.pk)
        )
        assert events.count() == 1  # received, verified on arrival

    def test_every_row_that_names_a_sealed_signer_keeps_only_its_day(self) -> None:
        signature, token = self.sign(OLGA, publication=Signature.ANONYMOUS)
        decide.confirm_match(signature, self.official, actor=self.verifier)
        _, code = decide.issue_code(signature, actor=self.verifier)
        assert decide.redeem_code(code).outcome == decide.CodeOutcome.VERIFIED
        signature.refresh_from_db()
        assert signature.is_sealed
        assert finer_than_the_day(signature.pk) == []
        # Moved again once sealed (a reversal, a new code, a second look): still the day.
        decide.reject(signature, actor=self.verifier, reason="other", note="a second look")
        decide.reopen(signature, actor=self.verifier)
        decide.issue_code(signature, actor=self.verifier)
        decide.verify(signature, actor=self.verifier, method="known", note="called back")
        assert finer_than_the_day(signature.pk) == []
        assert self.client.post(f"/r/{token}/withdraw/", {"confirm": "yes"}).status_code == 302
        assert finer_than_the_day(signature.pk) == []

    def test_a_named_signer_who_withdraws_keeps_nothing_in_clear_at_once(self) -> None:
        signature, token = self.sign(OLGA, client_hash="c" * 64)
        decide.confirm_match(signature, self.official, actor=self.verifier, note="looked up")
        decide.verify(signature, actor=self.verifier, method="known", note="Olga called")
        signature.refresh_from_db()
        assert signature.full_name == OLGA.full_name and not signature.is_sealed
        assert self.client.post(f"/r/{token}/withdraw/", {"confirm": "yes"}).status_code == 302
        signature.refresh_from_db()
        assert signature.state == Signature.WITHDRAWN and signature.is_sealed
        assert (
            signature.full_name,
            signature.office,
            signature.body,
            signature.municipality,
            signature.official_id,
            signature.client_hash,
        ) == ("", "", "", "", None, "")
        assert signature.claims_key.startswith(SEALED_PREFIX)
        assert not Decision.objects.filter(signature=signature).exclude(note="").exists()
        assert not Decision.objects.filter(signature=signature, official__isnull=False).exists()
        assert finer_than_the_day(signature.pk) == []
        # The verifiers still hold the claims, offline.
        assert self.open(signature)["claims"]["full_name"] == OLGA.full_name

    def test_offline_tool_finds_an_official_who_already_signed(self) -> None:
        self.verified_anonymous()
        entries = self.bundle()
        assert [row["name"] for row in already_signed(entries, official="spb-001")] == [
            OLGA.full_name
        ]
        assert already_signed(entries, name="СЕМЕНОВА ольга")
        assert already_signed(entries, official="spb-999") == []


class ConditionalRevealTest(PersonaTestCase):
    """deputies reveals at 2 and 3 verified signatories."""

    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.identity, public = make_identity(self.tmp, "vera")
        actions.add_verifier_key(public, "Vera", campaign=self.campaign)

    def reveal_file(self) -> dict[str, Any]:
        identities = read_identities(self.identity)
        text = pyrage.decrypt(sealed_bundle.export_sealed(self.campaign), identities).decode()
        return reveal_list(sealed_entries(text, identities), self.campaign.slug)

    def conditional(self, n: int, threshold: int) -> Signature:
        signature = self.sign_verified(
            make_claims(n), publication=Signature.CONDITIONAL, reveal_threshold=threshold
        )
        self.refresh_counts()
        signature.refresh_from_db()
        return signature

    def test_only_entries_that_open_their_commitment_are_published(self) -> None:
        waiting = self.conditional(1, 3)
        assert waiting.is_sealed and len(waiting.commitment) == 64
        assert sealed_bundle.reveals_due(self.campaign) == 0
        assert self.reveal_file()["reveals"] == []  # below its threshold: nothing to name
        self.sign_verified(make_claims(2))
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        assert sealed_bundle.reveals_due(self.campaign) == 1
        waiting.refresh_from_db()
        assert waiting.revealed_at is None and waiting.full_name == ""  # the count job can't
        reveal = self.reveal_file()
        assert reveal["format"] == REVEAL_FORMAT and len(reveal["reveals"]) == 1
        forged = dict(reveal["reveals"][0], full_name="Провокаторов Подставной")
        outcome = sealed_bundle.publish_reveals(self.campaign, [forged], actor=self.verifier)
        assert (outcome.published, outcome.refused) == (0, 1)
        outcome = sealed_bundle.publish_reveals(
            self.campaign, reveal["reveals"], actor=self.verifier
        )
        assert (outcome.published, outcome.refused) == (1, 0)
        waiting.refresh_from_db()
        assert waiting.full_name == make_claims(1).full_name and waiting.revealed_at
        assert waiting.shows_name
        # Once named, a second upload changes nothing.
        again = sealed_bundle.publish_reveals(self.campaign, reveal["reveals"], actor=self.verifier)
        assert again.published == 0

    def test_a_reveal_file_of_another_campaign_is_refused(self) -> None:
        body = json.dumps({"format": REVEAL_FORMAT, "campaign": "other", "reveals": []})
        try:
            sealed_bundle.parse_reveal_file(body.encode(), self.campaign)
        except sealed_bundle.BadRevealFile:
            pass
        else:
            raise AssertionError("accepted")

    def test_a_signer_whose_threshold_is_already_reached_is_named_not_sealed(self) -> None:
        self.sign_verified(make_claims(2))
        self.sign_verified(make_claims(3))
        self.refresh_counts()
        late = self.conditional(1, 2)
        assert not late.is_sealed
        assert late.revealed_at is not None and late.full_name == make_claims(1).full_name
