"""Attempt counters in the cache, with expiry: sign-in and confirmation-code throttling.

A counter counts failures inside a fixed window that starts with the first one; once
it reaches its limit, callers refuse further attempts until the window ends. Clients
are keyed by a keyed hash of their address, so the cache holds no address in clear.
"""

import hashlib
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from undersigned.core.clients import client_hash


def client_key(request: HttpRequest) -> str:
    """The keyed hash of the client's address; empty when clients cannot be told apart (onion)."""
    return client_hash(request)


def _ident_key(ident: str) -> str:
    # Usernames may hold characters a cache key may not; hash them.
    return hashlib.sha256(ident.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Throttle:
    scope: str
    limit: int
    window_seconds: int

    def _keys(self, ident: str) -> tuple[str, str]:
        base = f"throttle:{self.scope}:{_ident_key(ident)}"
        return f"{base}:n", f"{base}:until"

    def wait_seconds(self, ident: str) -> int:
        """Seconds until `ident` may try again; 0 when it may try now."""
        if not ident:
            return 0
        count_key, until_key = self._keys(ident)
        if (cache.get(count_key) or 0) < self.limit:
            return 0
        until = cache.get(until_key)
        return max(math.ceil(until - time.time()), 1) if until else 0

    def failures(self, ident: str) -> int:
        """The failures of `ident` counted in its current window."""
        count_key, _ = self._keys(ident)
        return int(cache.get(count_key) or 0)

    def fail(self, ident: str) -> None:
        if not ident:
            return
        count_key, until_key = self._keys(ident)
        cache.add(until_key, time.time() + self.window_seconds, self.window_seconds)
        cache.add(count_key, 0, self.window_seconds)
        try:
            cache.incr(count_key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(count_key, 1, self.window_seconds)

    def reset(self, ident: str) -> None:
        cache.delete_many(list(self._keys(ident)))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def login_by_username() -> Throttle:
    return Throttle(
        "desk-login-user", settings.DESK_LOGIN_ATTEMPTS, settings.DESK_LOGIN_WINDOW_SECONDS
    )


def login_by_client() -> Throttle:
    return Throttle(
        "desk-login-client", settings.DESK_LOGIN_CLIENT_ATTEMPTS, settings.DESK_LOGIN_WINDOW_SECONDS
    )


def codes_by_client() -> Throttle:
    return Throttle(
        "confirm-code-client",
        settings.CONFIRMATION_CODE_CLIENT_ATTEMPTS,
        settings.CONFIRMATION_CODE_WINDOW_SECONDS,
    )


# Sign-in to the desk. Failed passwords are counted per username, per client and per
# pair of the two. Past DESK_LOGIN_ATTEMPTS for a username (from anywhere) or a pair, or
# DESK_LOGIN_CLIENT_ATTEMPTS for a client, the form asks for a captcha; only a pair is
# ever locked, after DESK_LOGIN_LOCK_ATTEMPTS. A browser where the account's password was
# once right carries a signed device cookie: for that account it is judged by its own
# failures alone, so nobody else's flood can put a captcha or a lock in its owner's way.
# Every check runs before the password hash, so a refused attempt costs no hashing.
DEVICE_COOKIE = "desk_device"
DEVICE_SALT = "undersigned.desk.device"
UNKNOWN_CLIENT = "unknown"  # visitors whose address cannot be known (onion) share one bucket


def passwords_by_username() -> Throttle:
    # Its own scope: wrong passwords never count against the code step of the owner.
    return Throttle(
        "desk-password-user", settings.DESK_LOGIN_ATTEMPTS, settings.DESK_LOGIN_WINDOW_SECONDS
    )


def login_by_pair() -> Throttle:
    return Throttle(
        "desk-login-pair", settings.DESK_LOGIN_LOCK_ATTEMPTS, settings.DESK_LOGIN_WINDOW_SECONDS
    )


@dataclass(frozen=True)
class LoginGuard:
    """What a sign-in attempt for `username` from this request must pass."""

    username: str
    client: str
    device: str  # this browser's device id when it has signed in as `username` before

    @classmethod
    def for_request(cls, request: HttpRequest, username: str) -> "LoginGuard":
        ident = username.strip().casefold()
        return cls(ident, client_key(request) or UNKNOWN_CLIENT, _device_of(request, ident))

    @property
    def _pair(self) -> str:
        return f"{self.username}\n{self.device or self.client}"

    def wait_seconds(self) -> int:
        """Seconds this pair is locked for; 0 when it may try."""
        return login_by_pair().wait_seconds(self._pair)

    def captcha_due(self) -> bool:
        pair = login_by_pair().failures(self._pair)
        if self.device:
            return pair >= settings.DESK_LOGIN_ATTEMPTS
        return (
            pair >= settings.DESK_LOGIN_ATTEMPTS
            or passwords_by_username().failures(self.username) >= settings.DESK_LOGIN_ATTEMPTS
            or login_by_client().failures(self.client) >= settings.DESK_LOGIN_CLIENT_ATTEMPTS
        )

    def fail(self) -> None:
        login_by_pair().fail(self._pair)
        if not self.device:
            passwords_by_username().fail(self.username)
            login_by_client().fail(self.client)

    def succeeded(self) -> None:
        login_by_pair().reset(self._pair)

    def device_cookie(self) -> str:
        """The value that marks this browser as one where `username` signed in."""
        device = self.device or secrets.token_urlsafe(16)
        return signing.dumps({"u": _ident_key(self.username), "d": device}, salt=DEVICE_SALT)


def _device_of(request: HttpRequest, ident: str) -> str:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > 300:
        return ""
    try:
        value = signing.loads(raw, salt=DEVICE_SALT, max_age=settings.DESK_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return ""
    if not isinstance(value, dict) or value.get("u") != _ident_key(ident):
        return ""
    return str(value.get("d", ""))
