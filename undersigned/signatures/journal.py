"""The public log's journal: the events a signature's transitions add to it, written in the
transition's own transaction. The log (undersigned.ledger) appends them in batches."""

from collections.abc import Iterable

from undersigned.campaigns.models import Campaign
from undersigned.signatures.models import LogEvent, PendingLogEvent, Signature


def count_change_event(
    signature: Signature, from_state: str | None, to_state: str | None
) -> PendingLogEvent | None:
    """The public-log event of a change in what the tallies count (None: not counted), unsaved,
    if the change moves the verified or the being-checked figure (see ledger.tally)."""
    checking = Signature.CHECKING_STATES
    if to_state == from_state or (from_state in checking and to_state in checking):
        return None
    if to_state == Signature.VERIFIED:
        event = LogEvent.VERIFIED
    elif to_state in checking:
        # A verified signature never goes back to the queue; a rejected one may.
        if from_state == Signature.VERIFIED:
            return None
        event = LogEvent.RECEIVED
    elif from_state == Signature.VERIFIED:
        event = LogEvent.WITHDRAWN if to_state == Signature.WITHDRAWN else LogEvent.INVALIDATED
    elif from_state in checking:
        event = LogEvent.WITHDRAWN if to_state == Signature.WITHDRAWN else LogEvent.REJECTED
    else:
        return None
    return PendingLogEvent(
        campaign_id=signature.campaign_id,
        event=event,
        handle=signature.handle,
        region_code=signature.region_code,
    )


def log_count_change(
    signature: Signature, from_state: str | None, to_state: str | None, count_change_id: int
) -> None:
    """Journal the public-count event of a transition, if it has one. Called with the
    CountChange it belongs to, inside the transition's transaction."""
    pending = count_change_event(signature, from_state, to_state)
    if pending is not None:
        pending.count_change_id = count_change_id
        pending.save()


def log_reveals(campaign: Campaign, signers: Iterable[tuple[str, str]]) -> None:
    """Journal conditional signers revealed together: (handle, region code) pairs."""
    PendingLogEvent.objects.bulk_create(
        PendingLogEvent(
            campaign=campaign, event=LogEvent.REVEALED, handle=handle, region_code=region_code
        )
        for handle, region_code in signers
    )
