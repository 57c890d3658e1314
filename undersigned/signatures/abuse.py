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
- Onion visitors all arrive from the Tor daemon's address: no per-client limit applies to
  them; they are always asked for the captcha instead.
- A channel that cannot show a captcha (the bot, the API) stores a submission that is due
  one held back for verifiers, with the usual receipt.

A submission costs one round trip to the shared cache: the form is checked first, so
that one measurement counts the attempt and, for a valid form, the signature.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest

from undersigned.campaigns.models import Campaign
from undersigned.core import ratelimit
from undersigned.core.clients import client_hash, is_onion_request


@dataclass(frozen=True)
class Attempt:
    """What one counted submission may do."""

    refused: bool  # 429, nothing stored
    captcha: bool  # the form must carry a solved captcha
    flooding: bool  # stored, but held back for verifiers


@dataclass(frozen=True)
class Sender:
    """Where a submission comes from, as the abuse rules count it."""

    client: str  # a keyed hash: of the client's address (web, API) or of the chat (Telegram)
    onion: bool = False  # an onion visitor: no per-client limit, always a captcha
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

    def attempt(self, *, valid: bool) -> Attempt:
        """Count one submission, and the signature it brings when the form is `valid`."""
        if self.onion:
            ratelimit.hit(self._campaign_key(), self.window)
            return Attempt(refused=False, captcha=True, flooding=False)
        stored = self._client_key("stored")
        hits = [self._campaign_key(), self._client_key("attempts")]
        rates = ratelimit.measure(
            self.window, hits=[*hits, stored] if valid else hits, peeks=[] if valid else [stored]
        )
        client_rate = rates[self._client_key("attempts")].count
        stored_before = rates[stored].count - (1 if valid else 0)
        return Attempt(
            refused=client_rate > settings.RATE_CLIENT_LIMIT,
            captcha=(
                rates[self._campaign_key()].count > settings.RATE_CAMPAIGN_CAPTCHA_AFTER
                or client_rate > settings.RATE_CLIENT_CAPTCHA_AFTER
            ),
            # More signatures from this client than one connection plausibly sends.
            flooding=stored_before >= settings.RATE_CLIENT_HOLD_AFTER,
        )

    def not_stored(self) -> None:
        """A valid form was counted as a signature, and then not stored (its captcha failed)."""
        if not self.onion:
            ratelimit.undo(self._client_key("stored"), self.window)

    def captcha_due(self) -> bool:
        """Whether the form shown now must carry a captcha (the next attempt will need one)."""
        if self.onion:
            return True
        rates = ratelimit.measure(
            self.window, peeks=[self._campaign_key(), self._client_key("attempts")]
        )
        return (
            rates[self._campaign_key()].count >= settings.RATE_CAMPAIGN_CAPTCHA_AFTER
            or rates[self._client_key("attempts")].count >= settings.RATE_CLIENT_CAPTCHA_AFTER
        )

    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.window / 60))
