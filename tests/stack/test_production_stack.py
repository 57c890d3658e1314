"""The production stack under load and faults: its own PostgreSQL and Redis, two granian
app servers, the task worker and the periodic jobs (harness/stack.py).

After each fault (an app worker killed with SIGKILL, PostgreSQL restarted, Redis
stopped): every signature acknowledged to its sender is in the database, the tallies
equal a recount, the service answered clearly while degraded (the site's 503 page,
never a stack trace; without Redis, no 503 at all: signing goes on) and recovered by
itself. Then concurrency across the two servers,
and a backup restored into a fresh database that passes the app's checks.
"""

import asyncio
import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

import pytest

from harness.client import ANSWERS, Connection, Results, reader, realistic_claims, signer
from harness.net import wait_until
from harness.stack import PG_BIN, SLUG, UNLIMITED, Stack

pytestmark = pytest.mark.stack

SIGNERS = 6
EXISTING = 0  # every signature goes through the form, and so into the public log


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    running = Stack(app_workers=2, threads=4, settings={**UNLIMITED, "COUNT_INTERVAL_SECONDS": "1"})
    try:
        running.start(app_servers=2, nginx=False)
        running.seed(EXISTING)
        yield running
    finally:
        running.close()


def load_with_fault(
    stack: Stack, fault: Callable[[], None], phase: int, seconds: float = 12
) -> Results:
    """Sign and read through both app servers for `seconds`; `fault` runs 3 s in."""
    results = Results()
    ports = stack.app_ports

    async def run() -> None:
        until = time.monotonic() + seconds
        tasks = [
            signer(phase * 100 + i, ports[i % 2], SLUG, until, results) for i in range(SIGNERS)
        ]
        tasks += [
            reader(port, [f"/c/{SLUG}/", f"/c/{SLUG}/counts.json"], until, results)
            for port in ports
        ]

        async def inject() -> None:
            await asyncio.sleep(3)
            await asyncio.to_thread(fault)

        await asyncio.gather(*tasks, inject())

    asyncio.run(run())
    return results


async def sign_once(port: int, claims: dict[str, str]) -> tuple[int, str]:
    """One signer, like a browser: GET the form, POST it; the status and receipt token."""
    connection = Connection(port)
    try:
        status, headers, page = await connection.request("GET", f"/c/{SLUG}/sign/")
        token = page.split(b'name="csrfmiddlewaretoken" value="', 1)[1].split(b'"', 1)[0].decode()
        cookie = headers["set-cookie"].split("csrftoken=", 1)[1].split(";", 1)[0]
        form = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        }
        body = urlencode({"csrfmiddlewaretoken": token, **claims}).encode()
        status, headers, page = await connection.request("POST", f"/c/{SLUG}/sign/", form, body)
        answers = ANSWERS.search(page)
        if status == 200 and answers:  # the "check your answers" page: confirm
            confirm = {"csrfmiddlewaretoken": token, "answers": answers.group(1).decode()}
            body = urlencode({**confirm, "confirm": "1"}).encode()
            status, headers, _ = await connection.request("POST", f"/c/{SLUG}/sign/", form, body)
        location = headers.get("location", "")
        return status, location.split("/r/", 1)[1].split("/", 1)[0] if "/r/" in location else ""
    finally:
        connection.close()


def wait_recovered(stack: Stack, phase: int) -> None:
    """Signing works again on every app server, with no restart by anyone."""
    for i, port in enumerate(stack.app_ports):

        def signs(port: int = port, i: int = i) -> bool:
            try:
                status, _ = asyncio.run(
                    sign_once(port, realistic_claims(phase * 100 + 50 + i, int(time.time())))
                )
            except (OSError, IndexError, KeyError):
                return False
            return status == 302

        wait_until(signs, timeout=180, what=f"signing on port {port}")


def receipts_stored(stack: Stack, tokens: list[str]) -> int:
    hashes = ",".join(f"'{hashlib.sha256(t.encode()).hexdigest()}'" for t in set(tokens))
    return int(
        stack.psql(f"SELECT count(*) FROM signatures_signature WHERE receipt_hash IN ({hashes})")  # noqa: S608  # hex digests
    )


def assert_survived(stack: Stack, results: Results, phase: int) -> None:
    assert results.acknowledged > 0
    assert set(results.statuses) <= {200, 302, 503}, (results.statuses, stack.logged_errors())
    assert results.unclear == [], results.unclear[:1]
    wait_recovered(stack, phase)
    assert receipts_stored(stack, results.receipts) == len(set(results.receipts))
    # A lease cut off by the fault is given back once the database is reachable again.
    assert "counts match a recount" in stack.manage("check_counts", "--wait", "200")


def test_app_worker_killed(stack: Stack) -> None:
    name = f"app-{stack.app_ports[0]}"
    killed = stack.worker_pids(name)[0]

    def kill_worker() -> None:
        os.kill(killed, signal.SIGKILL)

    results = load_with_fault(stack, kill_worker, phase=1)
    assert_survived(stack, results, phase=1)
    wait_until(lambda: len(stack.worker_pids(name)) == 2, timeout=180, what="respawned worker")
    assert killed not in stack.worker_pids(name)


def test_postgresql_restarted(stack: Stack) -> None:
    def restart() -> None:
        stack.stop_postgres()
        time.sleep(3)
        stack.start_postgres()

    results = load_with_fault(stack, restart, phase=2)
    assert results.statuses.get(503, 0) > 0  # while it was down, the site said so
    assert_survived(stack, results, phase=2)


def test_redis_stopped(stack: Stack) -> None:
    def stop_and_start() -> None:
        stack.stop_redis()
        time.sleep(3)
        stack.start_redis()

    results = load_with_fault(stack, stop_and_start, phase=3)
    # Public pages fail open: served uncached while Redis is away.
    assert results.errors.get("campaign page", 0) == 0
    assert results.errors.get("count JSON", 0) == 0
    # Signing goes on: rate limits count in each process's memory meanwhile.
    assert results.statuses.get(503, 0) == 0, (results.statuses, stack.logged_errors())
    assert_survived(stack, results, phase=3)
    assert "rate limits are counted in this process's memory" in "".join(
        log.read_text(errors="replace") for log in stack.workdir.glob("app-*.log")
    )


def test_same_person_through_both_servers_is_answered_alike_and_stored_twice(stack: Stack) -> None:
    """Both senders get a receipt and both submissions are stored: merging would tell a sender
    that someone signed with these claims. The repeats share a claims key for verifiers."""
    people = [realistic_claims(900, n) for n in range(20)]

    async def both_at_once() -> list[tuple[int, str]]:
        pairs = [sign_once(port, claims) for claims in people for port in stack.app_ports]
        return list(await asyncio.gather(*pairs))

    answers = asyncio.run(both_at_once())
    assert [status for status, _ in answers] == [302] * 40  # both senders get a receipt
    named = [claims for claims in people if claims["publication"] == "named"]
    names = ",".join(f"'{claims['full_name']}'" for claims in named)
    stored, keys = stack.psql(
        "SELECT count(*), count(DISTINCT claims_key) FROM signatures_signature "  # noqa: S608  # generated names
        f"WHERE full_name IN ({names})"
    ).split("|")
    # Named signers stay in clear; the anonymous ones were sealed as they arrived.
    assert (int(stored), int(keys)) == (2 * len(named), len(named))
    assert "counts match a recount" in stack.manage("check_counts")


def test_thousand_concurrent_distinct_signatures(stack: Stack) -> None:
    before = int(stack.psql("SELECT count(*) FROM signatures_signature"))
    gate = asyncio.Semaphore(100)

    async def sign_one(n: int) -> tuple[int, str]:
        async with gate:
            return await sign_once(stack.app_ports[n % 2], realistic_claims(950, n))

    async def thousand() -> list[tuple[int, str]]:
        return list(await asyncio.gather(*(sign_one(n) for n in range(1000))))

    answers = asyncio.run(thousand())
    assert sum(1 for status, _ in answers if status == 302) == 1000
    assert int(stack.psql("SELECT count(*) FROM signatures_signature")) - before == 1000
    assert receipts_stored(stack, [token for _, token in answers]) == 1000
    assert "counts match a recount" in stack.manage("check_counts")


def test_backup_restores_into_a_fresh_database(stack: Stack) -> None:
    dump = stack.workdir / "backup.dump"
    subprocess.run(
        [
            str(PG_BIN / "pg_dump"),
            "-h",
            "127.0.0.1",
            "-p",
            str(stack.pg_port),
            "-U",
            "postgres",
            "-Fc",
            "--exclude-table-data=core_joblock",  # as docs/deploy.md says
            "-f",
            str(dump),
            stack.database,
        ],
        check=True,
        capture_output=True,
    )
    stack.create_database("restored")
    subprocess.run(
        [
            str(PG_BIN / "pg_restore"),
            "-h",
            "127.0.0.1",
            "-p",
            str(stack.pg_port),
            "-U",
            "postgres",
            "-d",
            "restored",
            "--no-owner",
            str(dump),
        ],
        check=True,
        capture_output=True,
    )
    restored = {"DATABASE_URL": f"postgres://postgres@127.0.0.1:{stack.pg_port}/restored"}
    original = stack.psql("SELECT count(*), max(id) FROM signatures_signature")
    assert (
        stack.psql("SELECT count(*), max(id) FROM signatures_signature", database="restored")
        == original
    )
    env = stack.env(**restored)
    assert "No planned migration operations" in stack.manage("migrate", "--plan", env=env)
    assert "counts match a recount" in stack.manage("check_counts", env=env)
    mirror = stack.workdir / "mirror"
    stack.manage("export_site", str(mirror), env=env)
    verified = stack.manage(
        "verify_log", str(mirror), "--state", str(stack.workdir / "seen.json"), env=env
    )
    assert "FAIL" not in verified
