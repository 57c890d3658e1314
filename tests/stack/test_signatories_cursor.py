"""The signatories' list on PostgreSQL: a page deep in the list is read from its own
partial index, entered at the cursor, as cheaply as the first page."""

import re
from collections.abc import Iterator

import pytest

from bench.hostile import explain_deep_page
from harness.stack import Stack, seeded_stack

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with seeded_stack(6000) as running:
        yield running


def test_a_deep_page_is_an_index_range_scan(stack: Stack) -> None:
    plan = "\n".join(explain_deep_page(stack))
    assert "Index Scan using signature_named_list" in plan, plan
    assert re.search(r"Index Cond: .*ROW\(verified_at, id\) > ROW\(", plan), plan
    assert "Rows Removed by Filter" not in plan, plan  # nothing read only to be skipped
    buffers = [int(n) for n in re.findall(r"shared hit=(\d+)", plan)]
    assert buffers and max(buffers) < 40, plan  # a few pages of the index, not the list
