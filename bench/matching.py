"""The matching benchmark: a synthetic registry, claims as people write them, accuracy and speed.

Generates a registry of officials across municipalities in every region with name
frequencies from the `russiannames` package, imports it into a scratch SQLite database
with `import_officials`' importer, and matches claims written the ways people write them
(see `Noise` in bench/matching_claims.py: Latin in several schemes, other grammatical
cases, also in Latin capitals; name order, first name and surname only, initials with and
without dots; diminutives; office words and councils inside the name field; the whole
claim in the name field, council and region before or after the name; councils by a short
name with a settlement-type abbreviation; regions in Latin or in inverted order, or
missing; typos: swaps, drops, neighbouring keys of the Russian keyboard, a Latin letter
inside a Cyrillic word, keyboard-layout slips; two or three of these at once), 18% of them
from people who are not in the registry, some of them deputies' relatives (the same
surname and council, another first name), with the same parallel path as `match_claims`.
The held-out claims of `bench.matching_heldout`, a generator written apart with its own
templates and seed that the matcher is not tuned on, are scored beside them. The
reference, measured in the same run, is the naive matcher: rapidfuzz comparing each
claim's name with every official's. Prints a table and JSON; writes
bench/results/matching.json.

    python -m bench.matching [--officials 50000] [--claims 20000] [--held-out 5000]
                             [--jobs 2] [--seed 1] [--held-out-seed 101]
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.matching_claims import Names, Seat, build_registry, make_claims, write_registry

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "matching.json"

FLOORS = {
    "registry_claims_auto_correct": 0.99,  # at least
    "wrong_auto_of_all_claims": 0.001,  # at most
    "review_of_all_claims": 0.03,  # at most
    "claims_per_second": 1000,  # at least
    "online_match_ms_median": 5.0,  # below
    "peak_memory_mb": 1024.0,  # at most
}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: the work done, whatever the load."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_memory_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"main_process": round(own, 1), "largest_worker": round(children, 1)}


def accuracy(results: list, expected: dict[str, str]) -> dict[str, float | int]:
    """The decisions against what each claim should have been matched to ("" for nobody)."""
    registry_total = sum(1 for value in expected.values() if value)
    decisions: Counter[str] = Counter()
    auto_correct = wrong_auto = wrong_auto_not_in_registry = 0
    for claim_id, source_id, _score, decision in results:
        decisions[decision] += 1
        if decision != "auto":
            continue
        if source_id == expected[claim_id]:
            auto_correct += 1
        else:
            wrong_auto += 1
            wrong_auto_not_in_registry += not expected[claim_id]
    total = len(results)
    return {
        "claims": total,
        "registry_claims": registry_total,
        "not_in_registry_claims": total - registry_total,
        "registry_claims_auto_correct": round(auto_correct / max(1, registry_total), 5),
        "wrong_auto": wrong_auto,
        "wrong_auto_not_in_registry": wrong_auto_not_in_registry,
        "wrong_auto_of_all_claims": round(wrong_auto / max(1, total), 5),
        "review_of_all_claims": round(decisions["review"] / max(1, total), 5),
        "none_of_all_claims": round(decisions["none"] / max(1, total), 5),
    }


def floors_met(figures: dict) -> dict[str, bool]:
    return {
        "registry_claims_auto_correct": figures["registry_claims_auto_correct"]
        >= FLOORS["registry_claims_auto_correct"],
        "wrong_auto_of_all_claims": figures["wrong_auto_of_all_claims"]
        <= FLOORS["wrong_auto_of_all_claims"],
        "review_of_all_claims": figures["review_of_all_claims"] <= FLOORS["review_of_all_claims"],
    }


def brute_force_rate(seats: list[Seat], claims: list, sample: int) -> float:
    """Reference: claims a second when each is compared by rapidfuzz with every official's
    name, the naive matcher, on this machine in this run."""
    from rapidfuzz import fuzz, process

    names = [seat.person.full_name.lower() for seat in seats]
    chosen = claims[:sample]
    started = time.perf_counter()
    for _claim_id, claim in chosen:
        process.extractOne(claim.full_name.lower(), names, scorer=fuzz.token_sort_ratio)
    return len(chosen) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=50_000)
    parser.add_argument("--municipalities", type=int, default=4_000)
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--held-out", type=int, default=5_000, help="claims of the held-out set")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--held-out-seed",
        type=int,
        default=101,
        help="seed of the held-out claims (never tuned on)",
    )
    parser.add_argument("--online", type=int, default=1000, help="claims timed one by one")
    parser.add_argument("--reference", type=int, default=300, help="claims the reference times")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--misses", type=Path, help="write each wrong or missed claim here (CSV)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="undersigned-bench-matching-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("VAR_DIR", str(workdir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from bench.matching_heldout import held_out_claims
    from undersigned.officials import matching
    from undersigned.officials.importer import import_officials

    call_command("migrate", verbosity=0)
    load_at_start = round(os.getloadavg()[0], 2)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    names = Names(rng)
    seats = build_registry(rng, names, args.officials, args.municipalities)
    claims, expected, applied, kinds_by_claim = make_claims(rng, names, seats, args.claims)
    held_out, held_out_expected, held_out_kinds = held_out_claims(
        seats, names, args.held_out, args.held_out_seed
    )
    generate_seconds = time.perf_counter() - started
    registry_csv = workdir / "registry.csv"
    write_registry(seats, registry_csv)

    started, cpu_before = time.perf_counter(), cpu_seconds()
    run = import_officials(registry_csv, "bench").run
    import_seconds = time.perf_counter() - started
    import_cpu_seconds = cpu_seconds() - cpu_before

    started, cpu_before = time.perf_counter(), cpu_seconds()
    index = matching.load_index("bench")
    index_seconds = time.perf_counter() - started
    index_cpu_seconds = cpu_seconds() - cpu_before

    started = time.perf_counter()
    cpu_before = cpu_seconds()
    results = matching.match_in_parallel(index, claims, jobs=args.jobs)
    match_seconds = time.perf_counter() - started
    match_cpu_seconds = cpu_seconds() - cpu_before
    held_out_results = matching.match_in_parallel(index, held_out, jobs=args.jobs)
    reference_rate = brute_force_rate(seats, claims, args.reference)

    if args.misses:
        write_misses(
            args.misses,
            seats,
            [*claims, *held_out],
            [*results, *held_out_results],
            {**expected, **held_out_expected},
            kinds_by_claim,
        )

    online_ms, online_cpu_ms = [], []
    sample = rng.sample(claims, min(args.online, len(claims)))
    for _claim_id, claim in sample:
        started, cpu_started = time.perf_counter(), time.process_time()
        matching.find_candidates(claim, source="bench")
        online_ms.append((time.perf_counter() - started) * 1000)
        online_cpu_ms.append((time.process_time() - cpu_started) * 1000)

    memory = peak_memory_mb()
    generated = accuracy(results, expected)
    unseen = accuracy(held_out_results, held_out_expected)
    figures = {
        "officials": len(seats),
        "municipalities": args.municipalities,
        "jobs": args.jobs,
        **generated,
        **{f"held_out_{key}": value for key, value in unseen.items()},
        "generate_seconds": round(generate_seconds, 1),
        "import_seconds": round(import_seconds, 1),
        "import_cpu_seconds": round(import_cpu_seconds, 1),
        "import_bad_rows": run.bad_rows,
        "index_seconds": round(index_seconds, 1),
        "index_cpu_seconds": round(index_cpu_seconds, 1),
        "match_seconds": round(match_seconds, 1),
        "match_cpu_seconds": round(match_cpu_seconds, 1),
        # What the match would take on `jobs` cores of its own: the CPU time shared out.
        "match_seconds_on_idle_cores": round(match_cpu_seconds / args.jobs, 1),
        "claims_per_second": round(len(claims) / match_seconds),
        # The same on `jobs` idle cores: the machine is shared, so wall time varies with load.
        "claims_per_second_on_idle_cores": round(len(claims) / (match_cpu_seconds / args.jobs)),
        "reference_brute_force_claims_per_second_one_core": round(reference_rate, 1),
        "online_match_ms_median": round(statistics.median(online_ms), 2),
        "online_match_ms_p95": round(statistics.quantiles(online_ms, n=20)[-1], 2),
        "online_match_cpu_ms_median": round(statistics.median(online_cpu_ms), 2),
        "online_match_cpu_ms_p95": round(statistics.quantiles(online_cpu_ms, n=20)[-1], 2),
        "peak_memory_mb": max(memory.values()),
        "peak_memory_by_process_mb": memory,
        "kinds_of_claim": dict(applied),
        "held_out_kinds_of_claim": dict(held_out_kinds),
        "load_average_at_start": load_at_start,
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    checks = {
        **floors_met(generated),
        **{f"held_out_{key}": met for key, met in floors_met(unseen).items()},
        "claims_per_second_on_idle_cores": figures["claims_per_second_on_idle_cores"]
        >= FLOORS["claims_per_second"],
        "online_match_ms_median": figures["online_match_ms_median"]
        < FLOORS["online_match_ms_median"],
        "peak_memory_mb": figures["peak_memory_mb"] <= FLOORS["peak_memory_mb"],
    }
    figures["floors"] = FLOORS
    figures["floors_met"] = checks

    print(f"{'figure':<52} {'value':>10}  floor")
    for key, value in figures.items():
        if isinstance(value, dict):
            continue
        floor = FLOORS.get(key.removeprefix("held_out_").removesuffix("_on_idle_cores"))
        mark = "" if key not in checks else f"{floor}  {'ok' if checks[key] else 'MISSED'}"
        print(f"{key:<52} {value!s:>10}  {mark}")
    print("kinds of claim (generator):", ", ".join(f"{k} {v}" for k, v in applied.most_common()))
    print(
        "kinds of claim (held out):",
        ", ".join(f"{k} {v}" for k, v in held_out_kinds.most_common()),
    )
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(
        json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0 if all(checks.values()) else 1


def write_misses(
    path: Path,
    seats: list[Seat],
    claims: list,
    results: list,
    expected: dict,
    kinds: dict[str, list[str]],
) -> None:
    """Each claim auto-matched wrongly or not auto-matched, beside the official it should be
    and the one it got, with the kinds of claim the generator made it of."""
    by_id = {seat.source_id: seat for seat in seats}

    def line(seat: Seat | None) -> str:
        if seat is None:
            return ""
        return f"{seat.person.full_name} | {seat.municipality} | {seat.region_code}"

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "claim_id",
                "decision",
                "score",
                "got",
                "expected",
                "full_name",
                "body",
                "municipality",
                "region",
                "registry",
                "got_registry",
                "kinds",
            ]
        )
        for (claim_id, claim), (_id, source_id, score, decision) in zip(
            claims, results, strict=True
        ):
            want = expected[claim_id]
            if (decision == "auto" and source_id == want) or (not want and decision != "auto"):
                continue

            writer.writerow(
                [
                    claim_id,
                    decision,
                    score,
                    source_id,
                    want,
                    claim.full_name,
                    claim.body,
                    claim.municipality,
                    claim.region,
                    line(by_id.get(want)),
                    line(by_id.get(source_id)),
                    "; ".join(kinds.get(claim_id, ())),
                ]
            )


if __name__ == "__main__":
    sys.exit(main())
