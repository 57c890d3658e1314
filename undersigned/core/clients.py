"""Who is sending a request, as far as rate limits need to know: a keyed hash, never the address.

The hash is HMAC-SHA256 of the address under a key that changes every UTC day. The day's
key is derived from the site's secret and a random salt that lives only in the cache
(Redis memory in production) and expires once the day and one rate-limit window are
over; after that, nobody (not even someone holding the secret and the database) can tell
which address a hash stood for. IPv6 addresses are hashed by their /64 network, which one
subscriber holds.
"""

import hashlib
import hmac
import ipaddress
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from undersigned.core import ratelimit

logger = logging.getLogger(__name__)
PROXY_HEADERS = ("X-Real-IP", "X-Forwarded-For", "Forwarded")
_warned_about_proxy = False


def _warn_if_behind_an_unnamed_proxy(request: HttpRequest) -> None:
    global _warned_about_proxy
    if not _warned_about_proxy and any(name in request.headers for name in PROXY_HEADERS):
        _warned_about_proxy = True
        logger.warning(
            "Requests carry a proxy's client-address header but TRUSTED_PROXY_HEADER is "
            "empty: every visitor counts as the proxy's one address. Set "
            "TRUSTED_PROXY_HEADER (for deploy/nginx: X-Real-IP)."
        )


def _header(request: HttpRequest, name: str) -> str:
    """A request header read from META: `request.headers` copies every header first."""
    return str(request.META.get(f"HTTP_{name.upper().replace('-', '_')}", ""))


def client_address(request: HttpRequest) -> str:
    """The client's address: from the trusted proxy's header when configured, else the peer."""
    header = settings.TRUSTED_PROXY_HEADER
    if not header:
        _warn_if_behind_an_unnamed_proxy(request)
    else:
        # A proxy appends the address it saw; the last entry is the one it vouches for.
        value = _header(request, header).split(",")[-1].strip()
        if value:
            return value
    return str(request.META.get("REMOTE_ADDR", ""))


# Set to 1 by nginx's onion server block, and removed by every other server block, so the
# flag comes from the listener a request arrived on, never from anything the client sends.
ONION_HEADER = "X-Onion-Service"


def is_onion_request(request: HttpRequest) -> bool:
    """Whether the request came through the site's Tor onion service.

    Every onion visitor reaches the site from the local Tor daemon, so their addresses
    cannot tell them apart. Only a trusted proxy (one that sets TRUSTED_PROXY_HEADER)
    can say so; the Host header is the client's to choose and proves nothing.
    """
    return bool(settings.ONION_HOST and settings.TRUSTED_PROXY_HEADER) and (
        _header(request, ONION_HEADER) == "1"
    )


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


# The day's salt as this process last read it: (key, salt, read at). Re-read every
# minute, so that every process converges on the shared one if the cache lost it.
_salt_read: tuple[str, str, float] = ("", "", 0.0)
SALT_REREAD_SECONDS = 60


def _day_salt(now: datetime) -> str:
    global _salt_read
    day = now.astimezone(UTC).date()
    key = f"client-salt:{day.isoformat()}"
    cached_key, cached_salt, read_at = _salt_read
    if cached_key == key and time.monotonic() - read_at < SALT_REREAD_SECONDS:
        return cached_salt
    try:
        salt = cache.get(key)
        if salt is None:
            end_of_day = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
            keep = (end_of_day - now).total_seconds() + settings.RATE_WINDOW_SECONDS
            cache.add(key, secrets.token_hex(32), timeout=int(keep) + 1)
            salt = cache.get(key)
    except ratelimit.REDIS_OUTAGES as outage:
        # This process's own salt until Redis is back: its limits are its own meanwhile.
        ratelimit.fallback(outage)
        salt = cached_salt if cached_key == key else secrets.token_hex(32)
    _salt_read = (key, str(salt), time.monotonic())
    return str(salt)


def day_key(now: datetime | None = None) -> bytes:
    now = now or datetime.now(UTC)
    day = now.astimezone(UTC).date().isoformat()
    return _day_key(settings.SECRET_KEY, day, _day_salt(now))


@lru_cache(maxsize=4)
def _day_key(secret: str, day: str, salt: str) -> bytes:
    material = f"client-hash:{day}:{salt}".encode()
    return hmac.new(secret.encode(), material, hashlib.sha256).digest()


def hash_address(address: str, now: datetime | None = None) -> str:
    return hmac.new(day_key(now), _network(address).encode(), hashlib.sha256).hexdigest()


# Onion visitors are told apart by their Tor circuit, which the proxy passes in place of an
# address (deploy/nginx: fc00:dead:beef:4dad::<circuit id>, from the PROXY protocol line Tor
# sends with HiddenServiceExportCircuitID haproxy). Requests whose address is unknown share
# one bucket between them.
ONION_BUCKET = "onion circuit"
UNKNOWN_BUCKET = "unknown address"


def client_hash(request: HttpRequest) -> str:
    """The keyed hash of the request's client.

    An onion visitor's is that of their Tor circuit, whole: all circuits share one /64, so
    they are not cut down to a network as addresses are. Onion visitors without a circuit
    share one bucket, and so do requests whose address is unknown: every request counts
    against some limit.
    """
    if is_onion_request(request):
        return hash_address(f"{ONION_BUCKET} {client_address(request)}")
    return hash_address(client_address(request) or UNKNOWN_BUCKET)
