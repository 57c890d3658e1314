"""Every change to a signature: each runs in a transaction, records itself (with the
verifier's decision when one moved it), queues its effect on the public tallies, and seals
a signer who is not public once decided (undersigned.signatures.sealing): sealing is part
of the transition, so no caller can forget it."""

import secrets
from collections.abc import Callable
from datetime import UTC
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from undersigned.audit.actions import event as audit_event
from undersigned.audit.actions import record
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.models import Campaign
from undersigned.campaigns.page_cache import names_removed
from undersigned.officials.claims import Claims
from undersigned.signatures import registry_match, sealing
from undersigned.signatures.journal import log_reveals
from undersigned.signatures.models import (
    CountChange,
    CountSnapshot,
    Decision,
    Signature,
    day_of,
    hash_token,
)
from undersigned.signatures.store import insert_new_signature


class SigningClosed(Exception):
    """The campaign does not accept signatures now."""


NOT_COUNTED = CountSnapshot(None, None)
VERIFIED_ON_ARRIVAL = "verified on arrival: the campaign does not require verification"


def count_change(signature: Signature, before: CountSnapshot) -> CountChange | None:
    """The tally change, unsaved, between what was counted before and what is counted now."""
    after = signature.count_snapshot()
    return None if before == after else _change(signature, before, after)


def _change(signature: Signature, before: CountSnapshot, after: CountSnapshot) -> CountChange:
    verified_on = after.verified_on if after.state == Signature.VERIFIED else before.verified_on
    return CountChange(
        campaign_id=signature.campaign_id,
        region_code=signature.region_code,
        from_state=before.state or "",
        to_state=after.state or "",
        created_on=signature.created_at.astimezone(UTC).date(),
        verified_on=verified_on,
        handle=signature.handle,
    )


def queue_count_change(signature: Signature, before: CountSnapshot) -> None:
    """Queue the tally change between what was counted before and what is counted now."""
    change = count_change(signature, before)
    if change is not None:
        change.save()


def _save(signature: Signature, before: CountSnapshot, fields: list[str]) -> None:
    signature.save(update_fields=fields)
    queue_count_change(signature, before)


def _save_moving_region(signature: Signature, before: CountSnapshot, old_region: str) -> None:
    """Save a transition that may also have set the region (a match fills a missing one
    from the official, undoing it empties it again): the tallies follow the region."""
    if old_region == signature.region_code:
        _save(signature, before, TRANSITION_FIELDS)
        return
    signature.save(update_fields=[*TRANSITION_FIELDS, "region_code"])
    if before.state:
        sealing.move_region(signature, old_region, before)
    queue_count_change(signature, before)


TRANSITION_FIELDS = [
    "state",
    "state_changed_at",
    "verified_at",
    "reject_reason",
    "official",
    "match_score",
]


def sign(
    campaign: Campaign,
    claims: Claims,
    *,
    publication: str = Signature.NAMED,
    reveal_threshold: int | None = None,
    channel: str = Signature.WEB,
    language: str = "ru",
    held: bool = False,
    client_hash: str = "",
) -> tuple[Signature, str]:
    """Record a signature and return it with its secret receipt token.

    Every submission is stored on its own and answered the same way, whatever was
    submitted before with the same claims: the sender learns nothing about anyone else.
    Duplicates are rejected when verifying (the desk shows pending ones with the same
    claims side by side; a sealed earlier one is found with the verifiers' offline tool).
    """
    if not campaign.accepts_signatures:
        raise SigningClosed(campaign.slug)
    token = secrets.token_urlsafe(24)
    signature = Signature(
        campaign=campaign,
        full_name=claims.full_name,
        office=claims.office,
        body=claims.body,
        municipality=claims.municipality,
        region=claims.region,
        region_code=claims.region_code,
        claims_key=claims.key(),
        channel=channel,
        language=language,
        publication=publication,
        reveal_threshold=reveal_threshold if publication == Signature.CONDITIONAL else None,
        receipt_hash=hash_token(token),
        held=held,
        client_hash=client_hash,
    )
    # Where verification is not required the signature is stored verified at once: one
    # row written, its arrival and its verification recorded together. A hidden signer
    # is then sealed before anything is written: their claims never reach the disk.
    verify_now = not campaign.requires_verification and not held
    if verify_now:
        signature.verify()
        if sealing.should_seal(signature):
            sealing.seal_unsaved(signature)
    change = _change(signature, NOT_COUNTED, signature.count_snapshot())
    # One event, also for a signature verified as it arrives: its note says so.
    audit_events = [
        audit_event(
            "signature.received",
            signature,
            actor_kind=AuditEvent.ACTOR_SIGNER,
            campaign=campaign,
            note=VERIFIED_ON_ARRIVAL if verify_now else "",
        )
    ]
    if signature.is_sealed:
        # Sealed as it arrives: its events, like the row, keep only their day.
        for pending in audit_events:
            pending.at = day_of(pending.at)
    insert_new_signature(signature, change, audit_events)
    transaction.on_commit(partial(registry_match.enqueue_matching, signature))
    return signature, token


class OpeningSignatoryRefused(Exception):
    """An opening signatory the rules refuse before anything is stored; `reason` says why."""

    NO_VERIFIER_KEY = "no_verifier_key"
    OFFICIAL_TAKEN = "official_taken"
    NOT_IN_REGISTRY = "not_in_registry"

    def __init__(self, reason: str, other: Signature | None = None):
        super().__init__(reason)
        self.reason = reason
        self.other = other


def official_behind(campaign_id: int, official_id: int, *, exclude: int | None = None) -> Any:
    """The standing signatures of the campaign matched to this official, still in clear.

    A sealed signer's official is only in its ciphertext: the verifiers' offline tool
    finds those."""
    rows = Signature.objects.filter(
        campaign_id=campaign_id,
        official_id=official_id,
        state__in=Signature.ACTIVE_STATES,
        merged_into__isnull=True,
    )
    return rows.exclude(pk=exclude) if exclude is not None else rows


def _check_official(campaign: Campaign, official_id: int, exclude: int | None = None) -> None:
    from undersigned.officials.models import Official

    official = Official.objects.filter(pk=official_id).first()
    if official is None or (
        campaign.registry_source and official.source != campaign.registry_source
    ):
        raise OpeningSignatoryRefused(OpeningSignatoryRefused.NOT_IN_REGISTRY)
    other = official_behind(campaign.pk, official_id, exclude=exclude).first()
    if other is not None:
        raise OpeningSignatoryRefused(OpeningSignatoryRefused.OFFICIAL_TAKEN, other)


def add_opening_signatory(
    campaign: Campaign,
    organizer: Any,
    claims: Claims,
    *,
    publication: str = Signature.NAMED,
    official_id: int | None = None,
) -> Signature:
    """A signatory the organizers collected before publication: verified by them, and
    matched to the registry official the organizer chose (`official_id`), if any.

    Staff enter these, so a repeat is refused outright: the same claims raise
    IntegrityError, an official already behind another standing signature raises
    OpeningSignatoryRefused; only a signer's own submission must never tell what was
    submitted before. A hidden signatory is sealed at once to the verifiers' keys: without
    a key there is nobody to seal it to, and it is refused before anything is stored.
    """
    if not campaign.takes_opening_signatories:
        raise ValueError("opening signatories are added only while the campaign is a draft")
    with transaction.atomic():
        if publication != Signature.NAMED and not sealing.sealing_keys(campaign):
            raise OpeningSignatoryRefused(OpeningSignatoryRefused.NO_VERIFIER_KEY)
        if Signature.objects.filter(
            campaign=campaign,
            claims_key=claims.key(),
            merged_into__isnull=True,
            state__in=Signature.ACTIVE_STATES,
        ).exists():
            raise IntegrityError("this signatory is on the campaign already")
        if official_id is not None:
            _check_official(campaign, official_id)
        signature = Signature(
            campaign=campaign,
            full_name=claims.full_name,
            office=claims.office,
            body=claims.body,
            municipality=claims.municipality,
            region=claims.region,
            region_code=claims.region_code,
            claims_key=claims.key(),
            channel=Signature.ORGANIZER,
            language=campaign.original_language,
            publication=publication,
        )
        signature.save()
        record(
            "signature.received",
            signature,
            actor=organizer,
            campaign=campaign,
            note="opening signatory",
        )
        queue_count_change(signature, NOT_COUNTED)
        if official_id is not None:
            before = signature.count_snapshot()
            signature.match(official_id, 1.0)
            _save(signature, before, TRANSITION_FIELDS)
            record(
                "signature.matched",
                signature,
                actor=organizer,
                campaign=campaign,
                note=f"official {official_id}, chosen by the organizer",
            )
        return _transition(
            signature,
            Signature.verify,
            "signature.verified",
            actor=organizer,
            note="opening signatory",
        )


def rematch_opening_signatory(
    signature: Signature, official_id: int | None, *, actor: Any
) -> Signature:
    """Correct the registry official of an opening signatory while the campaign is a draft:
    another official, or none."""
    with transaction.atomic():
        signature = (
            Signature.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=signature.pk)
        )
        campaign = signature.campaign
        if (
            not campaign.takes_opening_signatories
            or signature.channel != Signature.ORGANIZER
            or signature.is_sealed
            or signature.state != Signature.VERIFIED
        ):
            raise ValueError("only a draft's opening signatory in clear can be rematched")
        if official_id is not None:
            _check_official(campaign, official_id, exclude=signature.pk)
        signature.official_id = official_id
        signature.match_score = 1.0 if official_id is not None else None
        signature.save(update_fields=["official", "match_score"])
        record(
            "signature.rematched",
            signature,
            actor=actor,
            campaign=campaign,
            note=f"official {official_id}" if official_id else "no official",
        )
    return signature


def record_decision(signature: Signature, kind: str, actor: Any, **fields: Any) -> Decision:
    """A verifier's decision on `signature`, with its evidence, inside the caller's transaction.

    A decision on a sealed signer (a reversal of a sealed one, a second confirmation)
    leaves no evidence in clear and no time finer than the day."""
    decision = Decision.objects.create(signature=signature, verifier=actor, kind=kind, **fields)
    summary = fields.get("method") or fields.get("reason") or ""
    record(f"decision.{kind}", signature, actor=actor, campaign=signature.campaign, note=summary)
    sealing.seal_if_hidden(signature)
    return decision


def keep_sealed(signature: Signature) -> None:
    """A change beside a sealed signature (a confirmation code issued for a reversal)
    keeps, like the signature, nothing but its day."""
    if signature.is_sealed:
        sealing.scrub(signature)


def _transition(
    signature: Signature,
    move: Callable[[Signature], None],
    event: str,
    *,
    actor: Any = None,
    actor_kind: str | None = None,
    note: str = "",
    decision: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> Signature:
    """Move `signature` (locked again here) with `move`, and everything a move entails:
    the row saved, the tally change queued, the audit event, the verifier's decision
    when one moved it, and the seal of a signer who is not public once decided."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        before = signature.count_snapshot()
        old_region = signature.region_code
        move(signature)
        if fields is None:
            _save_moving_region(signature, before, old_region)
        else:
            _save(signature, before, fields)
        record(
            event,
            signature,
            actor=actor,
            actor_kind=actor_kind,
            campaign=signature.campaign,
            note=note,
        )
        if decision is not None:
            kind = decision.pop("kind")
            Decision.objects.create(signature=signature, verifier=actor, kind=kind, **decision)
            summary = decision.get("method") or decision.get("reason") or ""
            record(
                f"decision.{kind}",
                signature,
                actor=actor,
                campaign=signature.campaign,
                note=summary,
            )
        sealing.seal_if_hidden(signature)
    return signature


def match_signature(
    signature: Signature,
    official_id: int,
    score: float,
    *,
    actor: Any = None,
    decision: dict[str, Any] | None = None,
) -> Signature:
    """Matched to a registry official; a missing region is filled from the official's."""
    from undersigned.officials.models import Official

    official_region = (
        Official.objects.filter(pk=official_id).values_list("region_code", flat=True).first()
    )
    return _transition(
        signature,
        lambda s: s.match(official_id, score, official_region or ""),
        "signature.matched",
        actor=actor,
        note=f"official {official_id}, score {score:.2f}",
        decision=decision,
    )


def verify_signature(signature: Signature, *, actor: Any, note: str = "") -> Signature:
    return _transition(signature, Signature.verify, "signature.verified", actor=actor, note=note)


def reject_signature(
    signature: Signature,
    reason: str,
    *,
    actor: Any,
    note: str = "",
    decision: dict[str, Any] | None = None,
) -> Signature:
    return _transition(
        signature,
        lambda s: s.reject(reason),
        "signature.rejected",
        actor=actor,
        note=f"{reason}: {note}" if note else reason,
        decision=decision,
    )


def unmatch_signature(
    signature: Signature, *, actor: Any, note: str = "", decision: dict[str, Any] | None = None
) -> Signature:
    """A registry match undone: back to the queue without an official."""
    return _transition(
        signature,
        Signature.unmatch,
        "signature.unmatched",
        actor=actor,
        note=note,
        decision=decision,
    )


def reopen_signature(
    signature: Signature, *, actor: Any, note: str = "", decision: dict[str, Any] | None = None
) -> Signature:
    """A rejection reversed by a new decision: the signature is checked again."""
    return _transition(
        signature,
        Signature.reopen,
        "signature.reopened",
        actor=actor,
        note=note,
        decision=decision,
    )


def reject_signatures_in_bulk(
    campaign: Campaign,
    signature_ids: list[int],
    reason: str,
    *,
    actor: Any,
    note: str = "",
    decision_note: str = "",
) -> list[Signature]:
    """Reject a batch of a campaign's standing signatures in one transaction.

    Records one decision per signature and one audit event for the batch (its size, never
    which signatures: a sealed signer is named by no exact time). Signatures that are no
    longer standing are left as they are; hidden signers are sealed.
    """
    with transaction.atomic():
        batch = list(
            Signature.objects.select_for_update()
            .filter(campaign=campaign, pk__in=signature_ids, state__in=Signature.ACTIVE_STATES)
            .order_by("id")
        )
        for signature in batch:
            before = signature.count_snapshot()
            signature.reject(reason)
            queue_count_change(signature, before)
        if batch:
            # The transition leaves every row of the batch in the same state: one UPDATE.
            moved = batch[-1]
            Signature.objects.filter(pk__in=[s.pk for s in batch]).update(
                state=moved.state,
                reject_reason=moved.reject_reason,
                verified_at=moved.verified_at,
                state_changed_at=moved.state_changed_at,
            )
            Decision.objects.bulk_create(
                Decision(
                    signature=s,
                    verifier=actor,
                    kind=Decision.REJECT,
                    reason=reason,
                    note=decision_note,
                )
                for s in batch
            )
            record(
                "signatures.rejected_batch",
                campaign,
                actor=actor,
                campaign=campaign,
                note=f"{reason}: {len(batch)} signatures" + (f" {note}" if note else ""),
            )
            for signature in batch:
                if signature.is_hidden or signature.is_sealed:
                    sealing.seal_if_hidden(
                        Signature.objects.select_related("campaign", "official").get(
                            pk=signature.pk
                        )
                    )
    return batch


def withdraw_signature(signature: Signature) -> Signature:
    """The signer takes their signature back, from whichever channel. Their claims go at
    once, whatever they chose to publish (sealed to the verifiers' keys); public lists
    drop it at once: the campaign's cached pages are made again."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.state == Signature.WITHDRAWN:
            return signature
        signature = _transition(
            signature,
            Signature.withdraw,
            "signature.withdrawn",
            actor_kind=AuditEvent.ACTOR_SIGNER,
            fields=["state", "state_changed_at"],
        )
    names_removed(signature.campaign)
    return signature


def change_publication(signature: Signature, publication: str, threshold: int | None) -> Signature:
    signature = _transition(
        signature,
        lambda s: s.lower_visibility(publication, threshold),
        "signature.publication_changed",
        actor_kind=AuditEvent.ACTOR_SIGNER,
        note=publication,
        fields=["publication", "reveal_threshold", "revealed_at"],
    )
    # Every channel's change (the receipt page, the bot) is on the public pages at once.
    names_removed(signature.campaign)
    return signature


def reveal_conditional_signers(campaign: Campaign, verified_count: int) -> int:
    """Reveal, together, every waiting signer whose threshold the verified count has reached."""
    with transaction.atomic():
        waiting = Signature.objects.filter(
            campaign=campaign,
            state=Signature.VERIFIED,
            publication=Signature.CONDITIONAL,
            revealed_at__isnull=True,
            reveal_threshold__lte=verified_count,
            # Sealed signers are named only from a reveal file a verifier uploads.
            sealed__isnull=True,
        )
        signers = list(waiting.values_list("id", "handle", "region_code"))
        revealed = Signature.objects.filter(id__in=[row[0] for row in signers]).update(
            revealed_at=timezone.now()
        )
        log_reveals(campaign, [(handle, region_code) for _, handle, region_code in signers])
        if revealed:
            record(
                "campaign.signers_revealed",
                campaign,
                campaign=campaign,
                note=f"{revealed} signers at {verified_count} verified",
            )
    return revealed
