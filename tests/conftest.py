"""Fixtures every test gets."""

import contextlib
import uuid
from collections.abc import Iterator

import pytest

from undersigned.core import clients, ratelimit


@pytest.fixture(autouse=True)
def _own_rate_limits() -> Iterator[None]:
    """Each test counts its rate limits under its own keys (the cache outlives tests), and
    reads the day's salt of client hashes afresh: a salt kept from a test where Redis was
    away would be read again from Redis a minute later, in the middle of another test,
    and change its clients' hashes there."""
    previous = ratelimit.KEY_PREFIX
    ratelimit.KEY_PREFIX = f"rate-test-{uuid.uuid4().hex}"
    clients._salt_read = ("", "", 0.0)
    yield
    ratelimit.KEY_PREFIX = previous
    clients._salt_read = ("", "", 0.0)


@pytest.fixture(autouse=True)
def _fresh_signing_campaigns() -> Iterator[None]:
    """Workers keep campaigns for a moment; a test's rollback sends no signal to drop them."""
    from undersigned.sharing.models import forget_codes
    from undersigned.web.signing import forget_campaigns

    forget_campaigns()
    forget_codes()
    yield
    forget_campaigns()
    forget_codes()


@pytest.fixture(autouse=True)
def _no_queued_subscription_requests() -> Iterator[None]:
    """Subscription requests wait in Redis, which a test's rollback does not empty."""
    from django.core.cache import cache
    from redis.exceptions import RedisError

    from undersigned.updates.actions import REQUEST_QUEUE

    with contextlib.suppress(RedisError):  # a test of Redis away points it nowhere
        cache.delete(REQUEST_QUEUE)
    yield
    with contextlib.suppress(RedisError):
        cache.delete(REQUEST_QUEUE)
