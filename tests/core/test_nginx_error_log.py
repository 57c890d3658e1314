"""What nginx writes to disk with deploy/nginx/undersigned.conf, run in the real nginx: no
receipt token, no confirmation or unsubscribe token and no client address, whether its
limits refuse a flood, the app is slow, or every app server is down, on the public
listener and on the onion service's.

Only the read timeout is shortened (30 s to 1 s), so that a slow request is quick to make."""

import secrets
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.net import free_port
from harness.nginx import NginxPorts, running_nginx, stand_in_app
from harness.tor import tor_proxy_line

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

READ_TIMEOUT = 1
RECEIPT = "receipt" + secrets.token_hex(12)
CONFIRM = "confirm" + secrets.token_hex(12)
UNSUBSCRIBE = "unsub" + secrets.token_hex(12)
CLIENT = "127.0.0.1"
# What a request names: a receipt, the signing form's post, a subscription's links.
REQUESTS = [
    ("GET", f"/r/{RECEIPT}/"),
    ("POST", f"/r/{RECEIPT}/withdraw/"),
    ("POST", "/c/deputies-appeal/sign/"),
    ("GET", f"/updates/confirm/{CONFIRM}/"),
    ("GET", f"/updates/unsubscribe/{UNSUBSCRIBE}/"),
]


class App(BaseHTTPRequestHandler):
    """An app server that answers at once, or later than nginx waits when `slow` is set."""

    slow = threading.Event()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if App.slow.is_set():
            time.sleep(READ_TIMEOUT + 1)
        body = b"private page"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Cache-Control", "private, no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # nginx stopped waiting for a slow answer

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def send(port: int, method: str, path: str, circuit: int | None = None) -> int:
    """One request on its own connection; the status, or 0 when nginx closed it unanswered."""
    body = b"full_name=x" if method == "POST" else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: petition.example.org\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((CLIENT, port), timeout=READ_TIMEOUT * 10) as sock:
        sock.sendall((tor_proxy_line(circuit) if circuit is not None else b"") + head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    if not answer:
        return 0
    return int(answer.split(b" ", 2)[1])


def flood(port: int, path: str, count: int, circuit: int | None = None) -> list[int]:
    """`count` GETs of one path at once."""
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(send(port, "GET", path, circuit)))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@dataclass
class Running:
    prefix: Path
    ports: NginxPorts
    app: ThreadingHTTPServer
    written_before: set[Path]


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    prefix = tmp_path_factory.mktemp("nginx")
    ports = NginxPorts(free_port())

    def shorter_timeout(conf: str) -> str:
        assert "proxy_read_timeout 30s;" in conf
        return conf.replace("proxy_read_timeout 30s;", f"proxy_read_timeout {READ_TIMEOUT}s;")

    with (
        stand_in_app(App, CLIENT) as app,
        running_nginx(prefix, ports, [app.server_address[1]], edit=shorter_timeout) as before,
    ):
        yield Running(prefix, ports, app, before)


def test_nothing_nginx_writes_names_a_token_or_a_client(nginx: Running) -> None:
    ports = nginx.ports
    # Its limits refuse: one client, one receipt, 90 at once; the same through the onion.
    assert 429 in flood(ports.plain, f"/r/{RECEIPT}/", 90)
    assert 429 in flood(ports.onion, f"/r/{RECEIPT}/", 90, circuit=7)
    # The app is slower than nginx waits.
    App.slow.set()
    try:
        for method, path in REQUESTS:
            assert send(ports.plain, method, path) == 504, path
            assert send(ports.onion, method, path, circuit=8) == 504, path
    finally:
        App.slow.clear()
    # Every app server is down.
    nginx.app.shutdown()
    nginx.app.server_close()
    for method, path in REQUESTS:
        assert send(ports.plain, method, path) == 502, path
        assert send(ports.onion, method, path, circuit=9) == 502, path

    written = [
        file
        for file in nginx.prefix.rglob("*")
        if file.is_file() and file not in nginx.written_before
    ]
    assert any(file.name.endswith(".log") for file in written)  # nginx did write its log
    for file in written:
        text = file.read_bytes().decode(errors="replace")
        for secret in (RECEIPT, CONFIRM, UNSUBSCRIBE, CLIENT, "fc00:dead:beef"):
            assert secret not in text, (file.name, secret, text[-2000:])
