"""Campaigns (petitions and open letters), their texts, and the staff who run them."""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionError(Exception):
    """A state change the rules do not allow."""


class Campaign(models.Model):
    KIND_PETITION = "petition"
    KIND_OPEN_LETTER = "open_letter"
    KINDS = [(KIND_PETITION, _("petition")), (KIND_OPEN_LETTER, _("open letter"))]

    ELIGIBLE_OFFICIALS = "officials"
    ELIGIBLE_ANYONE = "anyone"
    ELIGIBILITY = [
        (ELIGIBLE_OFFICIALS, _("officials of the registry")),
        (ELIGIBLE_ANYONE, _("anyone")),
    ]

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"
    STATES = [
        (DRAFT, _("draft")),
        (OPEN, _("open")),
        (CLOSED, _("closed")),
        (ARCHIVED, _("archived")),
    ]
    PUBLIC_STATES = frozenset({OPEN, CLOSED, ARCHIVED})
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        DRAFT: frozenset({OPEN}),
        OPEN: frozenset({CLOSED}),
        CLOSED: frozenset({OPEN, ARCHIVED}),
        ARCHIVED: frozenset(),
    }

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=KINDS, default=KIND_PETITION)
    addressee = models.CharField(max_length=300, blank=True)
    eligibility = models.CharField(max_length=16, choices=ELIGIBILITY, default=ELIGIBLE_ANYONE)
    # Which registry source signers are matched against, when officials sign.
    registry_source = models.CharField(max_length=64, blank=True)
    requires_verification = models.BooleanField(default=True)
    # Two different verifiers must confirm before a signature counts.
    four_eyes = models.BooleanField(default=False)
    # "Name me once N verified signatories have signed": the N a signer may choose.
    reveal_thresholds = models.JSONField(default=list, blank=True)
    publish_region_counts = models.BooleanField(default=True)
    # One switch that hides every name of the campaign; counts stay.
    names_hidden = models.BooleanField(default=False)
    original_language = models.CharField(max_length=8, default="ru")
    state = models.CharField(max_length=16, choices=STATES, default=DRAFT, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closes_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.slug

    def clean(self) -> None:
        thresholds = self.reveal_thresholds or []
        if not all(isinstance(n, int) and n > 0 for n in thresholds):
            raise ValidationError(
                {"reveal_thresholds": _("Thresholds are positive whole numbers.")}
            )

    # Transitions. Called only from campaigns.actions, which records them.
    def _move(self, target: str) -> None:
        if target not in self.TRANSITIONS[self.state]:
            raise TransitionError(f"campaign {self.slug}: {self.state} -> {target} is not allowed")
        self.state = target

    def open(self) -> None:
        self._move(self.OPEN)
        self.opened_at = self.opened_at or timezone.now()
        self.closed_at = None

    def close(self) -> None:
        self._move(self.CLOSED)
        self.closed_at = timezone.now()

    def archive(self) -> None:
        self._move(self.ARCHIVED)

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def takes_opening_signatories(self) -> bool:
        """Organizers vouch for signatories only before publication; after, every signature
        goes through verification."""
        return self.state == self.DRAFT

    @property
    def accepts_signatures(self) -> bool:
        if self.state != self.OPEN:
            return False
        return self.closes_at is None or timezone.now() < self.closes_at

    @property
    def thresholds(self) -> list[int]:
        return sorted(int(n) for n in self.reveal_thresholds or [])

    def text_for(self, language: str) -> "CampaignText":
        """The text in `language`, else the original. Uses prefetched texts when present."""
        texts = list(self.texts.all())
        for text in texts:
            if text.language == language:
                return text
        for text in texts:
            if text.is_original:
                return text
        if not texts:
            raise CampaignText.DoesNotExist(self.slug)
        return texts[0]


class CampaignText(models.Model):
    campaign = models.ForeignKey(Campaign, related_name="texts", on_delete=models.CASCADE)
    language = models.CharField(max_length=8)
    is_original = models.BooleanField(default=False)
    title = models.CharField(max_length=300)
    body = models.TextField()
    addressee = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-is_original", "language"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="text_one_per_language"),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(is_original=True),
                name="text_one_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug} [{self.language}] {self.title}"


class StaffRole(models.Model):
    """What a staff account may do on one campaign."""

    ORGANIZER = "organizer"
    VERIFIER = "verifier"
    SPOKESPERSON = "spokesperson"
    ROLES = [
        (ORGANIZER, _("organizer")),
        (VERIFIER, _("verifier")),
        (SPOKESPERSON, _("spokesperson")),
    ]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="staff_roles", on_delete=models.CASCADE
    )
    campaign = models.ForeignKey(Campaign, related_name="staff_roles", on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=ROLES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "campaign", "role"], name="staff_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.campaign.slug}"
