"""Fixtures every test gets."""

import uuid
from collections.abc import Iterator

import pytest

from undersigned.core import ratelimit


@pytest.fixture(autouse=True)
def _own_rate_limits() -> Iterator[None]:
    """Each test counts its rate limits under its own keys (the cache outlives tests)."""
    previous = ratelimit.KEY_PREFIX
    ratelimit.KEY_PREFIX = f"rate-test-{uuid.uuid4().hex}"
    yield
    ratelimit.KEY_PREFIX = previous
