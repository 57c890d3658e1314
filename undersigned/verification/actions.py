"""Verifiers' decisions, confirmation codes and bulk invalidation.

Each runs in a transaction and moves the signature only through the transitions in
signatures.actions, which record the decision with its evidence and seal a hidden signer
once decided.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from undersigned.audit.actions import record
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign, TransitionError
from undersigned.officials.models import Official
from undersigned.signatures import actions as signature_actions
from undersigned.signatures.actions import record_decision
from undersigned.signatures.models import Decision, Signature, is_web_link
from undersigned.verification.bulk import InvalidationCriteria
from undersigned.verification.models import (
    ConfirmationCode,
    confirmations_needed,
    hash_code,
    new_code,
)


class DecisionError(Exception):
    """A decision the rules refuse; the message is meant for the verifier."""

    def __init__(self, message: str | Promise):
        super().__init__(str(message))
        self.message = message


def _locked(signature: Signature) -> Signature:
    return (
        Signature.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=signature.pk)
    )


def confirm_match(
    signature: Signature,
    official: Official,
    *,
    actor: Any,
    score: float | None = None,
    note: str = "",
) -> Signature:
    """The verifier confirms that the signer is this registry official."""
    with transaction.atomic():
        signature = _locked(signature)
        source = signature.campaign.registry_source
        if source and official.source != source:
            raise DecisionError(_("This official is not in the campaign's registry."))
        if signature.state == Signature.MATCHED and signature.official_id == official.pk:
            raise DecisionError(_("The signature is already matched to this official."))
        if signature.state == Signature.MATCHED:
            signature = signature_actions.unmatch_signature(
                signature, actor=actor, decision={"kind": Decision.UNMATCH, "note": note}
            )
        if signature.state != Signature.RECEIVED:
            raise DecisionError(_("Only a signature being checked can be matched."))
        signature_actions.match_signature(
            signature,
            official.pk,
            1.0 if score is None else score,
            actor=actor,
            decision={"kind": Decision.MATCH, "official": official, "note": note},
        )
        return _locked(signature)


def undo_match(signature: Signature, *, actor: Any, note: str = "") -> Signature:
    with transaction.atomic():
        signature = _locked(signature)
        if signature.state != Signature.MATCHED:
            raise DecisionError(_("The signature is not matched to an official."))
        signature = signature_actions.unmatch_signature(
            signature, actor=actor, note=note, decision={"kind": Decision.UNMATCH, "note": note}
        )
    return signature


def _confirm(signature: Signature, confirmer: Any, method: str, note: str, link: str) -> bool:
    """Record one confirmation (inside the caller's transaction); True when it verified."""
    confirmers = Decision.confirmers(signature)
    record_decision(signature, Decision.VERIFY, confirmer, method=method, note=note, link=link)
    confirmers.add(confirmer.pk)
    if len(confirmers) < confirmations_needed(signature.campaign):
        return False
    signature_actions.verify_signature(signature, actor=confirmer, note=method)
    return True


OFFICIAL_TAKEN = _(
    "This registry official already stands behind another signature of the campaign: "
    "one person counts once. Reject one of them as a duplicate first."
)


def official_taken(signature: Signature) -> bool:
    """Whether the signature's official stands behind another standing signature in clear."""
    return bool(signature.official_id) and (
        signature_actions.official_behind(
            signature.campaign_id, signature.official_id or 0, exclude=signature.pk
        ).exists()
    )


def has_sealed_signers(campaign: Campaign) -> bool:
    """Whether an earlier signer of the campaign is sealed: the server cannot tell whether
    they are the same official, only the verifiers' offline tool can."""
    return Signature.objects.filter(campaign=campaign, sealed__isnull=False).exists()


SEALED_CHECK_DONE = "decision.sealed_check_done"
SEALED_CHECK_NOT_DONE = "decision.sealed_check_not_done"


def verify(
    signature: Signature,
    *,
    actor: Any,
    method: str,
    note: str = "",
    link: str = "",
    sealed_check: bool = False,
) -> bool:
    """A verifier confirms the signer's identity; True when the signature is now verified.

    On a four-eyes campaign the first confirmation only records itself: the signature
    is verified when a second, different verifier confirms too. A signature whose official
    stands behind another standing signature is refused. Where the campaign has sealed
    signers, whether the verifier searched the sealed bundle for this official
    (`sealed_check`) is recorded with the confirmation.
    """
    if method not in dict(Decision.MANUAL_METHODS):
        raise DecisionError(_("Choose how you confirmed the signer's identity."))
    if method == Decision.PUBLIC_STATEMENT and not link:
        raise DecisionError(_("Give the link to the public statement."))
    if link and not is_web_link(link):
        raise DecisionError(_("The link must be a web address starting with http:// or https://."))
    with transaction.atomic():
        signature = _locked(signature)
        if signature.state not in Signature.CHECKING_STATES:
            raise DecisionError(_("Only a signature being checked can be confirmed."))
        # A sealed signature (a reversal reopened it) was matched before it was sealed: the
        # official is in its ciphertext, checked by the verifier offline.
        if (
            signature.campaign.registry_source
            and signature.state != Signature.MATCHED
            and not signature.is_sealed
        ):
            raise DecisionError(_("Match the signature to a registry official first."))
        if actor.pk in Decision.confirmers(signature):
            raise DecisionError(
                _("You have confirmed this signature already; another verifier must confirm it.")
            )
        if official_taken(signature):
            raise DecisionError(OFFICIAL_TAKEN)
        if has_sealed_signers(signature.campaign):
            record(
                SEALED_CHECK_DONE if sealed_check else SEALED_CHECK_NOT_DONE,
                signature,
                actor=actor,
                campaign=signature.campaign,
            )
        return _confirm(signature, actor, method, note, link)


def reject(signature: Signature, *, actor: Any, reason: str, note: str = "") -> Signature:
    """Reject a signature being checked, or reverse a verification."""
    if reason not in dict(Signature.REJECT_REASONS) or reason == Signature.REJECT_INVALIDATED:
        raise DecisionError(_("Choose a reason."))
    with transaction.atomic():
        signature = _locked(signature)
        if signature.state not in Signature.ACTIVE_STATES:
            raise DecisionError(_("This signature can no longer be rejected."))
        signature = signature_actions.reject_signature(
            signature,
            reason,
            actor=actor,
            note=note,
            decision={"kind": Decision.REJECT, "reason": reason, "note": note},
        )
    return signature


def reopen(signature: Signature, *, actor: Any, note: str = "") -> Signature:
    """Reverse a rejection: the signature goes back to the queue."""
    with transaction.atomic():
        signature = _locked(signature)
        if signature.state != Signature.REJECTED:
            raise DecisionError(_("Only a rejected signature can be reopened."))
        signature = signature_actions.reopen_signature(
            signature, actor=actor, note=note, decision={"kind": Decision.REOPEN, "note": note}
        )
    return signature


MATCH, UNMATCH, VERIFY, REJECT, REOPEN = "match", "unmatch", "verify", "reject", "reopen"
DECISIONS = (MATCH, UNMATCH, VERIFY, REJECT, REOPEN)


class NoSuchOfficial(DecisionError):
    """A match to an official the registry does not hold."""


@dataclass(frozen=True)
class Decided:
    signature: Signature  # as the decision left it
    verified: bool  # whether it counts as verified now


def decide(
    signature: Signature,
    kind: str,
    *,
    actor: Any,
    official_id: int | None = None,
    score: float | None = None,
    method: str = "",
    link: str = "",
    reason: str = "",
    note: str = "",
    sealed_check: bool = False,
) -> Decided:
    """One verifier's decision on one signature, from the desk or the API alike.

    The rules of each kind are in its own function below; a refused decision raises
    DecisionError with the reason for the verifier, and changes nothing.
    """
    if signature.merged_into_id is not None:
        raise DecisionError(_("This submission repeats another signature: decide on that one."))
    try:
        if kind == MATCH:
            official = Official.objects.filter(pk=official_id or 0).first()
            if official is None:
                raise NoSuchOfficial(_("There is no such official in the registry."))
            signature = confirm_match(signature, official, actor=actor, score=score, note=note)
        elif kind == UNMATCH:
            signature = undo_match(signature, actor=actor, note=note)
        elif kind == VERIFY:
            verify(
                signature,
                actor=actor,
                method=method,
                note=note,
                link=link,
                sealed_check=sealed_check,
            )
        elif kind == REJECT:
            signature = reject(signature, actor=actor, reason=reason, note=note)
        elif kind == REOPEN:
            signature = reopen(signature, actor=actor, note=note)
        else:
            raise DecisionError(_("There is no such decision."))
    except TransitionError:
        raise DecisionError(_("The signature's state does not allow this decision.")) from None
    signature.refresh_from_db(fields=["state"])
    return Decided(signature, signature.state == Signature.VERIFIED)


# Confirmation codes


def issue_code(signature: Signature, *, actor: Any) -> tuple[ConfirmationCode, str]:
    """A new one-time code for the signature; any earlier unused one stops working."""
    with transaction.atomic():
        signature = _locked(signature)
        if signature.state not in Signature.CHECKING_STATES:
            raise DecisionError(_("Codes are issued only for signatures being checked."))
        now = timezone.now()
        for earlier in ConfirmationCode.objects.select_for_update().filter(
            signature=signature, used_at__isnull=True, revoked_at__isnull=True
        ):
            earlier.revoke()
            earlier.save(update_fields=["revoked_at"])
        code = new_code()
        issued = ConfirmationCode.objects.create(
            signature=signature,
            code_hash=hash_code(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + timedelta(days=settings.CONFIRMATION_CODE_DAYS),
        )
        record("confirmation_code.issued", signature, actor=actor, campaign=signature.campaign)
        signature_actions.keep_sealed(signature)
    return issued, code


class CodeOutcome(Enum):
    VERIFIED = "verified"  # the signature is now verified
    CONFIRMED = "confirmed"  # recorded; a second verifier must still confirm (four-eyes)
    WRONG = "wrong"
    EXPIRED = "expired"  # used, revoked, out of time or out of attempts
    NOT_APPLICABLE = "not_applicable"  # the signature is no longer being checked


@dataclass(frozen=True)
class CodeResult:
    outcome: CodeOutcome
    signature: Signature | None = None


def redeem_code(typed: str, *, signature: Signature | None = None) -> CodeResult:
    """The official enters a code. On the receipt page `signature` is the receipt's.

    A correct code counts as a confirmation by the verifier who issued it.
    """
    with transaction.atomic():
        code = (
            ConfirmationCode.objects.select_for_update(of=("self",))
            .select_related("signature__campaign", "issued_by")
            .filter(code_hash=hash_code(typed))
            .first()
        )
        if code is None or (signature is not None and code.signature_id != signature.pk):
            if signature is not None:
                _count_failure(signature)
            return CodeResult(CodeOutcome.WRONG)
        if not code.is_usable():
            return CodeResult(CodeOutcome.EXPIRED)
        target = _locked(code.signature)
        if target.state not in Signature.CHECKING_STATES:
            return CodeResult(CodeOutcome.NOT_APPLICABLE, target)
        code.use()
        code.save(update_fields=["used_at"])
        record(
            "confirmation_code.used",
            target,
            actor_kind=AuditEvent.ACTOR_SIGNER,
            campaign=target.campaign,
        )
        if official_taken(target):
            # A repeat of an official already behind another signature is never verified
            # without a person: the code's use stays in the audit trail for the verifier.
            return CodeResult(CodeOutcome.CONFIRMED, target)
        if code.issued_by_id in Decision.confirmers(target):
            # The issuer already confirmed: the code adds evidence, not a second pair of eyes.
            record_decision(target, Decision.VERIFY, code.issued_by, method=Decision.CODE)
            return CodeResult(CodeOutcome.CONFIRMED, target)
        verified = _confirm(target, code.issued_by, Decision.CODE, "", "")
        target = _locked(target)
        return CodeResult(CodeOutcome.VERIFIED if verified else CodeOutcome.CONFIRMED, target)


def _count_failure(signature: Signature) -> None:
    """A wrong code typed on a receipt page uses up an attempt of that signature's codes."""
    ConfirmationCode.objects.filter(
        signature=signature, used_at__isnull=True, revoked_at__isnull=True
    ).update(failed_attempts=F("failed_attempts") + 1)


# Bulk invalidation


def invalidate(
    criteria: InvalidationCriteria, *, actor: Any, batch_size: int | None = None, note: str = ""
) -> int:
    """Reject every standing signature the criteria select, in batches; the number rejected.

    Each batch is its own transaction with one audit event; a summary event closes the run.
    """
    batch_size = batch_size or settings.INVALIDATION_BATCH_SIZE
    campaign: Campaign = criteria.campaign
    total = 0
    last_id = 0
    while True:
        ids = list(
            criteria.queryset()
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        last_id = ids[-1]
        with transaction.atomic():
            batch = signature_actions.reject_signatures_in_bulk(
                campaign, ids, Signature.REJECT_INVALIDATED, actor=actor, decision_note=note
            )
        total += len(batch)
    record(
        "campaign.signatures_invalidated",
        campaign,
        actor=actor,
        campaign=campaign,
        note=f"{total} signatures; {criteria.describe()}" + (f"; {note}" if note else ""),
    )
    return total
