"""Rate limits on the shared cache: Redis in production, local memory on the embedded default.

A sliding-window counter: the current fixed window's count plus the previous window's,
weighted by how much of it still overlaps the sliding window. It moves smoothly across
window boundaries and costs two cache keys per limited thing. Local memory is per
process, which suits the embedded default (one web process); several app servers need
Redis to share their counts.

`measure` counts and reads several limits at once: on Redis that is one round trip
(a small Lua script), which is what the signing form pays per submission.

While Redis cannot be reached, limits fall back to each process's own memory (a warning is
logged, at most once a minute per process): signing goes on, limited per process, instead
of stopping for everyone.
"""

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache as once

import redis
from django.conf import settings
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Tests set their own prefix so that counts never leak from one test into another.
KEY_PREFIX = "rate"


@dataclass(frozen=True)
class Rate:
    """How many hits `name` has had over the sliding window ending now."""

    count: int
    window_seconds: int


def _bucket_key(name: str, bucket: int) -> str:
    return f"{KEY_PREFIX}:{name}:{bucket}"


_clients = threading.local()

REDIS_OUTAGES = (RedisConnectionError, RedisTimeoutError)
# Where limits are counted while Redis is away: this process's memory.
LOCAL = LocMemCache("undersigned-limits-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60
# After an outage, Redis is tried again only this much later: no request waits out a
# connection timeout on every limit while it is away.
RETRY_REDIS_SECONDS = 5.0
_last_warning = 0.0
_redis_down_until = 0.0


def redis_known_down() -> bool:
    return time.monotonic() < _redis_down_until


def fallback(exception: Exception) -> BaseCache:
    """The process-local store to count in, once `exception` said Redis is unreachable."""
    global _last_warning, _redis_down_until
    now = time.monotonic()
    _redis_down_until = now + RETRY_REDIS_SECONDS
    if now - _last_warning > WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning(
            "Redis unreachable (%s): rate limits are counted in this process's memory",
            type(exception).__name__,
        )
    return LOCAL


@once
def _pool() -> "redis.ConnectionPool":
    return redis.ConnectionPool.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_TIMEOUT,
    )


def _redis() -> "redis.Redis":
    """This thread's client of the shared cache's Redis, holding one connection of the
    process's pool for its life: no pool lookup per call on the signing path."""
    client = getattr(_clients, "redis", None)
    if client is None:
        client = _clients.redis = redis.Redis(
            connection_pool=_pool(), single_connection_client=True
        )
    return client


# KEYS: the current window's key of every name (hit ones first), then the previous
# window's keys; ARGV: how many names are hit, the keys' lifetime. One round trip.
COUNT_SCRIPT = """
local names = #KEYS / 2
local counts = {}
for i = 1, names do
  if i <= tonumber(ARGV[1]) then
    counts[i] = redis.call('INCR', KEYS[i])
    redis.call('EXPIRE', KEYS[i], ARGV[2])
  else
    counts[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  counts[names + i] = tonumber(redis.call('GET', KEYS[names + i]) or '0')
end
return counts
"""

# KEYS: one current window's key. Takes one hit back, never below zero.
UNDO_SCRIPT = """
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


def _script(source: str) -> "redis.commands.core.Script":
    """This thread's handle on a Lua script, which redis-py loads again whenever a
    restarted Redis has lost it."""
    scripts = getattr(_clients, "scripts", None)
    if scripts is None:
        scripts = _clients.scripts = {}
    if source not in scripts:
        scripts[source] = _redis().register_script(source)
    return scripts[source]


def _counts(
    hits: Sequence[str], peeks: Sequence[str], window: int, bucket: int
) -> tuple[dict[str, int], dict[str, int]]:
    """For every name: its current window's count (after the hit, for `hits`) and its
    previous window's count."""
    if settings.REDIS_URL and redis_known_down():
        return _counts_in(LOCAL, hits, peeks, window, bucket)
    if settings.REDIS_URL:
        try:
            return _counts_on_redis(hits, peeks, window, bucket)
        except REDIS_OUTAGES as outage:
            return _counts_in(fallback(outage), hits, peeks, window, bucket)
    return _counts_in(cache, hits, peeks, window, bucket)


def _ttl(window: int) -> int:
    return 2 * window + 1  # kept two windows: the next window still weighs this one


def _counts_on_redis(
    hits: Sequence[str], peeks: Sequence[str], window: int, bucket: int
) -> tuple[dict[str, int], dict[str, int]]:
    names = [*hits, *peeks]
    # Stored under the cache's own key names and as plain integers, as Django's Redis
    # cache stores them: `cache.get` reads the same counts.
    keys = [cache.make_key(_bucket_key(name, bucket)) for name in names]
    keys += [cache.make_key(_bucket_key(name, bucket - 1)) for name in names]
    counts = _script(COUNT_SCRIPT)(keys=keys, args=[len(hits), _ttl(window)])
    currents = [int(value) for value in counts[: len(names)]]
    previous = [int(value) for value in counts[len(names) :]]
    return dict(zip(names, currents, strict=True)), dict(zip(names, previous, strict=True))


def _counts_in(
    store: BaseCache, hits: Sequence[str], peeks: Sequence[str], window: int, bucket: int
) -> tuple[dict[str, int], dict[str, int]]:
    names = [*hits, *peeks]
    previous_keys = [_bucket_key(name, bucket - 1) for name in names]
    ttl = _ttl(window)
    currents = []
    for name in hits:
        key = _bucket_key(name, bucket)
        store.add(key, 0, timeout=ttl)
        try:
            currents.append(store.incr(key))
        except ValueError:  # expired between add and incr
            store.set(key, 1, timeout=ttl)
            currents.append(1)
    values = store.get_many([_bucket_key(name, bucket) for name in peeks] + previous_keys)
    currents += [int(values.get(_bucket_key(name, bucket), 0)) for name in peeks]
    previous = [int(values.get(key, 0)) for key in previous_keys]
    return dict(zip(names, currents, strict=True)), dict(zip(names, previous, strict=True))


def measure(
    window: int, *, hits: Sequence[str] = (), peeks: Sequence[str] = (), now: float | None = None
) -> dict[str, Rate]:
    """Count one hit of each name in `hits`, and read the rates of those and of `peeks`."""
    if set(hits) & set(peeks):
        raise ValueError("a name is either hit or peeked in one measurement")
    now = time.time() if now is None else now
    bucket = int(now // window)
    overlap = (window - (now - bucket * window)) / window
    current, previous = _counts(hits, peeks, window, bucket)
    return {
        name: Rate(current[name] + math.ceil(previous[name] * overlap), window) for name in current
    }


def peek(name: str, window: int, now: float | None = None) -> Rate:
    """The rate without counting a hit."""
    return measure(window, peeks=[name], now=now)[name]


def hit(name: str, window: int, now: float | None = None) -> Rate:
    """Count one hit of `name` and return the rate including it."""
    return measure(window, hits=[name], now=now)[name]


def undo(name: str, window: int, now: float | None = None) -> None:
    """Take back one hit of `name` counted in the current window (no lower than zero)."""
    now = time.time() if now is None else now
    key = _bucket_key(name, int(now // window))
    store: BaseCache = cache
    if settings.REDIS_URL and redis_known_down():
        store = LOCAL
    elif settings.REDIS_URL:
        try:
            _script(UNDO_SCRIPT)(keys=[cache.make_key(key)])
            return
        except REDIS_OUTAGES as outage:
            store = fallback(outage)
    try:
        if store.decr(key) < 0:
            store.incr(key)
    except ValueError:  # nothing counted, or expired
        pass
