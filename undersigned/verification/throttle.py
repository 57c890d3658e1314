"""Attempt counters in the cache, with expiry: sign-in and confirmation-code throttling.

A counter counts failures inside a fixed window that starts with the first one; once
it reaches its limit, callers refuse further attempts until the window ends. Clients
are keyed by a keyed hash of their address, so the cache holds no address in clear.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
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
