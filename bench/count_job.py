"""The CPU one run of the count job costs, with signatures arriving and without.

Starts its own PostgreSQL and Redis (harness/stack.py), seeds a petition with existing
signatures, then in one process signs `--per-run` new signatures before each run of the
count job (undersigned.jobs.counts.run_count_job: the tallies, the public pages, the
public log and the steps after) and measures the run's CPU and wall time; then the same
number of runs with nothing new. Prints milliseconds per run each way; what the
periodic runner costs a second is that times the runs a second (COUNT_INTERVAL_SECONDS).

    python -m bench.count_job [--signatures 1000000] [--runs 20] [--per-run 400] [--profile]

--profile prints a cProfile of the runs with new signatures, sorted by $PROFILE_SORT
(cumulative by default).
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time

from harness.stack import SLUG, measured_inside


def measure(runs: int, per_run: int, profile: bool) -> dict[str, float]:
    """Run inside the stack's environment (see main)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    import django

    django.setup()
    from harness.client import realistic_claims
    from undersigned.campaigns.models import Campaign
    from undersigned.jobs.counts import run_count_job
    from undersigned.signatures.actions import Claims, sign

    campaign = Campaign.objects.get(slug=SLUG)
    profiler = cProfile.Profile(time.process_time) if profile else None
    spent = {"busy_cpu": 0.0, "busy_wall": 0.0, "idle_cpu": 0.0, "idle_wall": 0.0}
    n = 0

    def new_signatures() -> None:
        nonlocal n
        for _ in range(per_run):
            n += 1
            fields = realistic_claims(7, n)
            claims = Claims(full_name=fields["full_name"], region_code=fields["region"])
            sign(campaign, claims)

    def timed(kind: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler and kind == "busy":
            profiler.enable()
        run_count_job()
        if profiler and kind == "busy":
            profiler.disable()
        spent[f"{kind}_cpu"] += time.process_time() - cpu
        spent[f"{kind}_wall"] += time.perf_counter() - wall

    new_signatures()
    run_count_job()  # warm: the first run after seeding catches up
    for _ in range(runs):
        new_signatures()
        timed("busy")
    for _ in range(runs):
        timed("idle")
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("PROFILE_SORT", "cumulative")
        ).print_stats(80)
    return {key: value / runs * 1000 for key, value in spent.items()} | {
        "runs": runs,
        "per_run": per_run,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--per-run", type=int, default=400)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(measure(args.runs, args.per_run, args.profile)))
        return 0
    print(f"seeding {args.signatures:,} signatures", flush=True)
    arguments = ["--runs", str(args.runs), "--per-run", str(args.per_run)]
    figures = measured_inside(
        "bench.count_job",
        [*arguments, *(["--profile"] if args.profile else [])],
        seed=args.signatures,
        quiet=False,
    )
    print(
        f"{args.signatures:,} existing signatures; count job, ms per run:"
        f" with {figures['per_run']} new signatures {figures['busy_cpu']:.1f} CPU"
        f" ({figures['busy_wall']:.1f} wall); with none {figures['idle_cpu']:.1f} CPU"
        f" ({figures['idle_wall']:.1f} wall)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
