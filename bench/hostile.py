"""The hostile phase: the attacks of a crowd that wants the site down, one at a time, each
from its own client, during the mixed load of bench/load.py.

Starts the production stack on 127.0.0.1 (harness/stack.py: PostgreSQL, Redis, two granian
app servers, worker, periodic jobs, nginx with deploy/nginx/undersigned.conf; the app
servers run the app inside bench/slow_app.py, which adds one slow path of its own),
seeds a petition with --signatures (1,000,000 by default), writes its downloads once (the
export job), signs a verifier in once (their browser keeps its device cookie), and
then, for each attack, the same signers and readers run while one attacker, bound to an
address of its own (127.0.0.2 and up) and to a fixed number of connections, does its
worst; meanwhile the verifier signs in to the desk with password and TOTP. The signers
also run without attack just before each attack and once after the last: an attack's
unattacked rate is the mean of the runs on either side of it. Prints, per attack, the
signers' rate beside the unattacked rate, their errors and p99, and whether the verifier
got in; writes bench/results/hostile.json.

As in bench/load.py, the app's own per-client thresholds are lifted (harness.stack.UNLIMITED:
the signers share one address); the attackers meet nginx's per-client limits, which
127.0.0.1 passes. With --without-proxy-limits they pass them too, as a crowd of many
addresses would, and what is measured is the app's own defence
(bench/results/hostile-without-proxy-limits.json).

    python -m bench.hostile [--signatures 1000000] [--seconds 20] [--signers 8]
                            [--app-servers 2] [--app-workers 1] [--threads 8]
                            [--readers 16] [--read-rate 600] [--attack-rate 100]
                            [--attacks a,b,...] [--without-proxy-limits]
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.attacks import (
    ATTACK_RATE,
    ATTACKS,
    DESK_AT,
    LONGER_PHASES,
    VERIFIER,
    VERIFIER_PASSWORD,
    Tally,
    set_attack_rate,
)
from bench.load import load_average, mixed_load, page_reads
from bench.slow_app import SLOW_SECONDS
from harness import ROOT
from harness.net import wait_until
from harness.stack import SLUG, UNLIMITED, Stack

RESULTS = ROOT / "bench" / "results"


def results_path(without_proxy_limits: bool) -> Path:
    return RESULTS / (
        "hostile-without-proxy-limits.json" if without_proxy_limits else "hostile.json"
    )


TARGET_SHARE = 0.8
TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, the bench's own


# --- the verifier --------------------------------------------------------------------


_last_step = [0]


def totp_code() -> str:
    """A code the desk accepts: never one of a time step already used (the device refuses
    a replay), at most one step ahead of the clock (its tolerance)."""
    from django_otp.oath import totp

    now = int(time.time() // 30)
    target = max(now, _last_step[0] + 1)
    if target > now + 1:
        time.sleep((target - 1) * 30 - time.time() + 0.05)
        now = int(time.time() // 30)
    _last_step[0] = target
    return f"{totp(bytes.fromhex(TOTP_KEY), step=30, digits=6, drift=target - now):06d}"


class Browser:
    """The verifier's browser: keeps its cookies (the device cookie among them)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _send(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            from urllib.parse import urlencode

            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        headers["Host"] = f"127.0.0.1:{self.port}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        html = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location") or "", html

    def token(self, path: str) -> str:
        _, _, html = self._send("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return found.group(1) if found else ""

    def sign_in(self) -> dict[str, Any]:
        """Password, then the current TOTP code, then the desk's home page."""
        started = time.monotonic()
        self.cookies.pop("undersigned_desk", None)
        token = self.token("/desk/login/")
        status, location, _ = self._send(
            "POST",
            "/desk/login/",
            {"csrfmiddlewaretoken": token, "username": VERIFIER, "password": VERIFIER_PASSWORD},
        )
        if status != 302 or "/desk/otp/" not in location:
            return {"signed_in": False, "step": "password", "status": status}
        token = self.token("/desk/otp/")
        status, location, _ = self._send(
            "POST", "/desk/otp/", {"csrfmiddlewaretoken": token, "token": totp_code()}
        )
        if status != 302:
            return {"signed_in": False, "step": "code", "status": status}
        status, _, _ = self._send("GET", "/desk/")
        return {
            "signed_in": status == 200,
            "step": "desk",
            "status": status,
            "seconds": round(time.monotonic() - started, 3),
        }


def make_verifier(stack: Stack) -> None:
    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        f"user = get_user_model().objects.create_user({VERIFIER!r},"
        f" password={VERIFIER_PASSWORD!r})\n"
        f"TOTPDevice.objects.create(user=user, name='phone', confirmed=True, key={TOTP_KEY!r})\n",
    )


# --- the run -------------------------------------------------------------------------


def redis_memory_mb(stack: Stack) -> float:
    import redis

    return round(
        int(redis.Redis.from_url(stack.redis_url).info("memory")["used_memory"]) / 2**20, 1
    )


def explain_deep_page(stack: Stack) -> list[str]:
    """PostgreSQL's plan for the last page of the signatories, reached by its cursor."""
    out = stack.manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "from undersigned.campaigns.models import Campaign\n"
        "from undersigned.signatures import public\n"
        f"c = Campaign.objects.get(slug={SLUG!r})\n"
        "rows = public.named_signatories(c)\n"
        "last = rows.order_by('-verified_at', '-id')[150]\n"
        "after, last_id, _ = public._open_cursor(c, public._cursor_after(c, last, 1))\n"
        "qs = rows.extra(where=['(verified_at, id) > (%s, %s)'], params=[after, last_id])[:101]\n"
        "sql, params = qs.query.sql_with_params()\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params)\n"
        "print('\\n'.join(r[0] for r in cursor.fetchall()))\n",
    )
    return out.strip().splitlines()


def nginx_errors(stack: Stack) -> Counter[str]:
    """How often nginx's error log has said what the slow request's phase watches for."""
    log = stack.workdir / "nginx" / "error.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return Counter({what: text.count(what) for what in ("upstream timed out", "no live upstreams")})


def slow_request_hits(stack: Stack) -> list[str]:
    hits = stack.workdir / "var" / "slow-requests.log"
    lines = hits.read_text().splitlines() if hits.exists() else []
    return [line.split()[-1] for line in lines]


def phase(
    stack: Stack,
    args: argparse.Namespace,
    browser: Browser | None,
    attack: str | None,
    n: int,
    seconds: float,
    desk_at: float,
) -> dict:
    assert stack.nginx_port is not None
    stop = threading.Event()
    tally = Tally()
    source = f"127.0.0.{n + 2}"
    redis_before = redis_memory_mb(stack)
    nginx_before = nginx_errors(stack)
    hits_before = len(slow_request_hits(stack))
    threads = ATTACKS[attack](stack.nginx_port, source, stop, tally) if attack else []
    desk: list[dict] = []

    def verifier() -> None:
        time.sleep(desk_at)  # the attack has started
        if browser is not None:
            desk.append(browser.sign_in())

    checking = threading.Thread(target=verifier, daemon=True)
    checking.start()
    mixed = mixed_load(
        stack.nginx_port,
        seconds,
        args.signers,
        args.readers,
        args.read_rate,
        args.signatures,
    )
    stop.set()
    checking.join(30)
    for thread in threads:
        thread.join(SLOW_SECONDS + 10)  # a request in flight ends within nginx's timeout
    sign = mixed["by_kind"].get("sign (POST)", {})
    result = {
        "attack": attack or "none",
        "attacker": source if attack else None,
        "seconds": seconds,
        "signatures_per_second": mixed["signatures_per_second"],
        "sign_p99_ms": sign.get("p99_ms", 0),
        "errors": sum(mixed["errors"].values()),
        "error_kinds": mixed["errors"],
        "page_reads_per_second": mixed["by_kind"]["page reads (wrk)"]["per_second"],
        "desk": desk[0] if desk else {"signed_in": False, "step": "not reached"},
        "attacker_answers": dict(tally.statuses),
        "redis_mb_before": redis_before,
        "redis_mb_after": redis_memory_mb(stack),
        "nginx_errors": dict(nginx_errors(stack) - nginx_before),
        "mixed_load": {k: v for k, v in mixed.items() if k not in {"receipts"}},
    }
    if attack == "slow-request":
        hits = slow_request_hits(stack)[hits_before:]
        result["slow_requests"] = {
            "sent": sum(tally.statuses.values()),
            "reached_an_app_server": len(hits),
            "sent_to_a_second_server": len(hits) - len(set(hits)),
        }
    return result


def bracketing(before: dict, after: dict) -> dict:
    """The unattacked reference of the attack run between `before` and `after`: their mean
    rate, which a steady drift of the machine moves as much as the attack's own run."""
    rates = before["signatures_per_second"], after["signatures_per_second"]
    return {
        "signatures_per_second": sum(rates) / 2,
        "before": rates[0],
        "after": rates[1],
        "sign_p99_ms": max(before["sign_p99_ms"], after["sign_p99_ms"]),
        "errors": before["errors"] + after["errors"],
        "error_kinds": dict(Counter(before["error_kinds"]) + Counter(after["error_kinds"])),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--signers", type=int, default=8)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--read-rate", type=float, default=600)
    parser.add_argument("--app-servers", type=int, default=2)
    parser.add_argument("--app-workers", type=int, default=1, help="per app server")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--attacks", default=",".join(ATTACKS), help="comma-separated names")
    parser.add_argument("--attack-rate", type=float, default=ATTACK_RATE)
    # The attackers pass nginx's per-client limits too, as a crowd of many addresses
    # would: what is left is the app's own defence.
    parser.add_argument("--without-proxy-limits", action="store_true")
    args = parser.parse_args()
    set_attack_rate(args.attack_rate)
    attacks = [name for name in ATTACKS if name in args.attacks.split(",")]
    missing = [tool for tool in ("wrk", "nginx", "redis-server") if not shutil.which(tool)]
    if missing:
        sys.exit(f"the benchmark needs {', '.join(missing)}")

    unlimited = ["127.0.0.1"]
    if args.without_proxy_limits:
        unlimited += [f"127.0.0.{n + 2}" for n in range(len(attacks))]
    stack = Stack(
        app_workers=args.app_workers,
        threads=args.threads,
        settings=UNLIMITED,
        unlimited=tuple(unlimited),
        app="bench.slow_app:application",
        # The shipped config logs nothing about a request; the slow phase counts nginx's
        # timeouts in this run's own log, so it is told of them here.
        nginx_request_log_level="warn",
    )
    phases = []
    try:
        print(f"starting the stack in {stack.workdir}; load average {load_average()}", flush=True)
        stack.start(app_servers=args.app_servers)
        print(f"seeding {args.signatures:,} signatures", flush=True)
        stack.seed(args.signatures, quiet=False)
        make_verifier(stack)
        print("writing the downloads (the export job)", flush=True)
        started = time.monotonic()
        stack.manage(
            "shell", "-c", "from undersigned.web.exports import build_exports; build_exports()"
        )
        # The periodic runner may hold the job's lock and be writing them itself.
        marker = stack.workdir / "var" / "exports" / SLUG / ".fingerprint"
        wait_until(marker.exists, timeout=3600, what="the downloads")
        export_seconds = time.monotonic() - started
        plan = [line for line in explain_deep_page(stack) if "objects imported" not in line]
        assert stack.nginx_port is not None
        browser = Browser(stack.nginx_port)
        first = browser.sign_in()  # the verifier's browser keeps its device cookie
        print(f"the verifier signs in before any attack: {first}", flush=True)
        time.sleep(2)
        page_reads(stack.nginx_port, 2, args.readers)  # the page cache is warm
        load_before = load_average()
        # Each attack between two runs without attack, one just before it and one just
        # after: on a shared machine the reference moves with whatever else runs.
        unattacked = []
        for n, attack in enumerate(attacks):
            seconds = max(args.seconds, LONGER_PHASES.get(attack, 0))
            desk_at = DESK_AT.get(attack, min(5.0, seconds / 3))
            print(f"phase: no attack, then {attack} ({seconds:.0f} s each)", flush=True)
            unattacked.append(phase(stack, args, None, None, n, seconds, desk_at))
            phases.append(phase(stack, args, browser, attack, n, seconds, desk_at))
        print(f"phase: no attack, after the last ({args.seconds:.0f} s)", flush=True)
        unattacked.append(phase(stack, args, None, None, len(attacks), args.seconds, 0))
        for attacked, before, after in zip(phases, unattacked, unattacked[1:], strict=False):
            attacked["unattacked"] = bracketing(before, after)
        load_after = load_average()
        memory = stack.rss_mb()
    finally:
        stack.close()

    for each in phases:
        reference = each["unattacked"]["signatures_per_second"]
        each["share_of_unattacked"] = (
            each["signatures_per_second"] / reference if reference else None
        )
        each["target_met"] = (
            (each["share_of_unattacked"] or 0) >= TARGET_SHARE
            and each["errors"] == 0
            and bool(each["desk"].get("signed_in"))
            and each.get("slow_requests", {}).get("sent_to_a_second_server", 0) == 0
            and not each["nginx_errors"].get("no live upstreams")
        )
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "settings": vars(args),
        "export_job_seconds": round(export_seconds, 1),
        "deep_page_plan": plan,
        "peak_rss_mb": memory,
        "target": {"share_of_unattacked": TARGET_SHARE, "errors": 0, "desk_sign_in": True},
        "phases": phases,
    }
    results = results_path(args.without_proxy_limits)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=2))
    print_table(report)
    return 0


def print_table(report: dict) -> None:
    settings = report["settings"]
    limits = "without" if settings["without_proxy_limits"] else "with"
    print(
        f"\nhostile phase at {settings['signatures']:,} signatures, {settings['seconds']:.0f} s"
        f" per attack, {settings['attack_rate']:.0f} requests/s per attacker, {limits} nginx's"
        f" per-client limits, {settings['signers']} signers; load average"
        f" {report['machine']['load_average_before']} -> {report['machine']['load_average_after']}"
    )
    print(
        f"{'attack':24} {'before':>7} {'after':>7} {'unattacked':>10} {'sign/s':>8} {'share':>6}"
        f" {'errors':>6} {'p99 ms':>7} {'desk':>5} {'redis MB':>9}  met"
    )
    for each in report["phases"]:
        share, unattacked = each["share_of_unattacked"], each["unattacked"]
        print(
            f"{each['attack']:24} {unattacked['before']:7.1f} {unattacked['after']:7.1f}"
            f" {unattacked['signatures_per_second']:10.1f}"
            f" {each['signatures_per_second']:8.1f}"
            f" {share * 100 if share is not None else 0:5.0f}% {each['errors']:6d}"
            f" {each['sign_p99_ms']:7.0f} {'yes' if each['desk'].get('signed_in') else 'NO':>5}"
            f" {each['redis_mb_after']:9.1f}  {'yes' if each['target_met'] else 'NO'}"
        )
    for each in report["phases"]:
        if "slow_requests" in each:
            slow = each["slow_requests"]
            print(
                f"slow requests: {slow['sent']} sent, {slow['reached_an_app_server']} reached"
                f" an app server, {slow['sent_to_a_second_server']} sent to a second one;"
                f" nginx: {each['nginx_errors'].get('upstream timed out', 0)} timed out,"
                f" {each['nginx_errors'].get('upstream server temporarily disabled', 0)}"
                " servers set aside,"
                f" {each['nginx_errors'].get('no live upstreams', 0)} 'no live upstreams'"
            )
    print(f"export job (every download, both languages): {report['export_job_seconds']} s")
    print("deep page plan: " + " | ".join(line.strip() for line in report["deep_page_plan"][:4]))
    print(f"written to {results_path(settings['without_proxy_limits']).relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
