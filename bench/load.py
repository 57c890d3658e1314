"""`make bench`: the production stack under a mixed load, with two reference figures.

Starts the stack on 127.0.0.1 (its own PostgreSQL, Redis, granian, worker, periodic
jobs, nginx), seeds an open petition with 1,000,000 signatures, then drives signing
through the real form and reads of the campaign page and the count JSON from a
separate process (bench/client.py). In the same run it measures PostgreSQL's own
insert rate for a signature-sized row (pgbench, custom script) and nginx serving the
rendered campaign page as a static file. Prints a table; writes bench/results/load.json.

    python -m bench.load [--signatures 1000000] [--seconds 30] [--signers 24] [--readers 32]
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.stack import PG_BIN, PYTHON, ROOT, SLUG, UNLIMITED, Stack

RESULTS = ROOT / "bench" / "results" / "load.json"

FLOORS = {
    "signatures_per_second": 400,
    "sign_p99_ms": 250,
    "page_reads_per_second": 3000,
    "freshness_seconds": 5,
    "errors": 0,
    "app_worker_rss_mb": 150,
}

PGBENCH_SCRIPT = """\
INSERT INTO bench_signature (campaign_id, handle, full_name, office, body, municipality, region,
  region_code, claims_key, channel, language, publication, state, created_at)
VALUES (1, md5(random()::text || clock_timestamp()::text), 'Иванов Иван Иванович', 'депутат',
  'Совет депутатов муниципального округа', 'Округ', 'Москва', 'RU-MOW',
  md5(random()::text) || md5(clock_timestamp()::text), 'web', 'ru', 'named', 'received', now());
"""


def run_client(
    port: int, seconds: float, signers: int, readers: int, baseline: int, paths_slug: str = SLUG
) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.client",
            str(port),
            paths_slug,
            str(seconds),
            str(signers),
            str(readers),
            str(baseline),
            out,
        ],
        cwd=ROOT,
        check=True,
    )
    report = json.loads(Path(out).read_text())
    os.unlink(out)
    return report


def pgbench_inserts(stack: Stack, seconds: int) -> float:
    """PostgreSQL's own rate of committed single-row inserts of a signature-sized row."""
    stack.psql(
        "CREATE TABLE bench_signature (id bigserial PRIMARY KEY, campaign_id bigint,"
        " handle varchar(32) UNIQUE, full_name varchar(200), office varchar(200),"
        " body varchar(200), municipality varchar(200), region varchar(200),"
        " region_code varchar(16), claims_key varchar(64), channel varchar(16),"
        " language varchar(8), publication varchar(16), state varchar(16),"
        " created_at timestamptz)"
    )
    script = stack.workdir / "insert.sql"
    script.write_text(PGBENCH_SCRIPT)
    result = subprocess.run(
        [
            str(PG_BIN / "pgbench"),
            "-h",
            "127.0.0.1",
            "-p",
            str(stack.pg_port),
            "-U",
            "postgres",
            "-n",
            "-c",
            "8",
            "-j",
            "2",
            "-T",
            str(seconds),
            "-f",
            str(script),
            stack.database,
        ],
        capture_output=True,
        check=True,
        text=True,
    )
    found = re.search(r"tps = ([\d.]+)", result.stdout)
    stack.psql("DROP TABLE bench_signature")
    return float(found.group(1)) if found else 0.0


def static_page_reads(stack: Stack, seconds: float, readers: int) -> dict:
    """nginx serving the campaign page, rendered once, as a static file."""
    assert stack.nginx_port is not None
    with urllib.request.urlopen(  # local URL
        f"http://127.0.0.1:{stack.nginx_port}/c/{SLUG}/"
    ) as response:
        page = response.read()
    (stack.workdir / "static" / "bench").mkdir(exist_ok=True)
    (stack.workdir / "static" / "bench" / "index.html").write_bytes(page)
    return run_client(
        stack.nginx_port, seconds, 0, readers, 0, paths_slug="/static/bench/index.html"
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--signers", type=int, default=24)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--app-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    stack = Stack(app_workers=args.app_workers, threads=args.threads, settings=UNLIMITED)
    try:
        print(f"starting the stack in {stack.workdir}; load average {load_average()}", flush=True)
        stack.start()
        print(f"seeding {args.signatures:,} signatures", flush=True)
        subprocess.run(
            [PYTHON, "-m", "bench.seed", SLUG, str(args.signatures)],
            cwd=ROOT,
            env=stack.env(DATABASE_STATEMENT_TIMEOUT_MS="0"),
            check=True,
        )
        assert stack.nginx_port is not None
        time.sleep(3)  # the count job has run; the first page views are rendered
        load_before = load_average()
        mixed = run_client(
            stack.nginx_port, args.seconds, args.signers, args.readers, args.signatures
        )
        memory = stack.rss_mb()
        load_after = load_average()
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({"mixed_load": mixed, "peak_rss_mb": memory}, indent=2))
        print("reference: PostgreSQL inserts (pgbench)", flush=True)
        pg_tps = pgbench_inserts(stack, 10)
        print("reference: nginx serving the page as a static file", flush=True)
        static = static_page_reads(stack, 10, args.readers)
    finally:
        stack.close()

    kinds = mixed["by_kind"]
    page_reads = kinds.get("campaign page", {}).get("per_second", 0) + kinds.get(
        "count JSON", {}
    ).get("per_second", 0)
    static_reads = static["by_kind"].get("campaign page", {}).get("per_second", 0)
    app_workers_rss = [
        mb for name, mb in memory.items() if name.startswith("app-") and "worker" in name
    ]
    figures = {
        "signatures_per_second": mixed["signatures_per_second"],
        "sign_p99_ms": kinds.get("sign (POST)", {}).get("p99_ms", 0),
        "page_reads_per_second": page_reads,
        "freshness_seconds": mixed["freshness_seconds"]["max"],
        "errors": sum(mixed["errors"].values()),
        "app_worker_rss_mb": max(app_workers_rss, default=0),
    }
    met = {
        name: (
            value <= FLOORS[name]
            if name in {"sign_p99_ms", "freshness_seconds", "errors", "app_worker_rss_mb"}
            else value >= FLOORS[name]
        )
        for name, value in figures.items()
    }
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "settings": vars(args),
        "mixed_load": mixed,
        "peak_rss_mb": memory,
        "reference": {
            "postgres_inserts_per_second": pg_tps,
            "nginx_static_page_reads_per_second": static_reads,
            "nginx_static": static,
        },
        "figures": figures,
        "floors": FLOORS,
        "floors_met": met,
        "ratios": {
            "signatures_to_postgres_inserts": figures["signatures_per_second"] / pg_tps
            if pg_tps
            else None,
            "page_reads_to_nginx_static": page_reads / static_reads if static_reads else None,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    mixed, machine = report["mixed_load"], report["machine"]
    print(
        f"\n{report['settings']['signatures']:,} existing signatures;"
        f" {mixed['seconds']:.0f} s of mixed load; {machine['cpus']} CPUs;"
        f" load average {machine['load_average_before']}"
    )
    print(f"{'request':<18}{'count':>9}{'per s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for kind, row in sorted(mixed["by_kind"].items()):
        print(
            f"{kind:<18}{row['requests']:>9}{row['per_second']:>10.0f}"
            f"{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
        )
    print(f"errors: {mixed['errors'] or 0}")
    fresh = mixed["freshness_seconds"]
    print(
        f"count freshness: p50 {fresh['p50']:.2f} s, max {fresh['max']:.2f} s"
        f" ({fresh['samples']} probes)"
    )
    print("peak RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in report["peak_rss_mb"].items()))
    ref = report["reference"]
    print(
        f"reference: PostgreSQL {ref['postgres_inserts_per_second']:.0f} inserts/s"
        f" (pgbench, 8 clients); nginx static page"
        f" {ref['nginx_static_page_reads_per_second']:.0f} reads/s (same client)"
    )
    print(f"{'figure':<24}{'measured':>10}{'floor':>8}  met")
    for name, value in report["figures"].items():
        met = "yes" if report["floors_met"][name] else "NO"
        print(f"{name:<24}{value:>10.1f}{report['floors'][name]:>8}  {met}")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
