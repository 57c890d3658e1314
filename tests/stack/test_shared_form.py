"""The blank signing form through the real nginx (deploy/nginx/undersigned.conf): one
page kept for everyone, each visitor's CSRF secret written in by nginx, and a
signature made with it accepted by the app's CSRF check."""

import http.client
import re
import secrets
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from harness.client import realistic_claims
from harness.stack import SLUG, Stack, seeded_stack

pytestmark = pytest.mark.stack

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
FORM = f"/c/{SLUG}/sign/"


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with seeded_stack() as running:
        yield running


def request(
    stack: Stack, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, http.client.HTTPResponse, str]:
    assert stack.nginx_port is not None
    connection = http.client.HTTPConnection("127.0.0.1", stack.nginx_port, timeout=10)
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read().decode()
    finally:
        connection.close()


def csrf_cookie(response: http.client.HTTPResponse) -> str | None:
    for value in response.headers.get_all("Set-Cookie") or []:
        if value.startswith("csrftoken="):
            return value
    return None


def form_token(page: str) -> str:
    found = TOKEN.search(page)
    assert found, page[:500]
    return found.group(1)


def test_a_new_visitor_gets_a_random_secret_as_cookie_and_in_the_page(stack: Stack) -> None:
    secrets_seen = set()
    for _ in range(2):
        status, response, page = request(stack, "GET", FORM)
        assert status == 200
        cookie = csrf_cookie(response)
        assert cookie is not None
        value, *attributes = cookie.split("; ")
        secret = value.removeprefix("csrftoken=")
        assert re.fullmatch(r"[0-9a-f]{32}", secret)
        assert {"Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=31449600"} <= set(attributes)
        assert form_token(page) == secret
        assert "csrf-token" not in page
        assert response.headers["Cache-Control"] == "private, no-cache"
        secrets_seen.add(secret)
    assert len(secrets_seen) == 2


def test_a_returning_visitor_keeps_their_secret(stack: Stack) -> None:
    mine = secrets.token_hex(16)
    status, response, page = request(stack, "GET", FORM, {"Cookie": f"csrftoken={mine}"})
    assert status == 200
    assert csrf_cookie(response) is None
    assert form_token(page) == mine


def test_a_malformed_cookie_is_replaced(stack: Stack) -> None:
    status, response, page = request(stack, "GET", FORM, {"Cookie": 'csrftoken=x"><script>'})
    cookie = csrf_cookie(response)
    assert status == 200 and cookie is not None
    assert form_token(page) == cookie.split(";")[0].removeprefix("csrftoken=")
    assert "<script>" not in page


def test_the_page_is_kept_by_nginx(stack: Stack) -> None:
    request(stack, "GET", FORM)
    request(stack, "GET", FORM)
    kept = [
        path
        for path in (stack.workdir / "nginx" / "cache").rglob("*")
        if path.is_file() and FORM.encode() in path.read_bytes()[:1024]
    ]
    assert kept
    assert all(b"<csrf-token>" in path.read_bytes() for path in kept)


def test_the_secret_nginx_wrote_signs_and_a_forged_one_does_not(stack: Stack) -> None:
    status, response, page = request(stack, "GET", FORM)
    cookie = (csrf_cookie(response) or "").split(";")[0]
    claims = realistic_claims(990, 1)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    body = urlencode({"csrfmiddlewaretoken": form_token(page), **claims})
    status, response, check = request(stack, "POST", FORM, headers, body)
    assert status == 200  # "check your answers", then the confirmation signs
    answers = re.search(r'name="answers" value="([^"]+)"', check)
    assert answers
    confirm = {"csrfmiddlewaretoken": form_token(page), "answers": answers.group(1)}
    status, response, _ = request(
        stack, "POST", FORM, headers, urlencode({**confirm, "confirm": "1"})
    )
    assert status == 302
    assert "/r/" in response.headers["Location"]
    stored = stack.psql(
        f"SELECT count(*) FROM signatures_signature WHERE full_name = '{claims['full_name']}'"  # noqa: S608  # a generated name
    )
    assert stored == "1"

    forged = urlencode({"csrfmiddlewaretoken": secrets.token_hex(16), **realistic_claims(990, 2)})
    status, _, _ = request(stack, "POST", FORM, headers, forged)
    assert status == 403


def test_a_query_goes_to_the_app_with_its_own_token(stack: Stack) -> None:
    # Even with a visitor's own X-Shared-Form, a page with a query is the visitor's alone.
    status, response, page = request(stack, "GET", FORM + "?ref=telegram", {"X-Shared-Form": "1"})
    assert status == 200
    cookie = csrf_cookie(response)
    assert cookie is not None
    assert len(form_token(page)) == 64  # the app's masked token, not nginx's secret


def test_a_refused_sender_passes_the_kept_copy_to_the_app(stack: Stack) -> None:
    # The reminder a refusal leaves sends the form to the app, which says whether the
    # refusal still holds; here it has ended (the stack signs without limits), so the app
    # answers with the usual form and takes the reminder back.
    request(stack, "GET", FORM)  # a copy is kept for everyone
    mine = secrets.token_hex(16)
    headers = {"Cookie": f"csrftoken={mine}; signing_wait=1"}
    status, response, page = request(stack, "GET", FORM, headers)
    assert status == 200
    assert form_token(page) == mine  # nginx wrote in this visitor's secret
    cleared = [
        value
        for value in response.headers.get_all("Set-Cookie") or []
        if value.startswith("signing_wait=")
    ]
    assert cleared and "Max-Age=0" in cleared[0]
    assert response.headers["Cache-Control"] == "private, no-cache"
