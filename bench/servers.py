"""Which HTTP server: granian and gunicorn serving the app on this machine.

Same stack (own PostgreSQL and Redis), same app, same client (harness/client.py); each
server in turn, with 2 worker processes, is asked for signatures through the form (24
signers) and then for the campaign page (32 readers), directly, with no nginx in front.
Prints signatures/s, reads/s, p99s and worker memory; writes bench/results/servers.json.
gunicorn is not a dependency: it is measured only when installed (`pip install gunicorn`).

    python -m bench.servers [--seconds 15]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

from bench.load import client_report, run_client, start_client
from harness import ROOT
from harness.net import free_port, wait_until
from harness.stack import PYTHON, SLUG, UNLIMITED, Stack, granian_command

RESULTS = ROOT / "bench" / "results" / "servers.json"


def servers(port: int) -> dict[str, list[str]]:
    choices = {
        "granian 2 workers x 1 thread": granian_command(port, workers=2, threads=1),
        "granian 2 workers x 8 threads": granian_command(port, workers=2, threads=8),
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
        choices["gunicorn gthread 2 workers x 8 threads"] = [
            *base,
            "--worker-class",
            "gthread",
            "--threads",
            "8",
        ]
    return choices


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--signers", type=int, default=24)
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
            signing = client_report(
                *start_client(
                    port, args.seconds, args.signers, 0, 10000, first_signer=1000 * len(figures)
                )
            )
            report = run_client(port, args.seconds, 0, args.readers, 0, paths_slug=f"/c/{SLUG}/")
            row = report["by_kind"]["campaign page"]
            post = signing["by_kind"].get("sign (POST)", {})
            figures[name] = {
                "signatures_per_second": signing["signatures_per_second"],
                "sign_p99_ms": post.get("p99_ms", 0),
                "reads_per_second": row["per_second"],
                "read_p99_ms": row["p99_ms"],
                "errors": sum(report["errors"].values()) + sum(signing["errors"].values()),
                "worker_rss_mb": max(stack.rss_mb().get(f"server worker {i}", 0) for i in (1, 2)),
            }
            stack.stop("server")
            print(
                f"{name:<42}{signing['signatures_per_second']:>6.0f} signatures/s"
                f" (p99 {post.get('p99_ms', 0):.0f} ms) {row['per_second']:>7.0f} reads/s"
                f" (p99 {row['p99_ms']:.0f} ms)  worker {figures[name]['worker_rss_mb']:.0f} MB",
                flush=True,
            )
    finally:
        stack.close()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
