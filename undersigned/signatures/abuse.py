"""The abuse rules on signing, the same for every channel: rate limits, when a captcha is
due, when to hold a signature back.

A sender is a client address on the web and the API (a keyed hash, never the address), a
chat on Telegram.

- Below the thresholds a signer sees nothing special.
- Past `RATE_CLIENT_CAPTCHA_AFTER` attempts from one client, or `RATE_CAMPAIGN_CAPTCHA_AFTER`
  on the campaign, within `RATE_WINDOW_SECONDS`, the form asks for a captcha.
- Past `RATE_CLIENT_LIMIT` attempts from one client: 429, nothing stored.
- A filled honeypot, or more than `RATE_CLIENT_HOLD_AFTER` complete submissions (valid
  forms) from one client in the window: the signature is stored held back for verifiers;
  the sender sees the usual receipt.
- Onion visitors all arrive from the Tor daemon's address: each is counted by their Tor
  circuit (which the proxy names), with the onion's own limits (`RATE_ONION_LIMIT`,
  `RATE_ONION_HOLD_AFTER`), is always asked for the captcha, and is not counted towards
  the campaign's captcha threshold.
  Nor are attempts refused for their client's rate: one client alone cannot switch the
  captcha on for everyone.

The captcha and forms already out agree: a form is stamped with the minute it was made
(`issued`), and when the campaign's captcha switches on, the moment is noted. A form
made before it (a copy the reverse proxy kept, a page a signer had open) is not asked
for the captcha it never showed, unless its sender is over the client threshold.
- A channel that cannot show a captcha (the bot, the API) stores a submission that is due
  one held back for verifiers, with the usual receipt.

A submission costs one round trip to the shared cache: the form is checked first, so
that one measurement counts the attempt and, for a valid form, the signature.
"""

import contextlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from undersigned.campaigns.models import Campaign
from undersigned.core import ratelimit
from undersigned.core.clients import client_hash, is_onion_request

ISSUED_SALT = "undersigned.sign.issued"
ISSUED_MAX_AGE = 1800  # a form older than this is asked for the captcha like any other


def form_issued(now: float | None = None) -> str:
    """The stamp of a form made now, to the minute (a kept page shows one stamp a minute)."""
    minute = int((time.time() if now is None else now) // 60) * 60
    return signing.dumps(minute, salt=ISSUED_SALT, compress=False)


def form_issued_at(stamp: str) -> float | None:
    if len(stamp) > 100:
        return None
    try:
        value = signing.loads(stamp, salt=ISSUED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, int) or time.time() - value > ISSUED_MAX_AGE:
        return None
    return float(value)


@dataclass(frozen=True)
class Attempt:
    """What one counted submission may do."""

    refused: bool  # 429, nothing stored
    captcha: bool  # the form must carry a solved captcha
    flooding: bool  # stored, but held back for verifiers
    client_captcha: bool = False  # the captcha is due for this client, not just the campaign


@dataclass(frozen=True)
class Sender:
    """Where a submission comes from, as the abuse rules count it."""

    client: str  # a keyed hash: of the client's address (web, API) or of the chat (Telegram)
    onion: bool = False  # an onion visitor: counted by circuit, always a captcha
    # Whether the hash is kept with the signature (an address hash, forgotten by rule).
    # A chat's key is not: it would tie the signature to the chat.
    kept: bool = True

    @classmethod
    def of_request(cls, request: HttpRequest) -> "Sender":
        """The sender of a web or API request: its client's keyed hash."""
        return cls(client_hash(request), onion=is_onion_request(request))


@dataclass
class SigningGuard:
    client: str
    campaign_id: int
    onion: bool

    @classmethod
    def for_sender(cls, sender: Sender, campaign: Campaign) -> "SigningGuard":
        return cls(sender.client, campaign.pk, sender.onion)

    @property
    def window(self) -> int:
        return settings.RATE_WINDOW_SECONDS

    def _client_key(self, what: str) -> str:
        return f"sign-{what}:{self.client}"

    def _campaign_key(self) -> str:
        return f"sign-campaign:{self.campaign_id}"

    @property
    def refuse_after(self) -> int:
        return settings.RATE_ONION_LIMIT if self.onion else settings.RATE_CLIENT_LIMIT

    @property
    def hold_after(self) -> int:
        return settings.RATE_ONION_HOLD_AFTER if self.onion else settings.RATE_CLIENT_HOLD_AFTER

    def attempt(self, *, valid: bool) -> Attempt:
        """Count one submission, and the signature it brings when the form is `valid`."""
        stored = self._client_key("stored")
        client = [self._client_key("attempts"), *([stored] if valid else [])]
        # Onion visits are not counted towards everyone's captcha: junk posted through the
        # onion service must not switch it on for every signer.
        hits = client if self.onion else [self._campaign_key(), *client]
        peeks = [] if valid else [stored]
        if self.onion:
            peeks.append(self._campaign_key())
        rates = ratelimit.measure(self.window, hits=hits, peeks=peeks)
        client_rate = rates[self._client_key("attempts")].count
        stored_before = rates[stored].count - (1 if valid else 0)
        client_captcha = self.onion or client_rate > settings.RATE_CLIENT_CAPTCHA_AFTER
        campaign_captcha = rates[self._campaign_key()].count > settings.RATE_CAMPAIGN_CAPTCHA_AFTER
        refused = client_rate > self.refuse_after
        if refused and not self.onion:
            # One client's flood, refused, does not count towards everyone's captcha.
            ratelimit.undo(self._campaign_key(), self.window)
        elif campaign_captcha:
            self._note_captcha_on()
        return Attempt(
            refused=refused,
            captcha=campaign_captcha or client_captcha,
            # More signatures from this client than one connection plausibly sends.
            flooding=stored_before >= self.hold_after,
            client_captcha=client_captcha,
        )

    def _since_key(self) -> str:
        return f"sign-captcha-since:{self.campaign_id}"

    def _note_captcha_on(self) -> None:
        with contextlib.suppress(Exception):  # a cache failure: no form is excused
            cache.add(self._since_key(), time.time(), timeout=self.window)

    def form_predates_captcha(self, attempt: Attempt, issued: str) -> bool:
        """Whether this submission's form was made before the campaign's captcha switched
        on, and so never showed one: it is then not asked for it."""
        return not attempt.client_captcha and self._made_before_captcha(issued)

    def _made_before_captcha(self, issued: str) -> bool:
        made = form_issued_at(issued) if issued else None
        if made is None:
            return False
        try:
            since = cache.get(self._since_key())
        except Exception:  # any cache failure: the captcha is asked as usual
            return False
        return since is not None and made < float(since)

    def not_stored(self) -> None:
        """A valid form was counted as a signature, and then not stored (its captcha failed)."""
        ratelimit.undo(self._client_key("stored"), self.window)

    def captcha_due(self, issued: str = "") -> bool:
        """Whether the form shown now must carry a captcha (the next attempt will need one).
        A form stamped `issued` before the campaign's captcha switched on is not asked for
        it, unless its sender is over the client threshold."""
        if self.onion:
            return True
        rates = ratelimit.measure(
            self.window, peeks=[self._campaign_key(), self._client_key("attempts")]
        )
        if rates[self._client_key("attempts")].count >= settings.RATE_CLIENT_CAPTCHA_AFTER:
            return True
        campaign_due = rates[self._campaign_key()].count >= settings.RATE_CAMPAIGN_CAPTCHA_AFTER
        return campaign_due and not self._made_before_captcha(issued)

    def refused_now(self) -> bool:
        """Whether a submission from this sender would be refused now (nothing counted)."""
        attempts = self._client_key("attempts")
        return ratelimit.measure(self.window, peeks=[attempts])[attempts].count >= self.refuse_after

    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.window / 60))
