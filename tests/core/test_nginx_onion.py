"""The onion service's listener of deploy/nginx/undersigned.conf, in the real nginx, as Tor
reaches it with `HiddenServiceExportCircuitID haproxy` (deploy/tor/torrc): each connection
names its circuit in a PROXY protocol line, nginx limits each circuit on its own, and the
app is told the circuit (X-Real-IP) and that the visit came through the onion."""

import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from harness.net import free_port
from harness.nginx import NginxPorts, running_nginx, stand_in_app
from harness.tor import tor_proxy_line

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")


class App(BaseHTTPRequestHandler):
    """Answers every page, never kept, and notes who nginx said sent it."""

    seen: list[tuple[str, str, str]] = []

    def do_GET(self) -> None:
        App.seen.append(
            (
                self.path,
                self.headers.get("X-Real-IP", ""),
                self.headers.get("X-Onion-Service", ""),
            )
        )
        body = b"page"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NginxPorts]:
    listening = NginxPorts(free_port())
    with (
        stand_in_app(App) as app,
        running_nginx(tmp_path_factory.mktemp("nginx"), listening, [app.server_address[1]]),
    ):
        yield listening


def get(
    port: int, path: str, circuit: int | None = None, headers: dict[str, str] | None = None
) -> int:
    """One GET on its own connection; its status, or 0 when nginx closed it unanswered."""
    lines = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    head = f"GET {path} HTTP/1.1\r\nHost: petition.example.org\r\n{lines}Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall((tor_proxy_line(circuit) if circuit is not None else b"") + head.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]) if answer else 0


def flood(port: int, path: str, count: int, circuit: int) -> list[int]:
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(get(port, path, circuit)))
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_the_app_is_told_the_circuit_and_the_onion(ports: NginxPorts) -> None:
    App.seen.clear()
    assert get(ports.onion, "/c/a/", circuit=0x12345) == 200
    assert (
        get(ports.plain, "/c/b/", headers={"X-Onion-Service": "1", "X-Real-IP": "10.0.0.1"}) == 200
    )
    assert App.seen == [
        ("/c/a/", "fc00:dead:beef:4dad::1:2345", "1"),
        ("/c/b/", "127.0.0.1", ""),  # the clearnet: the address, never the onion flag
    ]


def test_a_flood_from_one_circuit_leaves_the_others_served(ports: NginxPorts) -> None:
    statuses = flood(ports.onion, "/c/flood/", 90, circuit=7)
    assert 429 in statuses  # refused by nginx alone, for that circuit
    assert [get(ports.onion, f"/c/other/?n={n}", circuit=8) for n in range(20)] == [200] * 20


def test_the_onion_listener_takes_only_what_tor_sends(ports: NginxPorts) -> None:
    App.seen.clear()
    assert get(ports.onion, "/c/no-circuit/") in (0, 400)  # no PROXY line: no page
    assert App.seen == []
