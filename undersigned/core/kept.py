"""Rows a process keeps for a moment, read again by one thread at a time.

A worker's threads all find a kept copy out of date at the same moment. Each reading it
again would stall them all together, every few seconds, on the busiest path. So the
first to find it due reads it while the others go on with the copy they have; a thread
that has no copy at all reads for itself.
"""

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """Values by key, each read at most `seconds()` ago (give or take one read)."""

    def __init__(self, seconds: Callable[[], float], limit: int = 1024) -> None:
        self.seconds = seconds
        self.limit = limit
        self._values: dict[K, tuple[float, V]] = {}
        self._reading: set[K] = set()
        self._lock = threading.Lock()
        self._generation = 0  # moves on each clear(): a read begun before it is not kept

    def get(self, key: K, read: Callable[[], V]) -> V:
        now = time.monotonic()
        known = self._values.get(key)
        if known is not None and now - known[0] < self.seconds():
            return known[1]
        if known is not None:
            with self._lock:
                if key in self._reading:  # another thread is reading it: the copy will do
                    return known[1]
                self._reading.add(key)
        generation = self._generation
        try:
            value = read()
            with self._lock:
                if generation == self._generation:
                    if len(self._values) >= self.limit:
                        self._values.clear()
                    self._values[key] = (now, value)
            return value
        finally:
            if known is not None:
                with self._lock:
                    self._reading.discard(key)

    def clear(self) -> None:
        """Forget every value: the next `get` of each reads it again."""
        with self._lock:
            self._values.clear()
            self._generation += 1
