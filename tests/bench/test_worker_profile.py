"""The worker profile's summary: each function's share of the samples it was on the stack
for, counted once per sample however deep it recurs, line numbers aside."""

from bench.worker_profile import innermost, shares

RAW = """\
handler (a.py:10);view (b.py:20);query (c.py:5) 6
handler (a.py:10);view (b.py:21);view (b.py:22) 3
handler (a.py:11) 1
"""


def test_shares_count_each_function_once_per_sample() -> None:
    total, ranked = shares(RAW)
    assert total == 10
    assert dict((frame, share) for share, frame in ranked) == {
        "handler (a.py)": 1.0,
        "view (b.py)": 0.9,
        "query (c.py)": 0.6,
    }
    assert ranked[0] == (1.0, "handler (a.py)")


def test_innermost_gives_the_running_function_or_the_projects_own() -> None:
    assert dict((frame, share) for share, frame in innermost(RAW)) == {
        "query (c.py)": 0.6,
        "view (b.py)": 0.3,
        "handler (a.py)": 0.1,
    }
    # Within b.py: where the time of the samples that passed through it went.
    assert dict((frame, share) for share, frame in innermost(RAW, "b.py")) == {
        "view (b.py)": 0.9,
        "(elsewhere)": 0.1,
    }
