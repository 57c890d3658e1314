"""The page cache of deploy/nginx/undersigned.conf, in the real nginx, answers the query
asked: the log's entries and proofs and the API's pages are kept per whole query, while
junk in the query of a public page still reaches the copy already kept."""

import http.client
import shutil
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from harness.net import free_port
from harness.nginx import NginxPorts, running_nginx, stand_in_app

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")


class App(BaseHTTPRequestHandler):
    """Answers every GET as public for a minute, with the path and query it was asked."""

    seen: list[str] = []

    def do_GET(self) -> None:
        App.seen.append(self.path)
        body = f"answer to {self.path}".encode()
        kept = "public, max-age=60"
        if self.path == "/c/fresh/":  # a new version each time, kept a second as pages are
            body = f"version {App.seen.count(self.path)}".encode()
            kept = "public, max-age=0, s-maxage=1"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", kept)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    ports = NginxPorts(free_port())
    with (
        stand_in_app(App) as app,
        running_nginx(
            tmp_path_factory.mktemp("nginx"),
            ports,
            [app.server_address[1]],
            unlimited=("127.0.0.1",),
        ),
    ):
        yield ports.plain


def get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "petition.example.org"})
        response = connection.getresponse()
        assert response.status == 200, path
        return response.read().decode()
    finally:
        connection.close()


# Two queries in turn of each kind of endpoint whose answer depends on its query.
ASKED_IN_TURN = [
    ("/c/x/log/entries?start=0", "/c/x/log/entries?start=2"),
    ("/c/x/log/entries?start=0&end=2", "/c/x/log/entries?start=0&end=3"),
    ("/c/x/log/proof/consistency?first=1", "/c/x/log/proof/consistency?first=3"),
    ("/c/x/log/proof/consistency?first=1&second=4", "/c/x/log/proof/consistency?first=1&second=5"),
    ("/c/x/log/proof/inclusion?index=0&size=4", "/c/x/log/proof/inclusion?index=1&size=4"),
    ("/c/x/log/proof/inclusion?index=0&size=4", "/c/x/log/proof/inclusion?index=0&size=5"),
    ("/api/v1/campaigns/x/signatories?per_page=1", "/api/v1/campaigns/x/signatories?per_page=3"),
    ("/api/v1/campaigns/x/signatories?after=one", "/api/v1/campaigns/x/signatories?after=two"),
    # A parameter given twice: the app reads the last one.
    (
        "/api/v1/campaigns/x/signatories?per_page=1",
        "/api/v1/campaigns/x/signatories?per_page=1&per_page=3",
    ),
    ("/c/x/log/entries?start=0", "/c/x/log/entries?start=0&start=2"),
]


@pytest.mark.parametrize(("first", "second"), ASKED_IN_TURN)
def test_each_query_gets_its_own_answer(port: int, first: str, second: str) -> None:
    for _ in range(2):  # the second time round, both are in the cache
        assert get(port, first) == f"answer to {first}"
        assert get(port, second) == f"answer to {second}"


def test_the_same_query_is_kept(port: int) -> None:
    App.seen.clear()
    for _ in range(3):
        get(port, "/c/y/log/proof/consistency?first=2&second=9")
        get(port, "/api/v1/campaigns/y/signatories?per_page=7")
    assert App.seen == [
        "/c/y/log/proof/consistency?first=2&second=9",
        "/api/v1/campaigns/y/signatories?per_page=7",
    ]


def test_junk_on_a_public_page_still_reaches_the_kept_copy(port: int) -> None:
    App.seen.clear()
    for n in range(10):
        assert get(port, f"/c/z/?utm_source={n}") == "answer to /c/z/?utm_source=0"
    assert App.seen == ["/c/z/?utm_source=0"]


# Queries that nginx and the app would read differently: nginx keys a page on the first
# `after=` whose name matches whatever its case, the app reads the last one, its name
# decoded. Answered, but never kept: no one else is shown the page they would get.
AMBIGUOUS = [
    "after=one&after=two",
    "after=one&after",
    "%61fter=two",
    "AFTER=two",
    "q=one&junk=1&q=two",
    "lang=en&lang=ru",
]


@pytest.mark.parametrize("query", AMBIGUOUS)
def test_a_query_read_two_ways_is_never_kept_for_others(port: int, query: str) -> None:
    page = f"/c/amb-{AMBIGUOUS.index(query)}/signatories/"
    get(port, f"{page}?{query}")
    for value in ("one", "two"):
        for plain in (page, f"{page}?after={value}", f"{page}?q={value}"):
            assert get(port, plain) == f"answer to {plain}"
    for plain in (f"{page}?lang=en", f"{page}?lang=ru"):
        assert get(port, plain) == f"answer to {plain}"


def test_a_refreshed_copy_is_served_at_once(port: int) -> None:
    """A copy refreshed after its second reaches the readers, one refresh at a time."""
    served = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(set(served)) < 4:
        served.append(int(get(port, "/c/fresh/").removeprefix("version ")))
        time.sleep(0.05)
    assert served == sorted(served)
    assert len(set(served)) >= 4  # each refresh reached the readers
    assert served[-1] >= App.seen.count("/c/fresh/") - 1  # at most one refresh under way
