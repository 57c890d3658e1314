"""The attacks of bench/hostile.py's crowd, each from its own client address, at most
ATTACK_RATE requests a second: what each sends and what it got back."""

import http.client
import itertools
import random
import re
import secrets
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.slow_app import SLOW_PREFIX, SLOW_SECONDS
from harness.stack import SLUG

VERIFIER, VERIFIER_PASSWORD = "verifier", "verifier-bench-pass"


# --- the attackers -------------------------------------------------------------------


class Tally:
    """What one attacker sent and what it got back."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()

    def note(self, status: object) -> None:
        with self.lock:
            self.statuses[str(status)] += 1


def request(
    port: int,
    source: str,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    read: bool = True,
    timeout: float = 10,
) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        if read:
            response.read()
        else:
            response.read(1024)  # the first bytes, then gone
        return response.status
    finally:
        connection.close()


ATTACK_RATE = 100.0  # requests a second an attacker sends at most, all its connections together


def set_attack_rate(rate: float) -> None:
    global ATTACK_RATE
    ATTACK_RATE = rate


def run_threads(
    connections: int, stop: threading.Event, tally: Tally, each: Callable[[int], int]
) -> list[threading.Thread]:
    """`connections` threads calling `each` in turn, at ATTACK_RATE a second in all."""
    interval = connections / ATTACK_RATE

    def loop(n: int) -> None:
        next_at = time.monotonic()
        while not stop.is_set():
            try:
                tally.note(each(n))
            except (OSError, http.client.HTTPException) as error:
                tally.note(type(error).__name__)
            next_at = max(next_at + interval, time.monotonic() - 1)
            stop.wait(max(0.0, next_at - time.monotonic()))

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(connections)]
    for thread in threads:
        thread.start()
    return threads


def exports_then_leave(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """16 connections asking for the signatories' CSV and XLSX with a random query string,
    leaving after the first bytes."""
    formats = ("csv", "xlsx", "json")
    return run_threads(
        16,
        stop,
        tally,
        lambda n: request(
            port,
            source,
            f"/c/{SLUG}/data/signatories.{formats[n % 3]}?x={secrets.token_hex(6)}",
            read=False,
        ),
    )


def deep_cursor_crawl(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """4 connections following the signatories' next links, from the first page on."""
    pattern = re.compile(r'href="\?after=([^"]+)" rel="next"')

    def crawl(n: int) -> int:
        cursor = ""
        status = 200
        for _ in range(50):
            if stop.is_set():
                break
            connection = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=10, source_address=(source, 0)
            )
            connection.request("GET", f"/c/{SLUG}/signatories/{cursor}")
            response = connection.getresponse()
            html = response.read().decode(errors="replace")
            connection.close()
            status = response.status
            tally.note(status)
            found = pattern.search(html)
            if status != 200 or found is None:
                break
            cursor = "?after=" + found.group(1)
        return status

    return run_threads(4, stop, tally, crawl)


def cache_bypass(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """8 connections asking public pages with a random query string and Accept-Language."""
    paths = ("/", f"/c/{SLUG}/", f"/c/{SLUG}/signatories/", f"/c/{SLUG}/counts.json")
    return run_threads(
        8,
        stop,
        tally,
        lambda n: request(
            port,
            source,
            f"{random.choice(paths)}?z={secrets.token_hex(6)}",
            headers={"Accept-Language": f"x-{secrets.token_hex(3)}, en;q=0.{n + 1}"},
        ),
    )


def half_headers(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """1,100 sockets each sending half a request header, opened again when closed."""

    def hold() -> None:
        sockets: list[socket.socket] = []
        while not stop.is_set():
            while len(sockets) < 1100 and not stop.is_set():
                try:
                    sock = socket.socket()
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.bind((source, 0))
                    sock.settimeout(2)
                    sock.connect(("127.0.0.1", port))
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    sockets.append(sock)
                    tally.note("opened")
                except OSError as error:
                    tally.note(type(error).__name__)
                    break
            time.sleep(0.5)
            alive = []
            for sock in sockets:
                try:
                    sock.sendall(b"a")
                    alive.append(sock)
                except OSError:
                    tally.note("closed by nginx")
                    sock.close()
            sockets = alive
        for sock in sockets:
            sock.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return [thread]


def wrong_passwords(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """2 connections posting wrong passwords for the verifier (no captcha solved)."""
    return run_threads(2, stop, tally, lambda n: desk_login_post(port, source, "wrong"))


def junk_posts(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """4 connections posting junk to the signing form."""
    return run_threads(
        4,
        stop,
        tally,
        lambda n: request(
            port,
            source,
            f"/c/{SLUG}/sign/",
            method="POST",
            body=f"full_name={secrets.token_hex(8)}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    )


def captcha_refresh(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """4 connections asking /captcha/refresh/ as the widget's script would."""
    return run_threads(
        4,
        stop,
        tally,
        lambda n: request(
            port, source, "/captcha/refresh/", headers={"X-Requested-With": "XMLHttpRequest"}
        ),
    )


def junk_via(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """4 connections opening the signing and campaign pages with random ?via= codes."""
    return run_threads(
        4,
        stop,
        tally,
        lambda n: request(
            port, source, f"/c/{SLUG}/{'sign/' if n % 2 else ''}?via={secrets.token_hex(5)}"
        ),
    )


def charts_and_cards(port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
    """4 connections asking the charts and cards of both languages while counts move."""
    paths = [
        *(
            f"/c/{SLUG}/charts/{name}.svg?lang={lang}"
            for name in ("map", "timeline", "regions")
            for lang in ("ru", "en")
        ),
        *(f"/c/{SLUG}/card.{lang}.png" for lang in ("ru", "en")),
    ]
    return run_threads(
        4,
        stop,
        tally,
        lambda n: request(port, source, random.choice(paths)),
    )


SLOW_CONNECTIONS = 6  # 3 a server: as many timeouts as set a server aside (max_fails=3)


class SlowRequests:
    """6 connections, each asking for a request that an app server answers only after nginx
    has stopped waiting (bench/slow_app.py), and asking again when nginx gives up. Each
    request has a path of its own, so the app's log of them shows whether nginx sent one
    to more than one server."""

    def __init__(self) -> None:
        self.sent = itertools.count()

    def __call__(self, port: int, source: str, stop: threading.Event, tally: Tally) -> Any:
        def each(n: int) -> int:
            path = f"{SLOW_PREFIX}{next(self.sent)}/"
            return request(port, source, path, timeout=SLOW_SECONDS + 10)

        return run_threads(SLOW_CONNECTIONS, stop, tally, each)


slow_request = SlowRequests()


# The attacks of the table, by the names --attacks takes.
ATTACKS: dict[str, Callable[[int, str, threading.Event, Tally], Any]] = {
    "exports-then-leave": exports_then_leave,
    "deep-cursor-crawl": deep_cursor_crawl,
    "junk-query-and-language": cache_bypass,
    "half-headers": half_headers,
    "wrong-passwords": wrong_passwords,
    "junk-posts": junk_posts,
    "captcha-refresh": captcha_refresh,
    "junk-via": junk_via,
    "charts-and-cards": charts_and_cards,
    # Last: its requests still hold app threads for a while after its phase.
    "slow-request": slow_request,
}
# The slow request's phase outlasts nginx's proxy_read_timeout (30 s), so that its
# timeouts, and what nginx makes of them, fall inside it; the verifier signs in after them.
LONGER_PHASES = {"slow-request": 50.0}
DESK_AT = {"slow-request": 35.0}


def desk_login_post(port: int, source: str, password: str) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", "/desk/login/", headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        html = response.read().decode(errors="replace")
        cookie = ""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                cookie = value.split(";", 1)[0]
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        token = found.group(1) if found else ""
        body = f"csrfmiddlewaretoken={token}&username={VERIFIER}&password={password}"
        connection.request(
            "POST",
            "/desk/login/",
            body=body,
            headers={
                "Host": f"127.0.0.1:{port}",
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{port}",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
