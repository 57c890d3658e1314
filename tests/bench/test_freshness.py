"""The count's freshness, worked out after the load from the acknowledgements and a
timeline of the public count (harness/client.py)."""

from harness.client import freshness

BASELINE = 1000


def test_each_second_measures_the_latest_acknowledgement_until_the_count_shows_it() -> None:
    acks = [10.2, 10.4, 11.5]  # three signatures acknowledged
    timeline = [(10.0, 1000), (11.0, 1000), (11.3, 1002), (12.0, 1002), (12.6, 1003)]
    found = freshness(acks, timeline, BASELINE, started=10.0, until=13.5)
    # At 11.0 the latest was 10.4 (two acknowledged), shown at 11.3; at 12.0 the latest was
    # 11.5 (three), shown at 12.6.
    assert found["samples"] == 2
    assert round(found["max"], 3) == 1.1 and found["never_caught_up"] == 0


def test_a_count_that_never_catches_up_counts_as_late_as_the_last_reading() -> None:
    timeline = [(10.5, 1000), (11.0, 1000), (30.0, 1000)]
    found = freshness([10.2], timeline, BASELINE, started=10.0, until=13.0)
    assert found["never_caught_up"] == 1
    assert round(found["max"], 1) == 19.8


def test_no_acknowledgement_yet_no_sample() -> None:
    found = freshness([], [(10.0, 1000)], BASELINE, started=10.0, until=15.0)
    assert found == {"samples": 0, "p50": 0.0, "max": 0.0, "never_caught_up": 0}
