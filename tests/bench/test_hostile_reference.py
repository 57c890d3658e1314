"""An attack's unattacked reference brackets it: the runs just before and just after
(bench/hostile.py)."""

from bench.hostile import bracketing


def unattacked(rate: float, p99: float, errors: dict[str, int]) -> dict:
    return {
        "signatures_per_second": rate,
        "sign_p99_ms": p99,
        "errors": sum(errors.values()),
        "error_kinds": errors,
    }


def test_the_reference_is_the_mean_of_the_runs_either_side_with_their_worst_figures() -> None:
    before = unattacked(480.0, 120.0, {})
    after = unattacked(320.0, 180.0, {"timeout": 2})
    reference = bracketing(before, after)
    assert reference["signatures_per_second"] == 400.0
    assert (reference["before"], reference["after"]) == (480.0, 320.0)
    assert reference["sign_p99_ms"] == 180.0
    assert (reference["errors"], reference["error_kinds"]) == (2, {"timeout": 2})
