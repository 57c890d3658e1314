"""Which HTTP server: granian and gunicorn serving the campaign page on this machine.

Same stack (own PostgreSQL and Redis), same app, same client (bench/client.py), the page
served through each server in turn with 2 worker processes. Prints reads/s and p99, and
writes bench/results/servers.json. gunicorn is not a dependency: it is measured only when
it is installed.

    python -m bench.servers [--seconds 15]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.load import run_client
from bench.stack import GRANIAN, PYTHON, ROOT, SLUG, UNLIMITED, Stack, free_port, wait_until

RESULTS = ROOT / "bench" / "results" / "servers.json"


def servers(port: int) -> dict[str, list[str]]:
    granian = [
        GRANIAN,
        "--interface",
        "wsgi",
        "undersigned.wsgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "2",
        "--no-access-log",
    ]
    choices = {
        "granian 2 workers x 1 thread": [*granian, "--blocking-threads", "1"],
        "granian 2 workers x 4 threads": [*granian, "--blocking-threads", "4"],
    }
    gunicorn = Path(PYTHON).parent / "gunicorn"
    if gunicorn.exists():
        base = [
            str(gunicorn),
            "undersigned.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ]
        choices["gunicorn sync 2 workers"] = [*base, "--worker-class", "sync"]
        choices["gunicorn gthread 2 workers x 4 threads"] = [
            *base,
            "--worker-class",
            "gthread",
            "--threads",
            "4",
        ]
    return choices


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--readers", type=int, default=32)
    args = parser.parse_args()
    stack = Stack(settings=UNLIMITED)
    figures = {}
    try:
        stack.start_postgres()
        stack.create_database()
        stack.start_redis()
        stack.prepare()
        subprocess.run(
            [PYTHON, "-m", "bench.seed", SLUG, "10000"],
            cwd=ROOT,
            env=stack.env(DATABASE_STATEMENT_TIMEOUT_MS="0"),
            check=True,
        )
        for name, command in servers(free_port()).items():
            port = (
                int(command[command.index("--port") + 1])
                if "--port" in command
                else int(command[command.index("--bind") + 1].rsplit(":", 1)[1])
            )
            stack._spawn("server", command)
            wait_until(
                lambda port=port: stack.get(f"http://127.0.0.1:{port}/") > 0, timeout=300, what=name
            )
            report = run_client(port, args.seconds, 0, args.readers, 0, paths_slug=f"/c/{SLUG}/")
            row = report["by_kind"]["campaign page"]
            figures[name] = {
                "reads_per_second": row["per_second"],
                "p99_ms": row["p99_ms"],
                "errors": sum(report["errors"].values()),
                "worker_rss_mb": max(stack.rss_mb().get(f"server worker {i}", 0) for i in (1, 2)),
            }
            stack.stop("server")
            print(
                f"{name:<42}{row['per_second']:>8.0f} reads/s  p99 {row['p99_ms']:.0f} ms",
                flush=True,
            )
    finally:
        stack.close()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
