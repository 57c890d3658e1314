"""The sliding-window limiter on the configured cache: local memory here, Redis when
REDIS_URL is set (the CI's second pass runs this same file against Redis)."""

from django.core.cache import cache
from django.test import SimpleTestCase

from undersigned.core import ratelimit

WINDOW = 60
START = 1_000_000 * WINDOW  # the start of a window


class RateLimitTest(SimpleTestCase):
    def test_counts_hits_in_the_window(self) -> None:
        assert ratelimit.peek("a", WINDOW, now=START).count == 0
        for n in range(1, 6):
            assert ratelimit.hit("a", WINDOW, now=START + n).count == n
        assert ratelimit.peek("a", WINDOW, now=START + 10).count == 5
        assert ratelimit.peek("b", WINDOW, now=START + 10).count == 0  # names are separate

    def test_the_count_slides_smoothly_over_a_window_boundary(self) -> None:
        for _ in range(10):
            ratelimit.hit("a", WINDOW, now=START + 50)
        # Just past the boundary the previous window still weighs (almost) fully...
        assert ratelimit.peek("a", WINDOW, now=START + WINDOW + 1).count == 10
        # ...half-way through the next window, half of it...
        assert ratelimit.peek("a", WINDOW, now=START + WINDOW + WINDOW // 2).count == 5
        assert ratelimit.hit("a", WINDOW, now=START + WINDOW + WINDOW // 2).count == 6
        # ...and two windows later, nothing.
        assert ratelimit.peek("a", WINDOW, now=START + 3 * WINDOW).count == 0

    def test_keys_live_in_the_shared_cache_and_expire(self) -> None:
        ratelimit.hit("a", WINDOW, now=START)
        key = f"{ratelimit.KEY_PREFIX}:a:{START // WINDOW}"
        assert cache.get(key) == 1
        cache.delete(key)
        assert ratelimit.peek("a", WINDOW, now=START).count == 0

    def test_one_measurement_hits_some_names_and_reads_others(self) -> None:
        ratelimit.hit("stored", WINDOW, now=START)
        rates = ratelimit.measure(WINDOW, hits=["a", "b"], peeks=["stored", "never"], now=START + 1)
        assert {name: rate.count for name, rate in rates.items()} == {
            "a": 1,
            "b": 1,
            "stored": 1,
            "never": 0,
        }
        rates = ratelimit.measure(WINDOW, hits=["a"], peeks=["b"], now=START + 2)
        assert (rates["a"].count, rates["b"].count) == (2, 1)
        with self.assertRaises(ValueError):
            ratelimit.measure(WINDOW, hits=["a"], peeks=["a"], now=START + 3)

    def test_a_hit_taken_back_no_longer_counts_and_never_goes_below_zero(self) -> None:
        ratelimit.hit("a", WINDOW, now=START)
        ratelimit.hit("a", WINDOW, now=START + 1)
        ratelimit.undo("a", WINDOW, now=START + 2)
        assert ratelimit.peek("a", WINDOW, now=START + 3).count == 1
        ratelimit.undo("a", WINDOW, now=START + 4)
        ratelimit.undo("a", WINDOW, now=START + 5)
        ratelimit.undo("never", WINDOW, now=START + 5)
        assert ratelimit.peek("a", WINDOW, now=START + 6).count == 0
        assert ratelimit.hit("a", WINDOW, now=START + 7).count == 1
