"""`make bench`: the production stack under a mixed load, with two reference figures.

Starts the stack on 127.0.0.1 (its own PostgreSQL, Redis, granian, worker, periodic
jobs, nginx), seeds an open petition with 1,000,000 signatures, then drives at once
signing through the real form (wrk with bench/sign.lua, one connection per signer) and
reads of the campaign page and the count JSON offered at a fixed rate (wrk with
bench/reads.lua), while harness/client.py reads the public count every 50 ms for the
count's freshness. Then reads alone, unbounded, in turn with their reference, nginx
serving the rendered campaign page as a static file (wrk again), five rounds of each. In
the same run it measures PostgreSQL's own insert rate for a signature-sized row
(pgbench, custom script). Prints a table;
writes bench/results/load.json. Needs wrk, nginx, redis-server and PostgreSQL's binaries.

    python -m bench.load [--signatures 1000000] [--seconds 30] [--signers 24] [--readers 32]
                         [--read-rate 3300] [--no-script-every 10]
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import worker_profile
from harness import ROOT
from harness.client import by_kind, freshness
from harness.stack import PG_BIN, PYTHON, SLUG, UNLIMITED, Stack

WRK = shutil.which("wrk") or "wrk"

RESULTS = ROOT / "bench" / "results" / "load.json"
FREE_POST_RESULTS = ROOT / "bench" / "results" / "load_free_post.json"
FREE_POST_APP = "bench.free_post:application"
UNCLEAR = "server errors other than the 503 page"
LOAD_GENERATORS = "load generators (wrk)"
MACHINE = "the whole machine"

FLOORS = {
    "signatures_per_second": 400,
    "sign_p99_ms": 250,
    "page_reads_per_second": 3000,
    "freshness_seconds": 5,
    "errors": 0,
    "app_worker_rss_mb": 150,
}

# The same run's references: signing against PostgreSQL's own insert rate, reads alone
# against nginx serving the same page as a static file.
RATIO_GOALS = {
    "signatures_to_postgres_inserts": 0.10,
    "page_reads_alone_to_nginx_static": 0.90,
}

PGBENCH_SCRIPT = """\
INSERT INTO bench_signature (campaign_id, handle, full_name, office, body, municipality, region,
  region_code, claims_key, channel, language, publication, state, created_at)
VALUES (1, md5(random()::text || clock_timestamp()::text), 'Иванов Иван Иванович', 'депутат',
  'Совет депутатов муниципального округа', 'Округ', 'Москва', 'RU-MOW',
  md5(random()::text) || md5(clock_timestamp()::text), 'web', 'ru', 'named', 'received', now());
"""


def start_client(
    port: int,
    seconds: float,
    signers: int,
    readers: int,
    baseline: int,
    paths_slug: str = SLUG,
    read_rate: float = 0,
    first_signer: int = 0,
) -> tuple[subprocess.Popen[bytes], str]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    args = [paths_slug, str(seconds), str(signers), str(readers), str(baseline)]
    process = subprocess.Popen(
        [PYTHON, "-m", "harness.client", str(port), *args, str(read_rate), str(first_signer), out],
        cwd=ROOT,
    )
    return process, out


def client_report(process: subprocess.Popen[bytes], out: str) -> Any:
    if process.wait() != 0:
        raise RuntimeError(f"the load client failed with exit code {process.returncode}")
    report = json.loads(Path(out).read_text())
    os.unlink(out)
    return report


def run_client(
    port: int, seconds: float, signers: int, readers: int, baseline: int, paths_slug: str = SLUG
) -> dict:
    return client_report(*start_client(port, seconds, signers, readers, baseline, paths_slug))


def start_wrk(
    port: int, seconds: float, connections: int, rate: float, paths: list[str]
) -> subprocess.Popen[str]:
    """wrk with bench/reads.lua: `paths` in turn, `rate` a second in all (0: unbounded)."""
    threads = 2
    return subprocess.Popen(
        [
            WRK,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "reads.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(rate / threads),
            *paths,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wrk_report(process: subprocess.Popen[str]) -> dict:
    out, err = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed: {err[-1000:]}")
    started = process.args  # type: ignore[assignment]
    report = json.loads(out.strip().splitlines()[-1])
    report["per_second"] = report["requests"] / report["seconds"]
    report["command"] = " ".join(str(a) for a in started[:4])  # type: ignore[index]
    return report


# The reads alone and their reference, nginx's static reads, are measured in turn.
READ_ROUNDS = 5
READ_ROUND_SECONDS = 4

# One signer in this many has scripts off and checks their answers on a page of its own.
NO_SCRIPT_EVERY = 10


def start_signers(
    port: int,
    seconds: float,
    signers: int,
    first_signer: int = 0,
    no_script_every: int = NO_SCRIPT_EVERY,
) -> tuple[subprocess.Popen[str], Path, float]:
    """wrk with bench/sign.lua, one thread and one connection per signer: the signers as
    browsers, at a fraction of the CPU a Python client takes from the server it measures.
    Returns the process, the folder its answers go to, and when it started."""
    # The answers in memory, in a folder of our own: no disk work on the measured machine.
    shm = Path("/dev/shm")  # noqa: S108
    answers = Path(
        tempfile.mkdtemp(prefix="undersigned-signers-", dir=shm if shm.is_dir() else None)
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [
            WRK,
            f"-t{signers}",
            f"-c{signers}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "sign.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            SLUG,
            str(first_signer),
            str(answers / "signer"),
            str(no_script_every),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, answers, started


def signers_report(process: subprocess.Popen[str], answers: Path) -> dict:
    """bench/sign.lua's answers in harness/client.py's report shape, with the times of the
    acknowledgements (`acks`) for the count's freshness and their receipt tokens."""
    out, err = process.communicate()
    lines = [line for f in sorted(answers.iterdir()) for line in f.read_text().splitlines()]
    shutil.rmtree(answers)
    if process.returncode != 0 or not out.rstrip().endswith("}"):
        raise RuntimeError(f"the wrk signers failed: {(out + err)[-1000:]}")
    run = json.loads(out.strip().splitlines()[-1])
    latencies: dict[str, list[float]] = {
        "sign form (GET)": [],
        "sign: check (POST)": [],
        "sign (POST)": [],
    }
    statuses: dict[str, int] = {}
    errors: dict[str, int] = {}
    acks: list[float] = []
    receipts: list[str] = []
    for line in lines:
        kind, sent, answered, status, outcome, unclear = line.split()
        name = {"get": "sign form (GET)", "check": "sign: check (POST)"}.get(kind, "sign (POST)")
        latencies[name].append(float(answered) - float(sent))
        statuses[status] = statuses.get(status, 0) + 1
        if int(unclear):
            errors[UNCLEAR] = errors.get(UNCLEAR, 0) + 1
        if kind == "post" and status == "302" and outcome != "-":
            acks.append(float(answered))
            receipts.append(outcome)
        elif outcome in {"0", "-"}:
            errors[name] = errors.get(name, 0) + 1
    lost = sum(run[kind] for kind in ("connect", "read", "write", "timeout"))
    if lost:
        errors["connection"] = lost
    seconds = run["seconds"]
    return {
        "seconds": seconds,
        "signers": "wrk, bench/sign.lua",
        "signatures_acknowledged": len(acks),
        "signatures_per_second": len(acks) / seconds,
        "by_kind": by_kind(latencies, seconds),
        "errors": errors,
        "statuses": statuses,
        "acks": acks,
        "receipts": receipts,
    }


def start_timeline(port: int, seconds: float) -> tuple[subprocess.Popen[bytes], str]:
    """harness/client.py reading the public count every 50 ms, through the load and after."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    process = subprocess.Popen(
        [PYTHON, "-m", "harness.client", "timeline", str(port), SLUG, str(seconds), out], cwd=ROOT
    )
    return process, out


def page_reads(port: int, seconds: float, connections: int, rate: float = 0) -> dict:
    return wrk_report(
        start_wrk(port, seconds, connections, rate, [f"/c/{SLUG}/", f"/c/{SLUG}/counts.json"])
    )


def mixed_load(
    port: int,
    seconds: float,
    signers: int,
    readers: int,
    read_rate: float,
    baseline: int,
    no_script_every: int = NO_SCRIPT_EVERY,
) -> dict:
    """Signers (wrk, bench/sign.lua) and readers (wrk, at a fixed rate) at the same time,
    and the public count read meanwhile; the readers' figures added to the signers'."""
    counting = start_timeline(port, seconds)
    cpu_before = cpu_reading()
    process, answers, started = start_signers(
        port, seconds, signers, no_script_every=no_script_every
    )
    reading = start_wrk(
        port, seconds, readers, read_rate, [f"/c/{SLUG}/", f"/c/{SLUG}/counts.json"]
    )
    read = wrk_report(reading)
    signed = signers_report(process, answers)
    cores = cores_used(cpu_before, cpu_reading(), time.monotonic() - started)
    acks = signed.pop("acks")
    signed["receipts"] = len(signed["receipts"])
    signed["freshness_seconds"] = freshness(
        acks, client_report(*counting), baseline, started, started + signed["seconds"]
    )
    signed["cores_by_program"] = cores
    errors = dict(signed["errors"])
    if read["errors"]:
        errors["page reads"] = read["errors"]
    return {
        **signed,
        "by_kind": {**signed["by_kind"], "page reads (wrk)": read},
        "errors": errors,
        "read_rate_offered": read_rate,
    }


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


STATIC_PAGE = "/static/bench/index.html"


def write_static_page(stack: Stack) -> None:
    """The campaign page, rendered once, as a static file nginx serves."""
    assert stack.nginx_port is not None
    with urllib.request.urlopen(  # local URL
        f"http://127.0.0.1:{stack.nginx_port}/c/{SLUG}/"
    ) as response:
        page = response.read()
    (stack.workdir / "static" / "bench").mkdir(exist_ok=True)
    (stack.workdir / "static" / "bench" / "index.html").write_bytes(page)


def alternating_reads(
    stack: Stack, rounds: int, seconds: float, connections: int
) -> tuple[dict, dict]:
    """The reads alone and nginx's static reads, in turn for `rounds` rounds of `seconds`
    each: the machine's own swings (5-second rounds of the two, back to back, came out
    between 78% and 111% of each other within minutes) fall on both."""
    assert stack.nginx_port is not None
    port = stack.nginx_port
    write_static_page(stack)
    reads, static = [], []
    for _ in range(rounds):
        reads.append(measured_cores(lambda: page_reads(port, seconds, connections)))
        static.append(
            measured_cores(
                lambda: wrk_report(start_wrk(port, seconds, connections, 0, [STATIC_PAGE]))
            )
        )
    return summed_rounds(reads), summed_rounds(static)


def summed_rounds(rounds: list[dict]) -> dict:
    """wrk's reports of several rounds as one: rates over their summed time, the median
    round's p50, the worst round's p99, the cores each program kept busy on average."""
    seconds = sum(r["seconds"] for r in rounds)
    requests = sum(r["requests"] for r in rounds)
    programs = {name for r in rounds for name in r.get("cores_by_program", {})}
    cores = {
        name: sum(r.get("cores_by_program", {}).get(name, 0.0) * r["seconds"] for r in rounds)
        / seconds
        for name in programs
    }
    return {
        "requests": requests,
        "seconds": seconds,
        "per_second": requests / seconds if seconds else 0.0,
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": max(r["p99_ms"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
        "rounds_per_second": [round(r["per_second"]) for r in rounds],
        "cores_by_program": {
            name: round(c, 2) for name, c in sorted(cores.items(), key=lambda x: -x[1]) if c >= 0.01
        },
    }


def cpu_seconds_by_program() -> dict[str, float]:
    """CPU time used so far by every process on the machine, summed by program: the
    app server, PostgreSQL, nginx, wrk, the load client, the jobs."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if name.startswith("python") and len(command) > 2:  # python -m harness.client, manage.py x
            name = " ".join(part.decode() for part in command[1:3] if part != b"-m")
        elif name.startswith("postgres"):
            name = "postgres"
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def machine_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy: every program and the kernel."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / os.sysconf("SC_CLK_TCK")


def load_generators_cpu_seconds() -> float:
    """CPU time of this process's finished children: the signers' and the readers' wrk,
    which have exited (and left /proc) by the time the mixed load is over."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_reading() -> dict[str, float]:
    """CPU time so far of every program, of the finished load generators, of the machine."""
    return {
        **cpu_seconds_by_program(),
        LOAD_GENERATORS: load_generators_cpu_seconds(),
        MACHINE: machine_cpu_seconds(),
    }


def cores_used(before: dict[str, float], after: dict[str, float], seconds: float) -> dict:
    """Cores each program kept busy between two readings, the busiest first."""
    cores = {name: (spent - before.get(name, 0.0)) / seconds for name, spent in after.items()}
    return {
        name: round(c, 2) for name, c in sorted(cores.items(), key=lambda x: -x[1]) if c >= 0.01
    }


def measured_cores(phase: Callable[[], dict]) -> dict:
    """Run a phase (wrk, reads), and add the cores each program kept busy meanwhile: what
    else took the machine while it ran (the count job and the log catching up, vacuum)."""
    before, started = cpu_reading(), time.monotonic()
    result = phase()
    result["cores_by_program"] = cores_used(before, cpu_reading(), time.monotonic() - started)
    return result


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--signers", type=int, default=24)
    parser.add_argument("--readers", type=int, default=32)
    # Reads are offered at a fixed rate (the floor's, and some): a bounded load.
    parser.add_argument("--read-rate", type=float, default=3300)
    parser.add_argument(
        "--no-script-every",
        type=int,
        default=NO_SCRIPT_EVERY,
        help="one signer in this many has scripts off and checks on a page of its own",
    )
    parser.add_argument("--app-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--free-post",
        action="store_true",
        help="answer the signing post with no work (bench/free_post.py): the most any post"
        " could reach here; writes bench/results/load_free_post.json",
    )
    parser.add_argument(
        "--profile-worker",
        action="store_true",
        help="sample one app worker with py-spy during the mixed load (bench/worker_profile.py)",
    )
    args = parser.parse_args()
    missing = [tool for tool in ("wrk", "nginx", "redis-server") if not shutil.which(tool)]
    if missing or not (PG_BIN / "pgbench").exists():
        sys.exit(
            f"the benchmark needs {', '.join(missing) or 'pgbench'}:"
            " apt install wrk nginx-light redis-server postgresql postgresql-contrib"
        )

    results = FREE_POST_RESULTS if args.free_post else RESULTS
    stack = Stack(
        app_workers=args.app_workers,
        threads=args.threads,
        settings=UNLIMITED,
        **({"app": FREE_POST_APP} if args.free_post else {}),
    )
    try:
        print(f"starting the stack in {stack.workdir}; load average {load_average()}", flush=True)
        stack.start()
        print(f"seeding {args.signatures:,} signatures", flush=True)
        stack.seed(args.signatures, quiet=False)
        assert stack.nginx_port is not None
        time.sleep(3)  # the count job has run; the first page views are rendered
        page_reads(stack.nginx_port, 2, args.readers)  # the page cache is warm
        load_before = load_average()
        print(f"mixed load for {args.seconds:.0f} s", flush=True)
        sampling = None
        if args.profile_worker:
            worker = stack.worker_pids(f"app-{stack.app_ports[0]}")[0]
            samples = stack.workdir / "worker_profile.raw"
            sampling = worker_profile.start(worker, args.seconds - 1, samples)
        mixed = mixed_load(
            stack.nginx_port,
            args.seconds,
            args.signers,
            args.readers,
            args.read_rate,
            args.signatures,
            args.no_script_every,
        )
        if sampling is not None:
            print(worker_profile.report(sampling, samples), end="", flush=True)
        memory = stack.rss_mb()
        load_after = load_average()
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(json.dumps({"mixed_load": mixed, "peak_rss_mb": memory}, indent=2))
        print(
            f"reads alone, unbounded, and the reference: nginx serving the page as a static"
            f" file; in turn, {READ_ROUNDS} rounds of {READ_ROUND_SECONDS} s each",
            flush=True,
        )
        try:
            reads_alone, static = alternating_reads(
                stack, READ_ROUNDS, READ_ROUND_SECONDS, args.readers
            )
        except (OSError, RuntimeError, ValueError) as error:
            print(f"FAILED: the reads alone or nginx static reads: {error}", file=sys.stderr)
            reads_alone = static = {"requests": 0, "per_second": 0.0, "errors": 0}
        print("reference: PostgreSQL inserts (pgbench)", flush=True)
        try:
            pg_tps = pgbench_inserts(stack, 10)
        except (subprocess.CalledProcessError, RuntimeError) as error:
            detail = getattr(error, "stderr", "") or ""
            print(f"FAILED: pgbench: {error} {detail[-500:]}", file=sys.stderr, flush=True)
            pg_tps = 0.0
    finally:
        stack.close()

    kinds = mixed["by_kind"]
    app_workers_rss = [
        mb for name, mb in memory.items() if name.startswith("app-") and "worker" in name
    ]
    figures = {
        "signatures_per_second": mixed["signatures_per_second"],
        "sign_p99_ms": kinds.get("sign (POST)", {}).get("p99_ms", 0),
        "page_reads_per_second": kinds["page reads (wrk)"]["per_second"],
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
        "page_reads_alone": reads_alone,
        "peak_rss_mb": memory,
        "reference": {
            "postgres_inserts_per_second": pg_tps,
            "nginx_static_page_reads_per_second": static["per_second"],
            "nginx_static": static,
        },
        "figures": figures,
        "floors": FLOORS,
        "floors_met": met,
        "ratios": {
            "signatures_to_postgres_inserts": figures["signatures_per_second"] / pg_tps
            if pg_tps
            else None,
            "page_reads_alone_to_nginx_static": reads_alone["per_second"] / static["per_second"]
            if static["per_second"]
            else None,
        },
    }
    report["signature_cpu_ms"] = signature_cpu_ms(report)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2))
    print_table(report, results)
    unmeasured = unmeasured_references(report)
    for line in unmeasured:
        print(f"FAILED: {line}; the ratios cannot be told", file=sys.stderr)
    return 1 if unmeasured else 0


def signature_cpu_ms(report: dict) -> dict[str, float]:
    """Each program's CPU a signature in the mixed load, in ms: its cores then, less what
    the reads offered beside the signers cost it (its cores per read in the reads alone,
    times the reads served), over the signatures a second."""
    mixed, alone = report["mixed_load"], report["page_reads_alone"]
    signed = mixed["signatures_per_second"]
    reads = mixed["by_kind"]["page reads (wrk)"]["per_second"]
    if not signed or not alone.get("per_second"):
        return {}
    share = reads / alone["per_second"]
    spent = alone.get("cores_by_program", {})
    budget = {
        name: (cores - spent.get(name, 0.0) * share) / signed * 1000
        for name, cores in mixed["cores_by_program"].items()
    }
    return {name: round(ms, 2) for name, ms in budget.items() if ms >= 0.005}


def unmeasured_references(report: dict) -> list[str]:
    """What made a ratio impossible: a reference or a measured rate that came out empty."""
    ref = report["reference"]
    missing = []
    if not ref["postgres_inserts_per_second"]:
        missing.append("the PostgreSQL reference (pgbench) measured no inserts")
    if not ref["nginx_static_page_reads_per_second"] or ref["nginx_static"].get("errors"):
        missing.append("the nginx reference (the page as a static file) was not measured whole")
    if not report["page_reads_alone"]["requests"] or report["page_reads_alone"].get("errors"):
        missing.append("the reads alone were not measured whole")
    return missing


def print_table(report: dict, results: Path = RESULTS) -> None:
    mixed, machine = report["mixed_load"], report["machine"]
    if report["settings"].get("free_post"):
        print("\nTHE SIGNING POST DID NO WORK (--free-post): nothing was stored or counted")
    print(
        f"\n{report['settings']['signatures']:,} existing signatures;"
        f" {mixed['seconds']:.0f} s of mixed load; {machine['cpus']} CPUs;"
        f" load average {machine['load_average_before']}"
    )
    print(f"{'request':<20}{'count':>9}{'per s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    rows = sorted(mixed["by_kind"].items())
    rows.append(("reads alone (wrk)", report["page_reads_alone"]))
    for kind, row in rows:
        print(
            f"{kind:<20}{row['requests']:>9}{row['per_second']:>10.0f}"
            f"{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
        )
    print(f"reads offered at {mixed['read_rate_offered']:.0f}/s during the mixed load")
    print(f"errors: {mixed['errors'] or 0}")
    print(
        "cores busy during the mixed load: "
        + ", ".join(f"{name} {cores:.2f}" for name, cores in mixed["cores_by_program"].items())
    )
    for phase, measured in (
        ("the reads alone", report["page_reads_alone"]),
        ("nginx's static reads", report["reference"]["nginx_static"]),
    ):
        if "cores_by_program" in measured:
            print(
                f"cores busy during {phase}: "
                + ", ".join(f"{n} {c:.2f}" for n, c in measured["cores_by_program"].items())
            )
    if budget := report.get("signature_cpu_ms"):
        print(
            "CPU a signature in the mixed load, ms, less the reads' share: "
            + ", ".join(f"{name} {ms:.2f}" for name, ms in budget.items())
        )
        pgbench, cpus = report["reference"]["postgres_inserts_per_second"], machine["cpus"]
        if pgbench:
            goal = RATIO_GOALS["signatures_to_postgres_inserts"]
            print(
                f"a tenth of pgbench's rate leaves {cpus} cores ÷ {pgbench * goal:,.0f}"
                f" signatures/s = {cpus / (pgbench * goal) * 1000:.2f} ms of CPU a signature"
            )
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
        f" {ref['nginx_static_page_reads_per_second']:.0f} reads/s"
        " (wrk, in turn with the reads alone)"
    )
    print(f"{'figure':<24}{'measured':>10}{'floor':>8}  met")
    for name, value in report["figures"].items():
        met = "yes" if report["floors_met"][name] else "NO"
        print(f"{name:<24}{value:>10.1f}{report['floors'][name]:>8}  {met}")
    figures = report["figures"]
    for label, ratio, part, whole, goal in (
        (
            "signatures/s ÷ pgbench inserts/s",
            report["ratios"]["signatures_to_postgres_inserts"],
            figures["signatures_per_second"],
            ref["postgres_inserts_per_second"],
            RATIO_GOALS["signatures_to_postgres_inserts"],
        ),
        (
            "reads alone/s ÷ nginx static/s",
            report["ratios"]["page_reads_alone_to_nginx_static"],
            report["page_reads_alone"]["per_second"],
            ref["nginx_static_page_reads_per_second"],
            RATIO_GOALS["page_reads_alone_to_nginx_static"],
        ),
    ):
        shown = "NOT MEASURED" if ratio is None else f"{ratio:.1%}"
        met = "" if ratio is None else ("  met" if ratio >= goal else "  NOT met")
        print(f"ratio: {label}: {part:,.0f} ÷ {whole:,.0f} = {shown} (goal ≥ {goal:.0%}){met}")
    print(f"written to {results.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
