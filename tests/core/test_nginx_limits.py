"""Requests through the real nginx with deploy/nginx/undersigned.conf, in front of a small
stand-in app that counts what reaches it: per-client limits, and junk in a query string
or a header that never gets past the cache."""

import http.client
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harness.net import free_port, port_open, wait_until
from harness.nginx import nginx_config

# Runs the real nginx, which `make test` installs (scripts/test_tools.py).
pytestmark = pytest.mark.tools


class StandIn(BaseHTTPRequestHandler):
    """Answers every page as public for a minute, saying which language it was asked in."""

    seen: list[tuple[str, str]] = []

    def do_GET(self) -> None:
        if self.path.startswith("/c/x/data/"):  # as the app names a download
            self.send_response(200)
            self.send_header("Content-Type", "text/csv; charset=utf-8")
            self.send_header("X-Accel-Redirect", "/_exports/x/" + self.path.rsplit("/", 1)[1])
            self.send_header("X-Accel-Expires", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        language = self.headers.get("Accept-Language", "")
        StandIn.seen.append((self.path, language))
        body = f"page in [{language}]".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Cache-Control", "public, max-age=0, s-maxage=60")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    app = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "static").mkdir()
    (prefix / "exports" / "x").mkdir(parents=True)
    (prefix / "exports" / "x" / "signatories.csv").write_text("full_name\nОльга\n")
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(
        nginx_config(
            prefix,
            port,
            [app.server_address[1]],
            prefix / "static",
            prefix / "cache",
            unlimited=("127.0.0.1",),
        )
    )
    nginx = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"])
    try:
        wait_until(lambda: port_open(port), what="nginx")
        yield port
    finally:
        nginx.terminate()
        nginx.wait(10)
        app.shutdown()


def get(port: int, path: str, source: str = "127.0.0.1", **headers: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_junk_query_strings_and_languages_do_not_reach_the_app(proxy: int) -> None:
    StandIn.seen.clear()
    assert get(proxy, "/c/x/", **{"Accept-Language": "en-GB,en;q=0.9"}) == (200, "page in [en]")
    for n in range(20):
        status, body = get(
            proxy, f"/c/x/?z={n}&utm_source={n}", **{"Accept-Language": f"en-US, x-{n};q=0.5"}
        )
        assert (status, body) == (200, "page in [en]")
    assert StandIn.seen == [("/c/x/", "en")]  # once, with the cut-down header


def test_unsupported_languages_share_the_default_copy(proxy: int) -> None:
    StandIn.seen.clear()
    for n in range(10):
        assert get(proxy, "/c/y/", **{"Accept-Language": f"zz-{n}, qq;q=0.{n}"}) == (
            200,
            "page in []",
        )
    assert get(proxy, "/c/y/", **{"Accept-Language": "de, ru;q=0.8"}) == (200, "page in [ru]")
    assert StandIn.seen == [("/c/y/", ""), ("/c/y/", "ru")]


def test_meaningful_parameters_are_kept_apart(proxy: int) -> None:
    StandIn.seen.clear()
    get(proxy, "/c/z/signatories/?after=one")
    get(proxy, "/c/z/signatories/?after=two")
    get(proxy, "/c/z/signatories/?after=two&junk=1")
    assert [path for path, _ in StandIn.seen] == [
        "/c/z/signatories/?after=one",
        "/c/z/signatories/?after=two",
    ]


def test_one_client_is_limited_and_others_are_not(proxy: int) -> None:
    statuses = [get(proxy, f"/c/r/?n={n}", source="127.0.0.2")[0] for n in range(80)]
    assert 429 in statuses  # past the burst, refused by nginx alone
    assert statuses[:20] == [200] * 20
    assert get(proxy, "/c/r/", source="127.0.0.3")[0] == 200  # another client
    assert all(get(proxy, f"/c/r/?n={n}")[0] == 200 for n in range(80))  # the unlimited one


def test_a_download_is_sent_by_nginx_from_disk(proxy: int) -> None:
    assert get(proxy, "/c/x/data/signatories.csv") == (200, "full_name\nОльга\n")
    assert get(proxy, "/_exports/x/signatories.csv")[0] == 404  # internal only


def test_the_config_carries_its_limits() -> None:
    site = (
        Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "undersigned.conf"
    ).read_text()
    assert "limit_req zone=undersigned_req" in site
    assert "limit_conn undersigned_conn" in site
    assert "undersigned_onion_req" not in site  # no one bucket for every onion visitor
    assert "0:1 $proxy_protocol_addr;" in site  # each onion circuit its own
    assert "max_fails=1" not in site
    assert "server 127.0.0.1:8000 backup max_fails=0;" in site  # never no live upstreams
    assert "proxy_next_upstream error;" in site  # a timeout is never retried elsewhere
    assert "$request_uri" not in site.split("proxy_cache_key", 1)[1].split(";", 1)[0]
