"""Retention: personal data is destroyed by rule, not by anyone's decision.

- Client hashes go once they are older than the rate-limit window.
- When a campaign has been closed for `RETENTION_DAYS_AFTER_CLOSE` days, its contact
  ciphertexts, remaining client hashes, and the claims of every signature that is not
  verified (received, matched, rejected, withdrawn) are destroyed, in clear or sealed
  (their sealed files are emptied), with the decision notes, links, matched officials
  and audit notes that could name them; the verifiers' notes and links on verified
  signers go too. (Hidden signers were sealed by the transition that decided them.)
  State, region, counts, published names, the sealed files of verified hidden signers
  (a conditional signer's reveal needs them) and the audit trail's facts stay.
  Subscriber addresses of such a campaign are deleted by the updates app
  (`purge_finished_campaigns`, hourly); `manage.py apply_retention` deletes and counts
  them too.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from undersigned.audit.actions import record
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.core.locks import LockBusy, job_lock
from undersigned.signatures.models import SEALED_PREFIX, Decision, Signature
from undersigned.vault.models import ContactCiphertext

RETENTION_JOB = "retention"
DESTROYED_PREFIX = "destroyed-"


@dataclass(frozen=True)
class RetentionReport:
    slug: str
    contacts: int
    client_hashes: int
    claims: int
    sealed_files: int = 0
    notes: int = 0

    @property
    def anything(self) -> bool:
        return bool(
            self.contacts or self.client_hashes or self.claims or self.sealed_files or self.notes
        )

    def summary(self) -> str:
        """Each kind destroyed, with its count."""
        return (
            f"{self.contacts} contacts, {self.client_hashes} client hashes, "
            f"{self.claims} unverified claims, {self.sealed_files} sealed files of "
            f"unverified signers, {self.notes} verifiers' notes on verified signers"
        )


def forget_client_hashes(*, dry_run: bool = False, now: datetime | None = None) -> int:
    """Blank the client hashes of signatures older than the rate-limit window."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.RATE_WINDOW_SECONDS)
    old = Signature.objects.filter(created_at__lt=cutoff).exclude(client_hash="")
    if dry_run:
        return old.count()
    return old.update(client_hash="")


def forget_expired_captchas() -> int:
    from captcha.models import CaptchaStore

    deleted, _ = CaptchaStore.objects.filter(expiration__lte=timezone.now()).delete()
    return deleted


def campaigns_due(now: datetime | None = None) -> list[Campaign]:
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    return list(
        Campaign.objects.filter(
            state__in=[Campaign.CLOSED, Campaign.ARCHIVED], closed_at__lt=cutoff
        ).order_by("id")
    )


def _unverified_claims(campaign: Campaign) -> QuerySet[Signature]:
    return (
        Signature.objects.filter(campaign=campaign)
        .exclude(state=Signature.VERIFIED)
        .exclude(claims_key__startswith=DESTROYED_PREFIX)
        .exclude(claims_key__startswith=SEALED_PREFIX)
    )


def _unverified_sealed(campaign: Campaign) -> QuerySet[Signature]:
    """Sealed files of signers never verified: rejected, withdrawn, or still waiting."""
    return (
        Signature.objects.filter(campaign=campaign, sealed__isnull=False)
        .exclude(state=Signature.VERIFIED)
        .exclude(sealed=b"")
    )


def _verified_notes(campaign: Campaign) -> QuerySet[Decision]:
    """The verifiers' notes and links on signers who stay verified (named ones in clear)."""
    return Decision.objects.filter(
        signature__campaign=campaign, signature__state=Signature.VERIFIED
    ).exclude(note="", link="")


def _destroy(campaign: Campaign, dry_run: bool) -> RetentionReport:
    contacts = ContactCiphertext.objects.filter(signature__campaign=campaign)
    hashes = Signature.objects.filter(campaign=campaign).exclude(client_hash="")
    claims = _unverified_claims(campaign)
    sealed = _unverified_sealed(campaign)
    notes = _verified_notes(campaign)
    report = RetentionReport(
        campaign.slug,
        contacts.count(),
        hashes.count(),
        claims.count(),
        sealed.count(),
        notes.count(),
    )
    if dry_run or not report.anything:
        return report
    with transaction.atomic():
        contacts.delete()
        hashes.update(client_hash="")
        # Emptied, not removed: the row still says it was sealed; nobody can open it now.
        sealed.update(sealed=b"", commitment="")
        notes.update(note="", link="")
        _scrub_traces(list(claims.values_list("id", flat=True)))
        claims.update(
            full_name="",
            office="",
            body="",
            municipality="",
            official=None,
            match_score=None,
            # The digest of the claims could be matched against the registry: replaced too.
            claims_key=Concat(Value(DESTROYED_PREFIX), F("handle")),
        )
        record(
            "campaign.retention_applied",
            campaign,
            campaign=campaign,
            note=f"{report.summary()} destroyed",
        )
    return report


def _scrub_traces(signature_ids: list[int]) -> None:
    """What names a signer outside their row: decision notes, links and officials, audit notes."""
    for start in range(0, len(signature_ids), 500):
        ids = signature_ids[start : start + 500]
        Decision.objects.filter(signature_id__in=ids).update(official=None, note="", link="")
        AuditEvent.objects.filter(
            object_type=Signature._meta.label_lower, object_id__in=[str(i) for i in ids]
        ).exclude(note="").update(note="")


def apply_retention(*, dry_run: bool = False, now: datetime | None = None) -> list[RetentionReport]:
    """Apply retention to every campaign past its time; what went (or would go), per campaign."""
    if dry_run:
        reports = [_destroy(campaign, True) for campaign in campaigns_due(now)]
        return [report for report in reports if report.anything]
    try:
        with job_lock(RETENTION_JOB, lease=timedelta(minutes=30)):
            reports = [_destroy(campaign, False) for campaign in campaigns_due(now)]
            forget_expired_captchas()
    except LockBusy:
        return []
    return [report for report in reports if report.anything]
