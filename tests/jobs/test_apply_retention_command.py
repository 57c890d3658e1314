from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from tests.base import PersonaTestCase, make_claims
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.actions import close_campaign
from undersigned.campaigns.models import Campaign
from undersigned.signatures import actions as signature_actions
from undersigned.signatures import retention
from undersigned.signatures.models import Decision, Signature
from undersigned.updates.actions import subscribe_email
from undersigned.updates.models import Subscription
from undersigned.vault import actions
from undersigned.vault.models import ContactCiphertext
from undersigned.verification import actions as decide


def run(*args: str) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


class ApplyRetentionCommandTest(PersonaTestCase):
    def setUp(self) -> None:
        import tempfile
        from pathlib import Path

        _, public = make_identity(Path(tempfile.mkdtemp()))
        actions.add_verifier_key(public, "Vera")
        self.verified = self.sign_verified(make_claims(1), client_hash="a" * 64)
        self.waiting, _ = self.sign(make_claims(2), client_hash="b" * 64)
        self.rejected, _ = self.sign(make_claims(3))
        signature_actions.reject_signature(
            self.rejected, Signature.REJECT_NOT_OFFICIAL, actor=self.verifier
        )
        self.withdrawn, _ = self.sign(make_claims(4))
        signature_actions.withdraw_signature(self.withdrawn)
        for signature in (self.verified, self.waiting, self.rejected):
            actions.attach_contact(signature, "phone", f"+7911000000{signature.pk}")
        self.refresh_counts()

    def close_days_ago(self, days: int) -> None:
        close_campaign(self.campaign, actor=self.organizer)
        Campaign.objects.filter(pk=self.campaign.pk).update(
            closed_at=timezone.now() - timedelta(days=days)
        )

    def test_an_open_or_recently_closed_campaign_keeps_everything(self) -> None:
        assert "no closed campaign" in run()
        self.close_days_ago(29)
        assert "no closed campaign" in run()
        assert ContactCiphertext.objects.count() == 3

    def test_dry_run_lists_counts_only_and_changes_nothing(self) -> None:
        self.close_days_ago(31)
        output = run("--dry-run")
        assert (
            "would destroy in campaign deputies: 3 contacts, 2 client hashes, 2 unverified claims, "
            "1 sealed files of unverified signers, 0 verifiers' notes on verified signers, "
            "0 subscriber addresses" in output
        )
        assert make_claims(2).full_name not in output and "+7911" not in output
        assert ContactCiphertext.objects.count() == 3
        assert Signature.objects.get(pk=self.waiting.pk).full_name == make_claims(2).full_name
        assert not AuditEvent.objects.filter(action="campaign.retention_applied").exists()

    def test_destroys_contacts_hashes_and_unverified_claims_once(self) -> None:
        self.close_days_ago(31)
        before = {row.key: row.n for row in self.campaign.tallies.all()}
        output = run()
        assert (
            "destroyed in campaign deputies: 3 contacts, 2 client hashes, 2 unverified claims, "
            "1 sealed files of unverified signers, 0 verifiers' notes on verified signers, "
            "0 subscriber addresses" in output
        )
        assert not ContactCiphertext.objects.exists()
        assert not Signature.objects.exclude(client_hash="").exists()
        for signature in (self.waiting, self.rejected, self.withdrawn):
            signature.refresh_from_db()
            assert (
                signature.full_name,
                signature.office,
                signature.body,
                signature.municipality,
            ) == ("", "", "", "")
        for signature in (self.waiting, self.rejected):
            assert signature.claims_key == f"destroyed-{signature.handle}"
            assert signature.region_code == "RU-MOW"
        # The withdrawn signer's claims went when they withdrew (sealed), not at retention.
        assert self.withdrawn.is_sealed
        assert Signature.objects.get(pk=self.waiting.pk).state == Signature.RECEIVED
        assert Signature.objects.get(pk=self.rejected.pk).state == Signature.REJECTED
        self.verified.refresh_from_db()
        assert self.verified.full_name == make_claims(1).full_name
        assert {row.key: row.n for row in self.campaign.tallies.all()} == before
        event = AuditEvent.objects.get(action="campaign.retention_applied")
        assert event.note == (
            "3 contacts, 2 client hashes, 2 unverified claims, 1 sealed files of unverified "
            "signers, 0 verifiers' notes on verified signers destroyed"
        )
        # Idempotent: a second run finds nothing and records nothing.
        assert "no closed campaign" in run()
        assert AuditEvent.objects.filter(action="campaign.retention_applied").count() == 1

    def test_sealed_files_notes_and_subscribers_go_as_security_md_says(self) -> None:
        hidden, _ = self.sign(make_claims(5), publication=Signature.ANONYMOUS)
        decide.reject(hidden, actor=self.verifier, reason="impersonation", note="denied it")
        hidden.refresh_from_db()
        assert hidden.is_sealed and hidden.sealed
        named, _ = self.sign(make_claims(6))
        decide.verify(
            named,
            actor=self.verifier,
            method="public_statement",
            link="https://example.org/statement",
            note="his secretary confirmed by phone",
        )
        subscribe_email(self.campaign, "reader@example.org", "ru")
        self.close_days_ago(31)
        output = run()
        assert (
            "destroyed in campaign deputies: 3 contacts, 2 client hashes, 2 unverified claims, "
            "2 sealed files of unverified signers, 1 verifiers' notes on verified signers, "
            "1 subscriber addresses" in output
        )
        hidden.refresh_from_db()
        assert hidden.sealed == b"" and hidden.commitment == ""
        assert not Decision.objects.filter(signature=named).exclude(note="", link="").exists()
        named.refresh_from_db()
        assert named.full_name == make_claims(6).full_name  # named and verified: stays
        assert not Subscription.objects.exists()
        assert "no closed campaign" in run()

    def test_client_hashes_go_after_the_rate_limit_window_everywhere(self) -> None:
        later = timezone.now() + timedelta(seconds=601)
        with self.settings(RATE_WINDOW_SECONDS=600):
            assert retention.forget_client_hashes(now=timezone.now()) == 0
            assert retention.forget_client_hashes(dry_run=True, now=later) == 2
            assert Signature.objects.exclude(client_hash="").count() == 2
            assert retention.forget_client_hashes(now=later) == 2
        assert not Signature.objects.exclude(client_hash="").exists()
        assert ContactCiphertext.objects.count() == 3  # the campaign is open: contacts stay

    def test_periodic_jobs_are_scheduled(self) -> None:
        from undersigned.jobs.schedule import SCHEDULE

        names = {job.name for job in SCHEDULE}
        assert {"retention", "forget-client-hashes"} <= names

    def test_destroyed_claims_leave_no_trace_in_the_database(self) -> None:
        from django.db import connection

        name = make_claims(2).full_name
        self.close_days_ago(31)
        run()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # secure_delete: overwritten cells are zeroed in the file, not left in free space.
                cursor.execute("PRAGMA secure_delete")
                assert cursor.fetchone() == (1,)
            dump = "\n".join(connection.connection.iterdump())
            assert make_claims(1).full_name in dump  # verified: kept
            assert name not in dump
        else:
            # PostgreSQL keeps dead row versions until VACUUM (SECURITY.md); live rows are blank.
            assert not Signature.objects.filter(full_name=name).exists()
