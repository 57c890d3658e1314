"""counts.json through the real nginx (deploy/nginx/undersigned.conf): the file the count
job writes (PUBLISHED_COUNTS_ROOT), sent with the app's own headers, moving as soon as the
count job has counted a signature, and the app's answer whenever there is no file."""

import http.client
import json
import re
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from harness.client import realistic_claims
from harness.stack import SLUG, Stack, seeded_stack
from undersigned.web.answers import CHECKED_IN_PAGE

pytestmark = pytest.mark.stack

COUNTS = f"/c/{SLUG}/counts.json"
FORM = f"/c/{SLUG}/sign/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
# What differs between any two answers, or says how the body was made rather than what
# it is: nginx's ETag is its own, and the JSON is the same in every language.
UNCOMPARED = {
    "date",
    "etag",
    "last-modified",
    "content-length",
    "accept-ranges",
    "server",
    "connection",
    "keep-alive",
    "vary",
    "content-language",
}


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with seeded_stack(3) as running:
        yield running


def get(
    port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET", body: str = ""
) -> tuple[int, http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def published(stack: Stack) -> bytes:
    path = stack.workdir / "var" / "published" / f"{SLUG}.json"
    deadline = time.monotonic() + 20
    while not path.exists():  # the periodic runner's first count job
        assert time.monotonic() < deadline, "no counts file"
        time.sleep(0.1)
    return path.read_bytes()


def compared(response: http.client.HTTPResponse) -> dict[str, str]:
    return {k.lower(): v for k, v in response.getheaders() if k.lower() not in UNCOMPARED}


def test_nginx_sends_the_file_with_the_apps_headers(stack: Stack) -> None:
    assert stack.nginx_port is not None
    content = published(stack)
    status, response, body = get(stack.nginx_port, COUNTS, {"Accept-Language": "ru"})
    assert status == 200
    assert response.headers["Last-Modified"]  # a file: the app never sends one
    assert json.loads(body) == json.loads(content)
    status, from_app, app_body = get(stack.app_ports[0], COUNTS, {"Accept-Language": "ru"})
    assert status == 200
    assert json.loads(app_body)["being_checked"] == json.loads(body)["being_checked"]
    assert compared(response) == compared(from_app)


def test_a_browser_revalidates_it(stack: Stack) -> None:
    assert stack.nginx_port is not None
    published(stack)
    _, response, _ = get(stack.nginx_port, COUNTS)
    status, _, body = get(stack.nginx_port, COUNTS, {"If-None-Match": response.headers["ETag"]})
    assert (status, body) == (304, b"")


def test_a_signature_is_in_the_file_once_counted(stack: Stack) -> None:
    assert stack.nginx_port is not None
    before = json.loads(published(stack))["verified"]
    status, response, page = get(stack.nginx_port, FORM)
    cookie = next(
        v.split(";")[0] for v in response.headers.get_all("Set-Cookie") or [] if "csrftoken" in v
    )
    found = TOKEN.search(page.decode())
    assert found
    claims = {CHECKED_IN_PAGE: "1", **realistic_claims(991, 1)}
    body = urlencode({"csrfmiddlewaretoken": found.group(1), **claims})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    status, response, _ = get(stack.nginx_port, FORM, headers, "POST", body)
    assert status == 302, response.headers
    deadline = time.monotonic() + 10
    while True:
        _, response, body = get(stack.nginx_port, COUNTS)
        if json.loads(body)["verified"] == before + 1:
            break
        assert time.monotonic() < deadline, "the count never moved"
        time.sleep(0.05)
    assert response.headers["Last-Modified"]  # from the file, not from the app


def test_without_a_file_the_app_answers(stack: Stack) -> None:
    assert stack.nginx_port is not None
    status, response, body = get(stack.nginx_port, "/c/no-such-campaign/counts.json")
    assert status == 404
    assert "Last-Modified" not in response.headers
    assert b"<html" in body.lower()  # the app's own page
