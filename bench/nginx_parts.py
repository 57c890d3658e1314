"""What each part of deploy/nginx/undersigned.conf costs a cached page read.

Runs nginx with the shipped configuration (harness/nginx.py) in front of a stand-in app
that answers like the page cache (a public page kept 1 s, stale while revalidated), then
the same configuration with one part taken out at a time. Each variant is read by wrk
for a few seconds, once for the cached page and once for the same page as a static file
from the same server, one right after the other, so each variant has its own reference.
Besides the rates, nginx's own CPU time per request is counted (from /proc): on a busy
machine the rates move with the neighbours, the CPU per request much less.

    python -m bench.nginx_parts [--seconds 5] [--rounds 2] [--connections 32]
                                [--page-bytes 20000] [--only NAME ...]

Prints a table; writes bench/results/nginx_parts.json. Needs nginx and wrk.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from harness import ROOT
from harness.net import free_port, port_open, wait_until
from harness.nginx import nginx_config

RESULTS = ROOT / "bench" / "results" / "nginx_parts.json"
WRK = shutil.which("wrk") or "wrk"
PAGE = "/c/petition/"


def stand_in_app(page: bytes) -> ThreadingHTTPServer:
    """Answers every GET with `page`, with the headers the page cache gives a public page."""

    class App(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header(
                "Cache-Control", "public, max-age=0, s-maxage=1, stale-while-revalidate=30"
            )
            self.send_header("ETag", '"0123456789abcdef"')
            self.send_header("Vary", "Accept-Language, Cookie")
            self.send_header("Content-Language", "ru")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            )
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # nginx stopping between variants drops its kept connections

    app = Server(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    return app


def cut(*pairs: tuple[str, str]) -> Callable[[str], str]:
    def apply(conf: str) -> str:
        for shipped, here in pairs:
            if shipped not in conf:
                raise ValueError(f"the configuration no longer has {shipped!r}")
            conf = conf.replace(shipped, here)
        return conf

    return apply


KEY = (
    'proxy_cache_key "$scheme$host$uri$undersigned_cache_query|$undersigned_arg_language'
    '|$undersigned_cookie_language|$undersigned_accept_language";'
)
LIMIT_REQ = "limit_req zone=undersigned_req burst=40 nodelay;"
# Each variant: the shipped configuration with one part taken out (or, last, all of them).
PARTS: dict[str, Callable[[str], str]] = {
    "shipped": cut(),
    "no limit_req": cut((LIMIT_REQ, "")),
    "no limit_conn": cut(("limit_conn undersigned_conn 32;", "")),
    "no language maps in the key": cut(
        (
            KEY,
            'proxy_cache_key "$scheme$host$uri$undersigned_cache_query";',
        ),
        (
            "proxy_set_header Accept-Language $undersigned_accept_language;",
            "",
        ),
    ),
    "no maps in the key": cut(
        (KEY, 'proxy_cache_key "$scheme$host$uri";'),
        ("proxy_set_header Accept-Language $undersigned_accept_language;", ""),
    ),
    "no query map in the key": cut(
        (
            KEY,
            'proxy_cache_key "$scheme$host$uri|$undersigned_arg_language'
            '|$undersigned_cookie_language|$undersigned_accept_language";',
        )
    ),
    "no private-page bypass map": cut(
        (
            "proxy_cache_bypass $cookie_sessionid $undersigned_private $cookie_signing_wait;",
            "proxy_cache_bypass $cookie_sessionid $cookie_signing_wait;",
        )
    ),
    "no cache lock": cut(("proxy_cache_lock on;", "proxy_cache_lock off;")),
    "no open_file_cache": cut(
        ("    open_file_cache max=1024 inactive=10s;\n    open_file_cache_valid 1s;\n", ""),
    ),
    "no shared-form headers": cut(
        ("proxy_set_header X-Shared-Form $undersigned_shared_form;", ""),
    ),
}


def without_pcre_jit(conf: str) -> str:
    return cut(("pcre_jit on;\n", ""))(conf)


PARTS["no pcre_jit"] = without_pcre_jit


def without_everything(conf: str) -> str:
    conf = cut((KEY, 'proxy_cache_key "$scheme$host$uri";'))(conf)
    for name, apply in PARTS.items():
        if name not in (
            "shipped",
            "all of the above out",
            "no pcre_jit",
            "with open_file_cache",
        ) and ("the key" not in name):
            conf = apply(conf)
    return cut(("proxy_set_header Accept-Language $undersigned_accept_language;", ""))(conf)


PARTS["all of the above out"] = without_everything


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wrk(port: int, path: str, seconds: float, connections: int) -> dict:
    """Unbounded reads of `path`, with wrk's own CPU time per request beside its figures."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [
            WRK,
            "-t2",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "-s",
            str(ROOT / "bench" / "reads.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            "0",
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    report["per_second"] = report["requests"] / report["seconds"]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime
    report["wrk_cpu_us"] = spent / max(1, report["requests"]) * 1e6
    return report


def measure(
    name: str, page: bytes, app_port: int, seconds: float, connections: int, site: str | None
) -> dict[str, float]:
    """One variant: the cached page, then the static file, each read for `seconds`."""
    prefix = Path(tempfile.mkdtemp(prefix="undersigned-nginx-parts-"))
    try:
        (prefix / "static").mkdir()
        (prefix / "static" / "page.html").write_bytes(page)
        port = free_port()
        conf = PARTS[name](
            nginx_config(
                prefix,
                port,
                [app_port],
                prefix / "static",
                prefix / "cache",
                unlimited=("127.0.0.1",),
                site=site,
            )
        )
        (prefix / "nginx.conf").write_text(conf)
        nginx = subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        )
        try:
            wait_until(lambda: port_open(port), what="nginx")
            wrk(port, PAGE, 1, connections)  # the copy is kept
            figures: dict[str, float] = {}
            for label, path in (("cached", PAGE), ("static", "/static/page.html")):
                workers = children(nginx.pid)
                before = cpu_seconds(workers)
                report = wrk(port, path, seconds, connections)
                spent = cpu_seconds(workers) - before
                if report["errors"] or not report["requests"]:
                    raise RuntimeError(f"{name}: {label} reads failed: {report}")
                figures[f"{label}_per_second"] = report["per_second"]
                figures[f"{label}_cpu_us"] = spent / report["requests"] * 1e6
                figures[f"{label}_wrk_cpu_us"] = report["wrk_cpu_us"]
            figures["ratio"] = figures["cached_per_second"] / figures["static_per_second"]
            return figures
        finally:
            nginx.terminate()
            nginx.wait(10)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--page-bytes", type=int, default=20_000)
    parser.add_argument("--only", nargs="*", choices=list(PARTS), default=list(PARTS))
    parser.add_argument(
        "--site",
        type=Path,
        help="another version of deploy/nginx/undersigned.conf, measured as `shipped`",
    )
    args = parser.parse_args()
    if not shutil.which("nginx") or not shutil.which("wrk"):
        sys.exit("bench.nginx_parts needs nginx and wrk: apt install nginx-light wrk")
    line = "<p>Подписи проверяются. Signatures are being checked.</p>\n".encode()
    page = (b"<!doctype html>\n" + line * (args.page_bytes // len(line) + 1))[: args.page_bytes]
    app = stand_in_app(page)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in args.only}
    try:
        for _ in range(args.rounds):  # interleaved: each round runs every variant once
            for name in args.only:
                runs[name].append(
                    measure(
                        name,
                        page,
                        app.server_address[1],
                        args.seconds,
                        args.connections,
                        args.site.read_text() if args.site else None,
                    )
                )
    finally:
        app.shutdown()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    medians = {
        name: {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        for name, rounds in runs.items()
    }
    rounds = f"{args.rounds} rounds of {args.seconds:.0f} s"
    print(f"\n{args.page_bytes:,}-byte page, {rounds}; load {load}")
    print(
        f"{'variant':<30}{'cached/s':>10}{'static/s':>10}{'ratio':>7}"
        f"{'cached µs':>11}{'static µs':>11}{'wrk µs':>8}"
    )
    for name, m in medians.items():
        print(
            f"{name:<30}{m['cached_per_second']:>10.0f}{m['static_per_second']:>10.0f}"
            f"{m['ratio']:>7.0%}{m['cached_cpu_us']:>11.1f}{m['static_cpu_us']:>11.1f}"
            f"{m['cached_wrk_cpu_us']:>8.1f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "settings": {**vars(args), "site": str(args.site or "")},
                "load_average": load,
                "runs": runs,
                "medians": medians,
            },
            indent=2,
        )
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
