"""Bring signatures received elsewhere into a campaign: each becomes a received signature
of its channel, matched and queued like any other, in one transaction."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from undersigned.audit.actions import record
from undersigned.campaigns.models import Campaign
from undersigned.signatures.actions import Claims
from undersigned.signatures.models import Signature
from undersigned.signatures.received import ReadFile, ReceivedRow, mark_duplicates
from undersigned.signatures.signing import Outcome, Submission, submit_signature

# The channels a claim can have arrived through, outside the form and the bot's own chat.
IMPORT_CHANNELS = (Signature.TELEGRAM, Signature.EMAIL, Signature.PAPER)


class CannotImport(Exception):
    """The campaign does not take imported signatures now."""


@dataclass(frozen=True)
class ImportedSignature:
    line: int
    signature_id: int
    # The signer's secret receipt token: shown once to the organizer, never stored.
    token: str


def check_campaign(campaign: Campaign) -> None:
    if not campaign.accepts_signatures:
        raise CannotImport("the campaign does not accept signatures now")
    if not campaign.requires_verification:
        # Imported claims would be counted as signed at once, unchecked.
        raise CannotImport("the campaign does not verify signatures")


def _submit(
    campaign: Campaign,
    claims: Claims,
    contact: tuple[str, str] | None,
    *,
    publication: str,
    channel: str,
) -> tuple[Signature, str]:
    """The one call that records a signature for an import: the signing path of every channel.

    No sender: the rates that hold back floods from one client do not apply to staff
    importing what they received."""
    submitted = submit_signature(
        campaign,
        Submission(claims, publication=publication, contact=contact),
        channel=channel,
        sender=None,
    )
    if submitted.outcome != Outcome.SIGNED or submitted.signature is None:
        raise CannotImport("the campaign does not accept signatures now")
    return submitted.signature, submitted.token


def import_received_signatures(
    campaign: Campaign, read: ReadFile, *, channel: str, actor: Any
) -> list[ImportedSignature]:
    """Import every importable row of `read`, or nothing; record the counts in the audit trail."""
    if channel not in IMPORT_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    check_campaign(campaign)
    imported: list[ImportedSignature] = []
    with transaction.atomic():
        read = mark_duplicates(read, campaign)
        rows: list[ReceivedRow] = read.importable
        for row in rows:
            if row.claims is None:  # not importable; `importable` leaves it out
                continue
            signature, token = _submit(
                campaign, row.claims, row.contact, publication=row.publication, channel=channel
            )
            imported.append(ImportedSignature(row.line, signature.pk, token))
        record(
            "signatures.imported",
            campaign,
            actor=actor,
            campaign=campaign,
            note=(
                f"{len(imported)} imported from {channel}, {len(read.duplicates)} duplicates, "
                f"{len(read.unreadable)} unreadable lines"
                + (f", {len(read.doubtful)} not a signature" if read.doubtful else "")
            ),
        )
    return imported
