"""Signatures, their states and transitions, the verifiers' decisions on them, and the
tallies the public sees."""

import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from undersigned.audit.models import AppendOnlyError
from undersigned.campaigns.models import Campaign, TransitionError


def new_handle() -> str:
    """A random 128-bit handle: the signature's only identity in the public log."""
    return secrets.token_hex(16)


class CountSnapshot(NamedTuple):
    """What the tallies hold of a signature at one moment."""

    state: str | None
    verified_on: date | None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def day_of(moment: datetime) -> datetime:
    """The start of the UTC day of `moment`: what a sealed signature keeps of a time."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


SEALED_PREFIX = "sealed-"

# Whose name the public list shows now: the condition of its index.
LISTED = models.Q(
    models.Q(state="verified", merged_into__isnull=True),
    models.Q(publication="named") | models.Q(publication="conditional", revealed_at__isnull=False),
)


class Signature(models.Model):
    RECEIVED = "received"
    MATCHED = "matched"
    VERIFIED = "verified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    STATES = [
        (RECEIVED, _("received")),
        (MATCHED, _("matched")),
        (VERIFIED, _("verified")),
        (REJECTED, _("rejected")),
        (WITHDRAWN, _("withdrawn")),
    ]
    # Not yet decided: shown to the public as "being checked".
    CHECKING_STATES = frozenset({RECEIVED, MATCHED})
    # Still standing: one per signer's claims in a campaign.
    ACTIVE_STATES = frozenset({RECEIVED, MATCHED, VERIFIED})
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        RECEIVED: frozenset({MATCHED, VERIFIED, REJECTED, WITHDRAWN}),
        MATCHED: frozenset({RECEIVED, VERIFIED, REJECTED, WITHDRAWN}),
        VERIFIED: frozenset({REJECTED, WITHDRAWN}),
        REJECTED: frozenset({RECEIVED, WITHDRAWN}),
        WITHDRAWN: frozenset(),
    }

    REJECT_NOT_OFFICIAL = "not_official"
    REJECT_IMPERSONATION = "impersonation"
    REJECT_DUPLICATE = "duplicate"
    REJECT_INVALIDATED = "invalidated"
    REJECT_OTHER = "other"
    REJECT_REASONS = [
        (REJECT_NOT_OFFICIAL, _("not an official")),
        (REJECT_IMPERSONATION, _("impersonation")),
        (REJECT_DUPLICATE, _("duplicate")),
        (REJECT_INVALIDATED, _("invalidated in bulk")),
        (REJECT_OTHER, _("other")),
    ]

    WEB = "web"
    TELEGRAM = "telegram"
    IMPORT = "import"
    ORGANIZER = "organizer"
    API = "api"
    EMAIL = "email"
    PAPER = "paper"
    CHANNELS = [
        (WEB, "web"),
        (TELEGRAM, "Telegram"),
        (API, "API"),
        (IMPORT, _("import")),
        (ORGANIZER, _("organizer")),
        (EMAIL, _("e-mail")),
        (PAPER, _("paper")),
    ]

    NAMED = "named"
    ANONYMOUS = "anonymous"
    CONDITIONAL = "conditional"
    PUBLICATIONS = [
        (NAMED, _("named")),
        (ANONYMOUS, _("counted but not named")),
        (CONDITIONAL, _("named once enough others have signed")),
    ]
    # From most to least visible; a signer may only move down this list.
    VISIBILITY_ORDER = (NAMED, CONDITIONAL, ANONYMOUS)
    LISTED = LISTED

    # No index of its own: every index below starts with the campaign.
    campaign = models.ForeignKey(
        Campaign, related_name="signatures", on_delete=models.PROTECT, db_index=False
    )
    # Unique, and indexed, by the constraints and indexes in Meta: a field's own unique=True
    # or db_index=True would also give PostgreSQL an index for LIKE queries, which nothing
    # asks, on a random value, written with every signature.
    handle = models.CharField(max_length=32, default=new_handle, editable=False)
    full_name = models.CharField(max_length=200)
    office = models.CharField(max_length=200, blank=True)
    body = models.CharField(max_length=200, blank=True)
    municipality = models.CharField(max_length=200, blank=True)
    region = models.CharField(max_length=200, blank=True)
    region_code = models.CharField(max_length=16, blank=True)
    claims_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, choices=CHANNELS, default=WEB)
    language = models.CharField(max_length=8, default="ru")
    publication = models.CharField(max_length=16, choices=PUBLICATIONS, default=NAMED)
    reveal_threshold = models.PositiveIntegerField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)

    state = models.CharField(max_length=16, choices=STATES, default=RECEIVED, editable=False)
    reject_reason = models.CharField(max_length=16, choices=REJECT_REASONS, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    # NULL, not "": rows without a receipt must not collide under its unique constraint.
    receipt_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # A signer who is not public, once decided: their claims, official and evidence as an
    # age file to the campaign's verifier keys (undersigned.signatures.sealing); the clear
    # fields above are emptied. A conditional signer's `commitment` is SHA-256 of a salt
    # that lives only inside that file and the claims a reveal would publish.
    sealed = models.BinaryField(null=True, blank=True, editable=False)
    commitment = models.CharField(max_length=64, blank=True, editable=False)
    # Before sealed signers existed, a second submission of the same claims was merged
    # into the first; kept for those rows, never counted. Every submission now stands
    # on its own and duplicates are rejected when verifying.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        related_name="merged",
        on_delete=models.CASCADE,
        db_index=False,  # indexed where set only, in Meta
    )
    # Held back silently for verifiers (suspected flooding); not counted while held.
    held = models.BooleanField(default=False)
    # Keyed hash of the sender's address under a key that rotates daily; cleared after the
    # rate-limit window (undersigned.vault.clients). Never the address itself.
    client_hash = models.CharField(max_length=64, blank=True)
    official = models.ForeignKey(
        "officials.Official",
        null=True,
        blank=True,
        related_name="signatures",
        on_delete=models.PROTECT,
        db_index=False,  # indexed where set only, in Meta
    )
    match_score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(publication="conditional")
                | models.Q(reveal_threshold__isnull=False),
                name="signature_conditional_has_threshold",
            ),
            models.UniqueConstraint(fields=["handle"], name="signatures_signature_handle_key"),
            models.UniqueConstraint(
                fields=["receipt_hash"], name="signatures_signature_receipt_hash_key"
            ),
        ]
        indexes = [
            models.Index(fields=["client_hash"], name="signature_client_hash"),
            # A new signature has neither: it writes no entry in these two.
            models.Index(
                fields=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="signature_merged_into",
            ),
            models.Index(
                fields=["official"],
                condition=models.Q(official__isnull=False),
                name="signature_official",
            ),
            models.Index(fields=["campaign", "state", "verified_at"], name="signature_public_list"),
            models.Index(fields=["campaign", "claims_key"], name="signature_same_claims"),
            # The public list of names, read page by page in this order from a cursor.
            models.Index(
                fields=["campaign", "verified_at", "id"],
                condition=LISTED,  # the module's
                name="signature_named_list",
            ),
        ]

    def __str__(self) -> str:
        return f"signature {self.pk} ({self.state})"

    # What the public tallies see of this signature: None when it is not counted at all.
    @property
    def counted_state(self) -> str | None:
        if self.merged_into_id is not None or self.held:
            return None
        return self.state

    def count_snapshot(self) -> "CountSnapshot":
        return CountSnapshot(
            self.counted_state, self.verified_at.date() if self.verified_at else None
        )

    @property
    def is_hidden(self) -> bool:
        """Whether this signer's name is not public by their own choice now."""
        if self.publication == self.ANONYMOUS:
            return True
        return self.publication == self.CONDITIONAL and self.revealed_at is None

    @property
    def is_sealed(self) -> bool:
        return self.sealed is not None

    @property
    def is_checking(self) -> bool:
        return self.state in self.CHECKING_STATES

    @property
    def shows_name(self) -> bool:
        """Whether the public may see this signer's name now."""
        if self.state != self.VERIFIED or self.campaign.names_hidden:
            return False
        if self.publication == self.NAMED:
            return True
        return self.publication == self.CONDITIONAL and self.revealed_at is not None

    def can_move_to(self, target: str) -> bool:
        return target in self.TRANSITIONS[self.state]

    # Transitions. Each is called from signatures.actions, which records it and saves.
    def _move(self, target: str) -> None:
        if not self.can_move_to(target):
            raise TransitionError(f"signature {self.pk}: {self.state} -> {target} is not allowed")
        self.state = target
        self.state_changed_at = timezone.now()

    def match(self, official_id: int, score: float, official_region: str = "") -> None:
        """Matched to a registry official; a signer who named no region is counted in the
        official's."""
        self._move(self.MATCHED)
        self.official_id = official_id
        self.match_score = score
        if not self.region and not self.region_code:
            self.region_code = official_region

    def unmatch(self) -> None:
        self._move(self.RECEIVED)
        self.official_id = None
        self.match_score = None
        if not self.region:  # the region was the official's, not the signer's
            self.region_code = ""

    def verify(self) -> None:
        self._move(self.VERIFIED)
        self.verified_at = self.state_changed_at
        self.reject_reason = ""

    def reject(self, reason: str) -> None:
        if reason not in dict(self.REJECT_REASONS):
            raise TransitionError(f"unknown rejection reason {reason!r}")
        self._move(self.REJECTED)
        self.reject_reason = reason
        self.verified_at = None

    def reopen(self) -> None:
        """A rejection reversed by a new decision: back to the queue."""
        self._move(self.RECEIVED)
        self.reject_reason = ""

    def withdraw(self) -> None:
        self._move(self.WITHDRAWN)

    def seal(self, ciphertext: bytes, commitment: str, *, keep_region: bool) -> None:
        """Keep of the signer only what the public side needs, and the ciphertext.

        Called once the signature is decided; times go down to their day.
        """
        self.sealed = ciphertext
        self.commitment = commitment
        self.full_name = self.office = self.body = self.municipality = self.region = ""
        if not keep_region:
            self.region_code = ""
        self.claims_key = f"{SEALED_PREFIX}{self.handle}"
        self.official_id = None
        self.match_score = None
        self.client_hash = ""
        self.created_at = day_of(self.created_at)
        self.state_changed_at = day_of(self.state_changed_at)
        if self.verified_at is not None:
            self.verified_at = day_of(self.verified_at)

    def unseal_revealed(self, claims: dict[str, str]) -> None:
        """A conditional signer whose threshold is reached, named from a checked reveal."""
        self.full_name = claims["full_name"]
        self.office = claims["office"]
        self.body = claims["body"]
        self.municipality = claims["municipality"]
        self.revealed_at = timezone.now()

    def lower_visibility(self, publication: str, threshold: int | None) -> None:
        """The signer asks to be less visible (never more)."""
        order = self.VISIBILITY_ORDER
        if publication not in order:
            raise TransitionError(f"unknown publication {publication!r}")
        if order.index(publication) < order.index(self.publication):
            raise TransitionError("a signer can only become less visible")
        if publication == self.CONDITIONAL:
            if threshold is None:
                raise TransitionError("a conditional choice needs a threshold")
            if self.publication == self.CONDITIONAL and threshold < (self.reveal_threshold or 0):
                raise TransitionError("a signer can only raise their threshold")
            if self.revealed_at is not None and self.publication == self.CONDITIONAL:
                # Already revealed: raising the bar hides the name again until it is met.
                self.revealed_at = None
        self.publication = publication
        self.reveal_threshold = threshold if publication == self.CONDITIONAL else None
        if publication != self.CONDITIONAL:
            self.revealed_at = None


class CountChange(models.Model):
    """One pending change to the public tallies, consumed (and deleted) by the count job.

    Writing one small row per transition, instead of incrementing a counter, keeps
    the signing path free of a hot row.
    """

    # Read in id order only, and few rows at a time: no index on the campaign.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, db_index=False)
    region_code = models.CharField(max_length=16, blank=True)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    # The signature's day of arrival, and the day of the verification this change
    # adds (to_state verified) or takes away (from_state verified).
    created_on = models.DateField()
    verified_on = models.DateField(null=True)
    # The signature's handle: folding the change journals its public-log event, if it has
    # one (signatures.journal). Blank for a change that only moves a tally (a region's).
    handle = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_state or '-'} -> {self.to_state or '-'}"


class LogEvent:
    """The kinds of entry; how each moves the verified and being-checked figures is
    undersigned.ledger.tally's to say."""

    RECEIVED = "received"
    VERIFIED = "verified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    INVALIDATED = "invalidated"
    REVEALED = "revealed"
    ALL = (RECEIVED, VERIFIED, REJECTED, WITHDRAWN, INVALIDATED, REVEALED)


class PendingLogEvent(models.Model):
    """An event of the public log (undersigned.ledger), waiting for the next batch.

    Journaled by the count job as it folds the transition's count change, or as it names
    conditional signers together: every pending event is already in the published counts.
    """

    # Read in id order only, and few rows at a time: no index on the campaign.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, db_index=False)
    event = models.CharField(max_length=16)
    handle = models.CharField(max_length=32)
    region_code = models.CharField(max_length=16, blank=True)

    class Meta:
        db_table = "ledger_pendinglogevent"  # where the public log's app created it
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event} pending"


class Tally(models.Model):
    """A count of signatures in one state, for a campaign overall, a region, or a day.

    `key` is "all", "region:<code>" or "day:<YYYY-MM-DD>". Day rows count the
    signatures that arrived that day ("arrived") and the standing verified ones by
    the day they were verified, so running sums over days draw the timeline.
    """

    ALL = "all"
    ARRIVED = "arrived"

    campaign = models.ForeignKey(Campaign, related_name="tallies", on_delete=models.CASCADE)
    key = models.CharField(max_length=32)
    state = models.CharField(max_length=16)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key", "state"], name="tally_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.key} {self.state}={self.n}"


# Evidence links are rendered as links on the desk: only web addresses, never javascript:.
web_link = URLValidator(schemes=["http", "https"])


def is_web_link(value: str) -> bool:
    try:
        web_link(value)
    except ValidationError:
        return False
    return True


class Decision(models.Model):
    """One verifier's decision on one signature, with the evidence behind it.

    The table only grows: a decision is reversed by a new decision, never edited (its
    evidence is scrubbed, and its time cut to the day, when the signer is sealed)."""

    MATCH = "match"
    UNMATCH = "unmatch"
    VERIFY = "verify"
    REJECT = "reject"
    REOPEN = "reopen"
    KINDS = [
        (MATCH, _("matched to a registry official")),
        (UNMATCH, _("registry match undone")),
        (VERIFY, _("confirmed")),
        (REJECT, _("rejected")),
        (REOPEN, _("reopened")),
    ]
    # After one of these, earlier confirmations no longer count towards verification.
    STARTS_NEW_ROUND = frozenset({UNMATCH, REJECT, REOPEN})

    CODE = "code"
    PHONE = "phone"
    IN_PERSON = "in_person"
    PUBLIC_STATEMENT = "public_statement"
    KNOWN = "known"
    SIGNER_CONTACT = "signer_contact"
    MANUAL_METHODS: ClassVar[list[tuple[str, Any]]] = [
        (PHONE, _("phone call to the office's public number")),
        (IN_PERSON, _("in person")),
        (PUBLIC_STATEMENT, _("public statement (link)")),
        (KNOWN, _("known to the verifier")),
        (SIGNER_CONTACT, _("reached the signer through the contact they left")),
    ]
    # A code is recorded when the official enters it; the others a verifier records by hand.
    METHODS = [(CODE, _("confirmation code")), *MANUAL_METHODS]

    signature = models.ForeignKey(Signature, related_name="decisions", on_delete=models.PROTECT)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    kind = models.CharField(max_length=16, choices=KINDS)
    method = models.CharField(max_length=20, choices=METHODS, blank=True)
    reason = models.CharField(max_length=16, choices=Signature.REJECT_REASONS, blank=True)
    official = models.ForeignKey(
        "officials.Official", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    link = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Moved here from the verification app: the table keeps its name.
        db_table = "verification_decision"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} on signature {self.signature_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("decisions are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("decisions are never deleted")

    @property
    def has_web_link(self) -> bool:
        return bool(self.link) and is_web_link(self.link)

    @classmethod
    def confirmers(cls, signature: Signature) -> set[int]:
        """The verifiers whose confirmations count now: those since the last reset."""
        confirmed: set[int] = set()
        for kind, verifier_id in cls.objects.filter(signature=signature).values_list(
            "kind", "verifier_id"
        ):
            if kind in cls.STARTS_NEW_ROUND:
                confirmed.clear()
            elif kind == cls.VERIFY and verifier_id is not None:
                confirmed.add(verifier_id)
        return confirmed
