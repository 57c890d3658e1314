"""The public log's journal: the events a signature's transitions add to it. A transition
writes its count change; the count job folds the change into the tallies and, in the same
transaction, journals its event here. The log (undersigned.ledger) appends them in batches."""

from collections.abc import Iterable

from undersigned.campaigns.models import Campaign
from undersigned.core.bulk import insert_rows
from undersigned.signatures.models import CountChange, LogEvent, PendingLogEvent, Signature


def count_change_event(from_state: str | None, to_state: str | None) -> str | None:
    """The public-log event of a change in what the tallies count (None: not counted), if
    the change moves the verified or the being-checked figure (see ledger.tally)."""
    checking = Signature.CHECKING_STATES
    if to_state == from_state or (from_state in checking and to_state in checking):
        return None
    if to_state == Signature.VERIFIED:
        return LogEvent.VERIFIED
    if to_state in checking:
        # A verified signature never goes back to the queue; a rejected one may.
        return None if from_state == Signature.VERIFIED else LogEvent.RECEIVED
    if from_state == Signature.VERIFIED:
        return LogEvent.WITHDRAWN if to_state == Signature.WITHDRAWN else LogEvent.INVALIDATED
    if from_state in checking:
        return LogEvent.WITHDRAWN if to_state == Signature.WITHDRAWN else LogEvent.REJECTED
    return None


def journal_folded(changes: Iterable[CountChange]) -> None:
    """Journal the public-log events of count changes as the count job folds them, in the
    changes' order: the log then holds exactly the signatures the published counts hold.
    A change with no handle moves a tally only (a region's) and has no event."""
    rows = []
    for change in changes:
        event = count_change_event(change.from_state or None, change.to_state or None)
        if event is not None and change.handle:
            rows.append((change.campaign_id, event, change.handle, change.region_code))
    insert_rows(PendingLogEvent, ["campaign", "event", "handle", "region_code"], rows)


def log_reveals(campaign: Campaign, signers: Iterable[tuple[str, str]]) -> None:
    """Journal conditional signers revealed together: (handle, region code) pairs."""
    PendingLogEvent.objects.bulk_create(
        PendingLogEvent(
            campaign=campaign, event=LogEvent.REVEALED, handle=handle, region_code=region_code
        )
        for handle, region_code in signers
    )
