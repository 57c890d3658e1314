"""Share channels of a campaign ("deputies' chat", "Twitter") and what arrived through them.

A channel keeps two counters, folded in batches from a journal of hits; nothing
ties a hit to a signer.
"""

import re
import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from undersigned.campaigns.models import Campaign

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def clean_code(value: str) -> str:
    """A channel code as links carry it, or "" when it cannot be one."""
    code = (value or "").strip().lower()
    return code if CODE_PATTERN.match(code) else ""


# The channel codes of each campaign, kept in each process for SHARE_CODES_SECONDS: a
# link's code is checked on every visit, and an unknown one must cost no write.
SHARE_CODES_SECONDS = 30.0
MAX_CACHED_CAMPAIGNS = 1024
_codes: dict[str, tuple[float, frozenset[str]]] = {}


def known_code(slug: str, value: str) -> str:
    """The channel code a link carried when campaign `slug` has such a channel, else ""."""
    code = clean_code(value)
    if not code or len(slug) > 80:
        return ""
    now = time.monotonic()
    cached = _codes.get(slug)
    if cached is None or now - cached[0] >= SHARE_CODES_SECONDS:
        codes = frozenset(
            ShareChannel.objects.filter(campaign__slug=slug).values_list("code", flat=True)
        )
        if len(_codes) >= MAX_CACHED_CAMPAIGNS:
            _codes.clear()
        cached = _codes[slug] = (now, codes)
    return code if code in cached[1] else ""


def forget_codes(**kwargs: object) -> None:
    """Signal receiver: a channel was saved or deleted in this process."""
    _codes.clear()


def validate_code(value: str) -> None:
    if not CODE_PATTERN.match(value or ""):
        raise ValidationError(
            _("Use 1 to 32 lowercase Latin letters, digits or hyphens."), code="share_code"
        )


class ShareChannel(models.Model):
    campaign = models.ForeignKey(Campaign, related_name="share_channels", on_delete=models.CASCADE)
    code = models.CharField(max_length=32, validators=[validate_code])
    label = models.CharField(max_length=100)
    visits = models.BigIntegerField(default=0, editable=False)
    signatures = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["campaign", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="share_channel_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign.slug}?via={self.code}"

    def link_query(self) -> str:
        return f"?via={self.code}"


class ShareHit(models.Model):
    """One visit or completed signature that came with a channel code, until it is folded.

    Holds no time and no link to a signature; the fold job deletes it within seconds.
    """

    VISIT = "visit"
    SIGNED = "signed"
    KINDS = [(VISIT, "visit"), (SIGNED, "signed")]

    # The campaign's slug as the URL gave it: noting a hit costs one INSERT and no lookup.
    campaign_slug = models.CharField(max_length=80)
    code = models.CharField(max_length=32)
    kind = models.CharField(max_length=8, choices=KINDS)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} via {self.code}"
