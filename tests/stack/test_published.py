"""The files the count job writes (PUBLISHED_ROOT) through the real nginx
(deploy/nginx/undersigned.conf): counts.json and the campaign page in the language the app
would choose, sent with the app's own headers, the count moving as soon as the count job
has counted a signature, and the app's answer whenever there is no file or a query."""

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
PAGE = f"/c/{SLUG}/"
FORM = f"/c/{SLUG}/sign/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
COUNTED_AT = re.compile(rb'<p class="freshness">[^<]*</p>')
# What differs between any two answers, or says how the body was made rather than what
# it is: nginx's ETag is its own.
UNCOMPARED = {
    "date",
    "etag",
    "last-modified",
    "content-length",
    "accept-ranges",
    "server",
    "connection",
    "keep-alive",
}
# The JSON is the same in every language: its file says none.
UNCOMPARED_COUNTS = {"vary", "content-language"}


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


def published(stack: Stack, name: str = f"counts/{SLUG}.json") -> bytes:
    path = stack.workdir / "var" / "published" / name
    deadline = time.monotonic() + 20
    while not path.exists():  # the periodic runner's first count job
        assert time.monotonic() < deadline, "no counts file"
        time.sleep(0.1)
    return path.read_bytes()


def compared(
    response: http.client.HTTPResponse, skip: set[str] = UNCOMPARED_COUNTS
) -> dict[str, str]:
    return {k.lower(): v for k, v in response.getheaders() if k.lower() not in UNCOMPARED | skip}


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


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        ({}, "ru"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "en"),
        ({"Accept-Language": "en", "Cookie": "django_language=ru"}, "ru"),
        ({"Cookie": "django_language=en"}, "en"),
        ({"Accept-Language": "de-DE,de;q=0.9"}, "ru"),
    ],
)
def test_the_page_is_the_file_of_the_language_the_app_would_choose(
    stack: Stack, headers: dict[str, str], language: str
) -> None:
    assert stack.nginx_port is not None
    path = f"pages/{language}/{SLUG}.html"
    published(stack, path)
    # The same page as the app's, but for when each was made: the file is written after
    # the count job's run, so it may be a run behind for a moment.
    deadline = time.monotonic() + 10
    while True:
        status, response, body = get(stack.nginx_port, PAGE, headers)
        status_app, from_app, app_body = get(stack.app_ports[0], PAGE, headers)
        assert (status, status_app) == (200, 200)
        if COUNTED_AT.sub(b"", app_body) == COUNTED_AT.sub(b"", body):
            break
        assert time.monotonic() < deadline, "the file never showed what the app shows"
        time.sleep(0.2)
    assert response.headers["Last-Modified"]  # from the file
    assert from_app.headers["Content-Language"] == language
    assert compared(response, set()) == compared(from_app, set())


def test_a_page_with_a_query_or_a_post_is_the_apps(stack: Stack) -> None:
    assert stack.nginx_port is not None
    published(stack, f"pages/ru/{SLUG}.html")
    status, response, _ = get(stack.nginx_port, PAGE + "?via=unknown")
    assert status == 200
    assert "Last-Modified" not in response.headers
    status, response, _ = get(stack.nginx_port, PAGE, method="POST")
    assert status in (403, 405)
    assert "Last-Modified" not in response.headers
