"""Requests through the real nginx with deploy/nginx/undersigned.conf, in front of a small
stand-in app that counts what reaches it: per-client limits, and junk in a query string
or a header that never gets past the cache."""

import http.client
import re
import shlex
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from harness.net import free_port
from harness.nginx import NginxPorts, running_nginx, stand_in_app

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
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "exports" / "x").mkdir(parents=True)
    (prefix / "exports" / "x" / "signatories.csv").write_text("full_name\nОльга\n")
    ports = NginxPorts(free_port())
    with (
        stand_in_app(StandIn) as app,
        running_nginx(prefix, ports, [app.server_address[1]], unlimited=("127.0.0.1",)),
    ):
        yield ports.plain


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


def accept_language_map() -> tuple[dict[str, str], re.Pattern[str]]:
    """The exact entries and the regular expression of the config's Accept-Language map."""
    site = (
        Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "undersigned.conf"
    ).read_text()
    block = site.split("map $http_accept_language $undersigned_accept_language {", 1)[1]
    block = block.split("\n}", 1)[0]
    exact: dict[str, str] = {}
    expression = None
    for line in block.strip().splitlines():
        source, value = shlex.split(line.strip().rstrip(";"))
        if source.startswith("~*"):
            # PCRE's named group, in Python's spelling.
            expression = re.compile(source[2:].replace("(?<", "(?P<"), re.IGNORECASE)
        elif source != "default":
            exact[source] = value
    assert expression is not None
    return exact, expression


def test_headers_listed_in_the_language_map_get_the_expressions_answer(proxy: int) -> None:
    """The common headers are looked up as they are, not matched by the expression; each
    must be cut down to what the expression makes of it, and reach the app so."""
    exact, expression = accept_language_map()
    assert len(exact) > 5
    for header, value in exact.items():
        found = expression.match(header)
        assert (found.group("undersigned_lang") if found else "") == value, header
    StandIn.seen.clear()
    for n, (header, value) in enumerate(exact.items()):
        if header:
            assert get(proxy, f"/c/lang-{n}/", **{"Accept-Language": header}) == (
                200,
                f"page in [{value}]",
            )
    assert StandIn.seen == [
        (f"/c/lang-{n}/", value) for n, (header, value) in enumerate(exact.items()) if header
    ]
