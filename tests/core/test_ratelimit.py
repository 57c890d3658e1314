"""The sliding-window limiter on the configured cache: local memory here, Redis when
REDIS_URL is set (the CI's second pass runs this same file against Redis)."""

from django.core.cache import cache
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from tests.base import PersonaTestCase, sign_through_form
from tests.web.test_sign_abuse import form_for
from undersigned.core import clients, ratelimit
from undersigned.signatures.models import Signature

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


UNREACHABLE_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@override_settings(
    REDIS_URL=UNREACHABLE_REDIS,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    },
)
class RedisAwayTest(PersonaTestCase):
    """Signing goes on while Redis is away: limits count in this process's memory."""

    def setUp(self) -> None:
        ratelimit._pool.cache_clear()
        vars(ratelimit._clients).clear()
        ratelimit._redis_down_until = 0.0
        ratelimit._last_warning = 0.0
        ratelimit.LOCAL.clear()
        clients._salt_read = ("", "", 0.0)

    def tearDown(self) -> None:
        ratelimit._pool.cache_clear()
        vars(ratelimit._clients).clear()
        ratelimit._redis_down_until = 0.0

    def test_limits_fall_back_to_process_memory_with_a_warning(self) -> None:
        with self.assertLogs("undersigned.core.ratelimit", "WARNING") as logs:
            assert ratelimit.hit("away", 60).count == 1
            assert ratelimit.hit("away", 60).count == 2
            ratelimit.undo("away", 60)
            assert ratelimit.peek("away", 60).count == 1
        assert len(logs.records) == 1
        assert "memory" in logs.output[0]

    @override_settings(RATE_CLIENT_LIMIT=3, RATE_CLIENT_CAPTCHA_AFTER=100)
    def test_the_sign_form_stores_signatures_and_still_limits_a_flood(self) -> None:
        url = reverse("sign", args=[self.campaign.slug])
        statuses = [
            sign_through_form(self.client, url, form_for(n), REMOTE_ADDR="203.0.113.5").status_code
            for n in range(1, 6)
        ]
        assert statuses == [302, 302, 302, 429, 429]
        assert Signature.objects.count() == 3
