"""Several app servers behind the real nginx with deploy/nginx/undersigned.conf: a slow
request reaches one server once, is never retried on the others, and sets none of them
aside; a server that refuses connections is passed over without an error for anyone.
Only the read timeout is shortened (30 s to 2 s), so that a slow request is quick to make."""

import http.client
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast

import pytest

from harness.net import free_port, port_open, wait_until
from harness.nginx import nginx_config

# Runs the real nginx, which `make test` installs (scripts/test_tools.py).
pytestmark = pytest.mark.tools

READ_TIMEOUT = 2


class AppServer(BaseHTTPRequestHandler):
    """An app server that answers /c/slow*/ later than nginx waits, anything else at once."""

    hits: Counter[tuple[int, str]] = Counter()
    lock = threading.Lock()

    def do_GET(self) -> None:
        with AppServer.lock:
            AppServer.hits[(cast(ThreadingHTTPServer, self.server).server_port, self.path)] += 1
        if self.path.startswith("/c/slow"):
            time.sleep(READ_TIMEOUT + 2)
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
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, list[int]]]:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), AppServer) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [server.server_address[1] for server in servers]
    refusing = free_port()  # nothing listens there
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "static").mkdir()
    port = free_port()
    conf = nginx_config(
        prefix,
        port,
        [*ports, refusing],
        prefix / "static",
        prefix / "cache",
        unlimited=("127.0.0.1",),
    )
    assert "proxy_read_timeout 30s;" in conf
    (prefix / "nginx.conf").write_text(
        conf.replace("proxy_read_timeout 30s;", f"proxy_read_timeout {READ_TIMEOUT}s;")
    )
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
    )
    try:
        wait_until(lambda: port_open(port), what="nginx")
        yield port, ports
    finally:
        nginx.terminate()
        nginx.wait(10)
        for server in servers:
            server.shutdown()


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=READ_TIMEOUT * 5)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_a_slow_request_is_sent_once_and_sets_no_server_aside(
    proxy: tuple[int, list[int]],
) -> None:
    port, servers = proxy
    paths = [f"/c/slow-{n}/" for n in range(6)]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda p=p: statuses.append(get(port, p))) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [504] * len(paths)
    for path in paths:  # each reached one server, once
        assert sum(AppServer.hits[(server, path)] for server in servers) == 1, path

    # Every server is still in use: the pages after it are answered, by both.
    answers = [get(port, f"/c/fine-{n}/") for n in range(12)]
    assert answers == [200] * 12
    for server in servers:
        assert any(AppServer.hits[(server, f"/c/fine-{n}/")] for n in range(12)), server


def test_a_server_that_refuses_connections_is_passed_over(proxy: tuple[int, list[int]]) -> None:
    port, _servers = proxy
    assert [get(port, f"/c/other-{n}/") for n in range(12)] == [200] * 12
