"""Rate limits on the shared cache: Redis in production, local memory on the embedded default.

A sliding-window counter: the current fixed window's count plus the previous window's,
weighted by how much of it still overlaps the sliding window. It moves smoothly across
window boundaries and costs two cache keys per limited thing. Local memory is per
process, which suits the embedded default (one web process); several app servers need
Redis to share their counts.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

# Tests set their own prefix so that counts never leak from one test into another.
KEY_PREFIX = "rate"


@dataclass(frozen=True)
class Rate:
    """How many hits `name` has had over the sliding window ending now."""

    count: int
    window_seconds: int


def _bucket_key(name: str, bucket: int) -> str:
    return f"{KEY_PREFIX}:{name}:{bucket}"


def _estimate(name: str, window: int, now: float) -> tuple[int, int, int]:
    bucket = int(now // window)
    values = cache.get_many([_bucket_key(name, bucket), _bucket_key(name, bucket - 1)])
    current = int(values.get(_bucket_key(name, bucket), 0))
    previous = int(values.get(_bucket_key(name, bucket - 1), 0))
    overlap = (window - (now - bucket * window)) / window
    return bucket, current, math.ceil(previous * overlap)


def peek(name: str, window: int, now: float | None = None) -> Rate:
    """The rate without counting a hit."""
    _, current, previous = _estimate(name, window, time.time() if now is None else now)
    return Rate(current + previous, window)


def hit(name: str, window: int, now: float | None = None) -> Rate:
    """Count one hit of `name` and return the rate including it."""
    now = time.time() if now is None else now
    bucket, _, previous = _estimate(name, window, now)
    key = _bucket_key(name, bucket)
    # Kept two windows: the next window still weighs this one.
    cache.add(key, 0, timeout=2 * window + 1)
    try:
        current = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=2 * window + 1)
        current = 1
    return Rate(current + previous, window)
