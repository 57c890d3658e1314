"""The load driver: an asyncio HTTP/1.1 client on raw streams, run as its own process.

Signers behave like browsers: GET the form on a kept-alive connection, take the CSRF
cookie and the form's token, POST realistic claims, expect a redirect to a receipt.
Readers GET the campaign page and the count JSON. Only 127.0.0.1 is contacted.

    python -m harness.client <port> <slug> <seconds> <signers> <readers> <baseline>
        [<reads per second, all readers together; 0: unbounded> [<first signer>]] <out.json>
    python -m harness.client timeline <port> <slug> <seconds> <out.json>

The second form only reads the public count every 50 ms, through the load and
CATCH_UP_SECONDS after it, for bench/load.py's wrk signers (bench/sign.lua).
"""

import asyncio
import bisect
import json
import os
import re
import resource
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvloop

HOST = "127.0.0.1"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# The "check your answers" page carries the answers, signed, to the confirming post.
ANSWERS = re.compile(rb'name="answers" value="([^"]+)"')
VERIFIED = re.compile(rb'"verified": (\d+)')
UNAVAILABLE_PAGE = b'<header class="site">'  # the 503 page is in the site's look

SYLLABLES = ["ба", "ве", "го", "да", "ле", "ми", "но", "пе", "ро", "со"]  # fmt: skip
FIRST = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Иван",
    "Михаил",
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Екатерина",
]
PATRONYMIC = [
    "Александрович",
    "Дмитриевич",
    "Сергеевич",
    "Андреевич",
    "Иванович",
    "Петрович",
    "Николаевич",
    "Юрьевич",
]
REGIONS = [
    "RU-MOW",
    "RU-SPE",
    "RU-IRK",
    "RU-PRI",
    "RU-NVS",
    "RU-SVE",
    "RU-TA",
    "RU-KDA",
    "RU-KGD",
    "RU-NIZ",
    "RU-SAM",
    "RU-ROS",
]


def realistic_claims(worker: int, n: int) -> dict[str, str]:
    """A distinct, plausible signer for every (worker, n): a generated surname, a name, a region."""
    index = worker * 1_000_000 + n
    surname = ""
    rest = index
    while True:  # the index written in syllables: distinct indexes, distinct surnames
        surname += SYLLABLES[rest % len(SYLLABLES)]
        rest //= len(SYLLABLES)
        if not rest:
            break
    surname = surname.capitalize() + "ов"
    return {
        "full_name": " ".join(
            (surname, FIRST[index % len(FIRST)], PATRONYMIC[(index // 7) % len(PATRONYMIC)])
        ),
        "region": REGIONS[index % len(REGIONS)],
        "publication": "named" if index % 4 else "anonymous",
    }


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    acknowledged: int = 0
    ack_log: list[tuple[float, int]] = field(default_factory=list)  # (time, acknowledged so far)
    receipts: list[str] = field(default_factory=list)  # receipt tokens of acknowledged signatures
    statuses: dict[int, int] = field(default_factory=dict)
    # Server errors that were not the site's own 503 page (a stack trace, a proxy's page).
    unclear: list[bytes] = field(default_factory=list)

    def answered(self, status: int, content: bytes) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 500 and not (status == 503 and UNAVAILABLE_PAGE in content):
            self.unclear.append(content[:500])

    def took(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def failed(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        async with asyncio.timeout(30):
            return await self._request(method, path, headers, body)

    async def _request(
        self, method: str, path: str, headers: dict[str, str] | None, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "Accept-Language: ru"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        cookies = []
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                if name.lower() == "set-cookie":
                    cookies.append(value.strip())
                response_headers[name.lower()] = value.strip()
        response_headers["set-cookie"] = "\n".join(cookies)
        if response_headers.get("transfer-encoding") == "chunked":
            content = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                content += chunk[:-2]
        else:
            content = await self.reader.readexactly(
                int(response_headers.get("content-length", "0"))
            )
        if response_headers.get("connection") == "close":
            self.writer.close()
            self.writer = None
        return status, response_headers, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def signer(worker: int, port: int, slug: str, until: float, results: Results) -> None:
    connection = Connection(port)
    n = 0
    while time.monotonic() < until:
        n += 1
        try:
            started = time.monotonic()
            status, headers, page = await connection.request("GET", f"/c/{slug}/sign/")
            results.took("sign form (GET)", time.monotonic() - started)
            results.answered(status, page)
            token = TOKEN.search(page)
            cookie = re.search(r"csrftoken=([^;]+)", headers["set-cookie"])
            if status != 200 or token is None or cookie is None:
                results.failed("sign form (GET)")
                connection.close()
                connection = Connection(port)
                continue
            post_headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie.group(1)}",
                "Origin": f"http://{HOST}:{port}",
                "Referer": f"http://{HOST}:{port}/c/{slug}/sign/",
            }
            csrf = token.group(1).decode()
            body = urlencode({"csrfmiddlewaretoken": csrf, **realistic_claims(worker, n)})
            started = time.monotonic()
            status, headers, content = await connection.request(
                "POST", f"/c/{slug}/sign/", post_headers, body.encode()
            )
            results.took("sign: check (POST)", time.monotonic() - started)
            results.answered(status, content)
            answers = ANSWERS.search(content)
            if status != 200 or answers is None:
                results.failed("sign: check (POST)")
                connection.close()
                connection = Connection(port)
                continue
            body = urlencode(
                {"csrfmiddlewaretoken": csrf, "answers": answers.group(1).decode(), "confirm": "1"}
            )
            started = time.monotonic()
            status, headers, content = await connection.request(
                "POST", f"/c/{slug}/sign/", post_headers, body.encode()
            )
            acknowledged = time.monotonic()
            results.took("sign (POST)", acknowledged - started)
            results.answered(status, content)
            receipt = re.search(r"/r/([^/]+)/", headers.get("location", ""))
            if status == 302 and receipt:
                results.acknowledged += 1
                results.ack_log.append((acknowledged, results.acknowledged))
                results.receipts.append(receipt.group(1))
            else:
                results.failed("sign (POST)")
            # A new signer, a new browser.
            connection.close()
            connection = Connection(port)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            results.failed("connection")
            connection = Connection(port)


async def reader(
    port: int, paths: list[str], until: float, results: Results, rate: float = 0
) -> None:
    """Reads in turn, `rate` a second (0: each as soon as the last is answered)."""
    connection = Connection(port)
    i = 0
    due = time.monotonic()
    while time.monotonic() < until:
        if rate:
            due += 1 / rate
            if due > time.monotonic():
                await asyncio.sleep(due - time.monotonic())
        path = paths[i % len(paths)]
        i += 1
        kind = "count JSON" if path.endswith(".json") else "campaign page"
        try:
            started = time.monotonic()
            status, _, content = await connection.request("GET", path)
            results.took(kind, time.monotonic() - started)
            results.answered(status, content)
            if status != 200:
                results.failed(kind)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            results.failed("connection")
            connection = Connection(port)


CATCH_UP_SECONDS = 12  # how long after the load the count is still read


async def count_timeline(port: int, slug: str, until: float) -> list[tuple[float, int]]:
    """The public verified count, read every 50 ms until `until`: (time, count)."""
    connection = Connection(port)
    timeline: list[tuple[float, int]] = []
    while time.monotonic() < until:
        try:
            status, _, content = await connection.request("GET", f"/c/{slug}/counts.json")
        except (OSError, asyncio.IncompleteReadError, ValueError):
            connection = Connection(port)
            status, content = 0, b""
        found = VERIFIED.search(content)
        if status == 200 and found:
            timeline.append((time.monotonic(), int(found.group(1))))
        await asyncio.sleep(0.05)
    return timeline


def freshness(
    acks: list[float],
    timeline: list[tuple[float, int]],
    baseline: int,
    started: float,
    until: float,
) -> dict:
    """Count freshness: at every whole second of the load, how long from the latest
    acknowledgement until the public count first showed it (and every earlier one). A
    count never seen to catch up counts as the time to the last reading, marked."""
    samples, never = [], 0
    acks = sorted(acks)
    second = started + 1
    while second < until - 1:
        acked = bisect.bisect_right(acks, second)
        if acked:
            acked_at = acks[acked - 1]
            seen = next(
                (t for t, count in timeline if t >= second and count >= baseline + acked), None
            )
            if seen is None:
                never += 1
                seen = timeline[-1][0] if timeline else second
            samples.append(seen - acked_at)
        second += 1
    return {
        "samples": len(samples),
        "p50": percentile(samples, 0.5),
        "max": max(samples, default=0.0),
        "never_caught_up": never,
    }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def by_kind(latencies: dict[str, list[float]], seconds: float) -> dict[str, dict[str, float]]:
    """Requests, rate and p50/p99 latency of each kind of request."""
    return {
        kind: {
            "requests": len(values),
            "per_second": len(values) / seconds,
            "p50_ms": percentile(values, 0.50) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000,
        }
        for kind, values in latencies.items()
    }


async def drive(
    port: int,
    slug: str,
    seconds: float,
    signers: int,
    readers: int,
    baseline: int,
    read_rate: float = 0,
    first_signer: int = 0,
) -> dict:
    """Signers as fast as they are answered; readers together `read_rate` a second (0: as
    fast as they are answered). Signers numbered from `first_signer` sign as people no
    earlier run with other numbers signed as."""
    results = Results()
    started = time.monotonic()
    until = started + seconds
    paths = [slug] if slug.startswith("/") else [f"/c/{slug}/", f"/c/{slug}/counts.json"]
    tasks = [
        signer(i, port, slug, until, results) for i in range(first_signer, first_signer + signers)
    ]
    per_reader = read_rate / readers if readers else 0
    tasks += [reader(port, paths, until, results, per_reader) for _ in range(readers)]
    timeline = (
        asyncio.create_task(count_timeline(port, slug, until + CATCH_UP_SECONDS))
        if signers
        else None
    )
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    counts = await timeline if timeline else []
    return {
        "seconds": elapsed,
        "signatures_acknowledged": results.acknowledged,
        "signatures_per_second": results.acknowledged / elapsed,
        "by_kind": by_kind(results.latencies, elapsed),
        "errors": results.errors,
        "freshness_seconds": freshness(
            [t for t, _ in results.ack_log], counts, baseline, started, until
        ),
        "client_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # The client's own share of the machine: the server had the rest.
        "client_cpu_seconds": sum(os.times()[:2]),
    }


def main(args: list[str]) -> object:
    if args[0] == "timeline":
        port, slug, seconds = args[1:4]
        until = time.monotonic() + float(seconds) + CATCH_UP_SECONDS
        return uvloop.run(count_timeline(int(port), slug, until))
    port, slug, seconds, signers, readers, baseline = args[:6]
    read_rate = float(args[6]) if len(args) > 6 else 0
    first_signer = int(args[7]) if len(args) > 7 else 0
    return uvloop.run(  # the client's own CPU is taken from the server it measures
        drive(
            int(port),
            slug,
            float(seconds),
            int(signers),
            int(readers),
            int(baseline),
            read_rate,
            first_signer,
        )
    )


if __name__ == "__main__":
    report = main(sys.argv[1:-1])
    with open(sys.argv[-1], "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
