"""Signing, as every channel asks for it: the web form, the Telegram bot, the API and imports.

A channel parses what it received into a `Submission` (through `SignForm`, so every
channel refuses what the web form refuses, with the same words), says who sent it (a
`Sender`, for the abuse rules) and calls `submit_signature`. The abuse rules, the
encryption of a contact left for verification and the recording of the signature happen
here, once. The channel then renders the `Submitted` outcome in its own way.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from enum import Enum

from django.db import transaction

from undersigned.campaigns.models import Campaign
from undersigned.signatures.abuse import Sender, SigningGuard
from undersigned.signatures.actions import Claims, SigningClosed, sign
from undersigned.signatures.models import Signature
from undersigned.vault.actions import NoVerifierKeys, attach_contact


@dataclass(frozen=True)
class Submission:
    """A checked submission: who the signer says they are and how they want to appear."""

    claims: Claims
    publication: str = Signature.NAMED
    reveal_threshold: int | None = None
    contact: tuple[str, str] | None = None  # (kind, value), encrypted on arrival
    language: str = "ru"
    # A field no person fills was filled: stored held back, the sender sees the usual receipt.
    honeypot: bool = False


class Outcome(Enum):
    SIGNED = "signed"  # stored (perhaps held back): a receipt is given, the same for everyone
    REFUSED = "refused"  # too many attempts from this sender: nothing stored
    CAPTCHA = "captcha"  # a captcha was due and not solved: nothing stored
    INVALID = "invalid"  # the channel's input did not make a submission: counted, not stored
    CLOSED = "closed"  # the campaign takes no signatures now


@dataclass(frozen=True)
class Submitted:
    outcome: Outcome
    signature: Signature | None = None
    token: str = ""  # the secret receipt token, given once
    retry_minutes: int = 0  # when REFUSED


def submit_signature(
    campaign: Campaign,
    submission: Submission | None,
    *,
    channel: str,
    sender: Sender | None,
    captcha: Callable[[], bool] | None = None,
    issued: str = "",
) -> Submitted:
    """Apply the abuse rules to one submission and record the signature they let through.

    `submission` is None when the channel's input was invalid: the attempt still counts.
    `sender` is None only for imports by staff, to which no rate applies. `captcha` tells
    whether the submission carries a solved captcha, asked only when one is due; a channel
    that cannot show one passes None, and a submission due one is then held back. `issued`
    is the stamp of the form the submission came on: a form made before the campaign's
    captcha switched on is not asked for it.
    """
    if not campaign.accepts_signatures:
        return Submitted(Outcome.CLOSED)
    held = False
    if sender is not None:
        guard = SigningGuard.for_sender(sender, campaign)
        attempt = guard.attempt(valid=submission is not None)
        if attempt.refused:
            return Submitted(Outcome.REFUSED, retry_minutes=guard.retry_minutes())
        due = attempt.captcha and not guard.form_predates_captcha(attempt, issued)
        if due and captcha is None:
            held = True  # due a captcha this channel cannot show
        elif due and captcha is not None and not captcha():
            if submission is not None:
                guard.not_stored()
            return Submitted(Outcome.CAPTCHA)
        held = held or attempt.flooding
    if submission is None:
        return Submitted(Outcome.INVALID)
    try:
        signature, token = _record(campaign, submission, channel, sender, held)
    except SigningClosed:
        return Submitted(Outcome.CLOSED)
    return Submitted(Outcome.SIGNED, signature, token)


def _record(
    campaign: Campaign, submission: Submission, channel: str, sender: Sender | None, held: bool
) -> tuple[Signature, str]:
    """Sign, and in the same transaction attach the encrypted contact if one was left.

    If the campaign lost its last verifier key in between, the contact is dropped: it is
    never kept in clear.
    """

    def record() -> tuple[Signature, str]:
        return sign(
            campaign,
            submission.claims,
            publication=submission.publication,
            reveal_threshold=submission.reveal_threshold,
            channel=channel,
            language=submission.language,
            held=held or submission.honeypot,
            client_hash=sender.client if sender is not None and sender.kept else "",
        )

    if submission.contact is None:
        return record()  # one statement: no transaction of its own on PostgreSQL
    with transaction.atomic():
        signature, token = record()
        with suppress(NoVerifierKeys):
            attach_contact(signature, *submission.contact)
    return signature, token
