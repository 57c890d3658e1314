"""`make bench` prints its ratios against the same run's references, and says plainly
when a reference could not be measured (bench/load.py)."""

import pytest

from bench.load import (
    FLOORS,
    print_table,
    signature_cpu_ms,
    summed_rounds,
    unmeasured_references,
)


def report(pgbench: float = 5000.0, static: float = 50000.0, static_errors: int = 0) -> dict:
    row = {"requests": 3000, "per_second": 100.0, "p50_ms": 1.0, "p99_ms": 9.0}
    figures = {
        "signatures_per_second": 400.0,
        "sign_p99_ms": 90.0,
        "page_reads_per_second": 3300.0,
        "freshness_seconds": 2.0,
        "errors": 0,
        "app_worker_rss_mb": 110.0,
    }
    reads_alone = {**row, "per_second": 45000.0, "errors": 0}
    return {
        "settings": {"signatures": 1_000_000},
        "machine": {"cpus": 2, "load_average_before": "0.50 0.40 0.30"},
        "mixed_load": {
            "seconds": 30,
            "by_kind": {"sign (POST)": row},
            "read_rate_offered": 3300,
            "errors": {},
            "cores_by_program": {"granian": 0.8},
            "freshness_seconds": {"p50": 1.0, "max": 2.0, "samples": 29},
        },
        "page_reads_alone": reads_alone,
        "peak_rss_mb": {"app worker 1": 110.0},
        "reference": {
            "postgres_inserts_per_second": pgbench,
            "nginx_static_page_reads_per_second": static,
            "nginx_static": {"per_second": static, "errors": static_errors},
        },
        "figures": figures,
        "floors": FLOORS,
        "floors_met": dict.fromkeys(figures, True),
        "ratios": {
            "signatures_to_postgres_inserts": 400.0 / pgbench if pgbench else None,
            "page_reads_alone_to_nginx_static": 45000.0 / static if static else None,
        },
    }


def test_the_ratios_are_printed_with_their_parts_and_goals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_table(report())
    out = capsys.readouterr().out
    assert "signatures/s ÷ pgbench inserts/s: 400 ÷ 5,000 = 8.0% (goal ≥ 10%)  NOT met" in out
    assert "reads alone/s ÷ nginx static/s: 45,000 ÷ 50,000 = 90.0% (goal ≥ 90%)  met" in out
    assert unmeasured_references(report()) == []


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ({"pgbench": 0.0}, "the PostgreSQL reference (pgbench) measured no inserts"),
        ({"static": 0.0}, "the nginx reference (the page as a static file) was not measured"),
        ({"static_errors": 3}, "the nginx reference (the page as a static file) was not measured"),
    ],
)
def test_a_missing_reference_is_named_and_no_ratio_is_made_up(
    capsys: pytest.CaptureFixture[str], broken: dict, said: str
) -> None:
    missing = report(**broken)
    assert any(line.startswith(said) for line in unmeasured_references(missing))
    if broken.get("static_errors") is None:
        print_table(missing)
        assert "NOT MEASURED" in capsys.readouterr().out


def test_rounds_in_turn_add_up_to_one_rate_over_their_whole_time() -> None:
    rounds = [
        {
            "requests": 80_000,
            "seconds": 4.0,
            "p50_ms": 1.0,
            "p99_ms": 5.0,
            "errors": 0,
            "per_second": 20_000.0,
            "cores_by_program": {"nginx": 0.9, "wrk": 0.7},
        },
        {
            "requests": 100_000,
            "seconds": 4.0,
            "p50_ms": 1.4,
            "p99_ms": 9.0,
            "errors": 1,
            "per_second": 25_000.0,
            "cores_by_program": {"nginx": 0.7},
        },
        {
            "requests": 60_000,
            "seconds": 2.0,
            "p50_ms": 1.2,
            "p99_ms": 4.0,
            "errors": 0,
            "per_second": 30_000.0,
            "cores_by_program": {"nginx": 1.0, "wrk": 0.5},
        },
    ]
    summed = summed_rounds(rounds)
    assert summed["requests"] == 240_000
    assert summed["per_second"] == 24_000.0  # 240,000 in 10 s, not the rounds' mean rate
    assert (summed["p50_ms"], summed["p99_ms"], summed["errors"]) == (1.2, 9.0, 1)
    assert summed["rounds_per_second"] == [20_000, 25_000, 30_000]
    assert summed["cores_by_program"] == {"nginx": 0.84, "wrk": 0.38}


def test_each_programs_cpu_a_signature_leaves_out_what_the_reads_cost_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    measured = report()
    measured["mixed_load"]["signatures_per_second"] = 250.0
    row = measured["mixed_load"]["by_kind"]["sign (POST)"]
    measured["mixed_load"]["by_kind"]["page reads (wrk)"] = {**row, "per_second": 3000.0}
    measured["mixed_load"]["cores_by_program"] = {
        "the whole machine": 1.9,
        "granian": 0.9,
        "nginx": 0.3,
    }
    measured["page_reads_alone"]["per_second"] = 30000.0
    measured["page_reads_alone"]["cores_by_program"] = {"the whole machine": 1.8, "nginx": 0.9}
    budget = signature_cpu_ms(measured)
    # A tenth of the reads alone's rate: a tenth of their cores is the reads' share.
    assert budget == {"the whole machine": 6.88, "granian": 3.6, "nginx": 0.84}
    measured["signature_cpu_ms"] = budget
    print_table(measured)
    out = capsys.readouterr().out
    assert "less the reads' share: the whole machine 6.88, granian 3.60, nginx 0.84" in out
    assert "a tenth of pgbench's rate leaves 2 cores ÷ 500 signatures/s = 4.00 ms" in out
