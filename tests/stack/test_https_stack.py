"""Production as docs/deploy.md sets it up, driven by a real browser with JavaScript off.

nginx with TLS (deploy/nginx/undersigned.conf as shipped, with a certificate made here in
place of certbot's), granian with SECURE=1, PostgreSQL with a streaming read replica,
Redis, the task worker and the periodic jobs. Headless Chromium signs over HTTPS, opens
the receipt, changes how the signature is shown, enters a confirmation code, withdraws;
a verifier enrols and signs in to the desk with password and TOTP and decides. The same
signing runs again through the onion service's listener. Then: unknown Host names are
refused, the onion flag cannot be forged from the clearnet, no secret link reached any
log, and public pages outlive the replica.
"""

import base64
import hashlib
import http.client
import re
import socket
import ssl
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from harness import ROOT
from harness.net import wait_until
from harness.nginx import ONION_NAME, PUBLIC_NAME
from harness.stack import Stack

pytestmark = [pytest.mark.stack, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
SLUG = "deputies-appeal"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "https"


def shipped_settings() -> dict[str, str]:
    """deploy/undersigned.env, the file the operator copies to /etc/undersigned/env, less
    what is this machine's own: addresses, paths and secrets (the stack supplies them)."""
    local = (
        "DATABASE_",
        "REDIS_URL",
        "SECRET_KEY",
        "LEDGER_SIGNING_KEY",
        "STATIC_",
        "VAR_",
        "PUBLISHED_ROOT",
    )
    shipped = {}
    for line in (ROOT / "deploy" / "undersigned.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            if not name.startswith(local):
                shipped[name] = value
    assert shipped["SECURE"] == "1" and shipped["TRUSTED_PROXY_HEADER"] == "X-Real-IP"
    assert shipped["ALLOWED_HOSTS"] == PUBLIC_NAME and shipped["ONION_HOST"] == ONION_NAME
    return shipped


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    running = Stack(
        app_workers=1,
        threads=4,
        settings={
            **shipped_settings(),
            "COUNT_INTERVAL_SECONDS": "1",
            "LOG_LEVEL": "INFO",
        },
    )
    try:
        running.start_postgres()
        running.create_database()
        running.start_redis()
        running.prepare()
        running.settings["DATABASE_REPLICA_URL"] = running.start_replica()
        running.demo_output = running.manage("load_demo", "--citizen-signatures", "0")
        port = running.start_app(wait=False)
        running.start_jobs()
        wait_until(lambda: running.get(f"http://127.0.0.1:{port}/") > 0, 300, "app server")
        running.start_nginx()
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def chromium(stack: Stack) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert stack.tor is not None
    onion_origin = f"http://{ONION_NAME}:{stack.tor.port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--host-resolver-rules=MAP {PUBLIC_NAME} 127.0.0.1, MAP {ONION_NAME} 127.0.0.1",
                # What Tor Browser does for every .onion: a secure origin over plain HTTP.
                f"--unsafely-treat-insecure-origin-as-secure={onion_origin}",
            ],
        )
        yield browser
        browser.close()


def page_for(chromium: Any) -> Any:
    # The certificate is self-signed here; everything else is as a visitor's browser has it.
    context = chromium.new_context(
        java_script_enabled=False, locale="en-US", ignore_https_errors=True
    )
    return context.new_page()


def https(stack: Stack, path: str = "/") -> str:
    assert stack.nginx_ports is not None
    return f"https://{PUBLIC_NAME}:{stack.nginx_ports.tls}{path}"


def onion(stack: Stack, path: str = "/") -> str:
    # Through what stands in for the Tor daemon: the circuit named first, as Tor does.
    assert stack.tor is not None
    return f"http://{ONION_NAME}:{stack.tor.port}{path}"


def fill_sign_form(page: Any, name: str, body: str, publication: str = "anonymous") -> None:
    page.locator("input[name=full_name]").fill(name)
    page.locator("input[name=office]").fill("депутат")
    page.locator("input[name=body]").fill(body)
    page.locator("input[name=municipality]").fill(body)
    page.locator("select[name=region]").select_option("RU-SPE")
    page.locator(f"input[name=publication][value={publication}]").check()


def submit_signature(stack: Stack, page: Any) -> str:
    """Submit the filled form (through a check-your-answers step if there is one); the
    receipt's token."""
    captcha = page.locator("input[name=captcha_0]")
    if captcha.count():
        page.locator("input[name=captcha_1]").fill(captcha_answer(stack, captcha.input_value()))
    page.locator("form[method=post] button[type=submit]").last.click()
    # The step that shows what will be public before anything is sent.
    assert page.get_by_role("heading", name="Check your answers before signing").is_visible()
    page.locator("button[name=confirm]").click()
    assert "/r/" in page.url, page.content()[:3000]
    return page.url.split("/r/", 1)[1].split("/", 1)[0]


def captcha_answer(stack: Stack, hashkey: str) -> str:
    assert re.fullmatch(r"[0-9a-f]{40}", hashkey)
    return stack.psql(f"SELECT response FROM captcha_captchastore WHERE hashkey = '{hashkey}'")  # noqa: S608  # checked hex


def sign_in_to_the_desk(stack: Stack, page: Any) -> None:
    match = re.search(r"verifier: (\S+)", stack.demo_output)  # type: ignore[attr-defined]
    assert match, stack.demo_output  # type: ignore[attr-defined]
    page.goto(https(stack, "/desk/?lang=en"))
    page.get_by_label("Username").fill("verifier")
    page.get_by_label("Password").fill("demo-password")
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    page.get_by_label("Enrolment code").fill(match.group(1))
    with page.expect_navigation():
        page.get_by_label("Enrolment code").press("Enter")
    secret = page.locator("code.secret").first.inner_text()
    field = page.get_by_label("Six-digit code from your authenticator app")
    field.fill(f"{totp(base64.b32decode(secret)):06d}")
    with page.expect_navigation():
        field.press("Enter")
    assert page.get_by_role("heading", name="Your campaigns").is_visible()


def open_signature_on_the_desk(stack: Stack, page: Any, token: str) -> None:
    # The verifier knows it from the queue (84 more are waiting there in the demo).
    page.goto(https(stack, f"/desk/s/{signature_field(stack, token, 'id')}/?lang=en"))
    assert page.get_by_role("heading", name="Candidates").count() <= 1


def test_the_documented_stack_over_https_and_the_onion(stack: Stack, chromium: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    signer = page_for(chromium)
    requested: list[str] = []
    signer.on("request", lambda request: requested.append(request.url))

    # Signs over HTTPS, through nginx's kept copy of the form.
    signer.goto(https(stack, f"/c/{SLUG}/sign/?lang=en"))
    signer.goto(https(stack, f"/c/{SLUG}/sign/"))
    assert signer.locator("input[name=captcha_1]").count() == 0
    fill_sign_form(signer, "Канарейкина Ольга Сергеевна", "МО Канареечный", "named")
    signer.screenshot(path=str(SHOTS / "sign.png"), full_page=True)
    token = submit_signature(stack, signer)
    receipt = https(stack, f"/r/{token}/")
    assert signer.url.startswith(receipt)
    signer.screenshot(path=str(SHOTS / "receipt.png"), full_page=True)

    # Changes how the signature is shown: less visible.
    signer.goto(receipt)
    form = signer.locator(f"form[action='/r/{token}/publication/']")
    form.locator("input[name=publication][value=anonymous]").check()
    form.locator("button[type=submit]").click()
    assert signer.url.startswith(receipt)
    assert signature_field(stack, token, "publication") == "anonymous"

    # A second, fake signature, for the verifier to reject.
    faker = page_for(chromium)
    faker.goto(https(stack, f"/c/{SLUG}/sign/?lang=en"))
    fill_sign_form(faker, "Провокаторов Пётр Петрович", "МО Выдуманный")
    fake_token = submit_signature(stack, faker)

    # The verifier enrols and signs in with password and TOTP, issues a code, rejects.
    desk = page_for(chromium)
    sign_in_to_the_desk(stack, desk)
    open_signature_on_the_desk(stack, desk, token)
    desk.get_by_role("button", name="Issue a code").click()
    code = desk.locator("p.code code").inner_text()
    open_signature_on_the_desk(stack, desk, fake_token)
    reject = desk.locator("form[action$='/reject/']")
    reject.locator("input[name=reason]").first.check()
    reject.locator("button[type=submit]").click()
    assert signature_field(stack, fake_token, "state") == "rejected"
    desk.screenshot(path=str(SHOTS / "desk-decided.png"), full_page=True)

    # The signer enters the code on the receipt.
    signer.goto(receipt + "?lang=en")
    confirm = signer.locator(f"form[action='/r/{token}/confirm/']")
    confirm.locator("input[name=code]").fill(code)
    confirm.locator("button[type=submit]").click()
    assert signature_field(stack, token, "state") == "verified"

    # The count moves on the public page, read from the replica.
    seen: list[str] = []

    def counted() -> bool:
        seen.append(counts_json(stack))
        return '"verified": 20,' in seen[-1]

    try:
        wait_until(counted, 30, "the verified count")
    except TimeoutError as late:
        raise AssertionError(seen[-1]) from late

    # Withdraws.
    signer.goto(receipt + "?lang=en")
    signer.get_by_role("button", name="Withdraw my signature…").click()
    signer.get_by_role("button", name="Yes, withdraw my signature").click()
    assert "Withdrawn" in signer.content()

    # The same signing through the onion service: always a captcha, since Tor users
    # cannot be told apart; the form posts over the onion's plain HTTP.
    tor = page_for(chromium)
    tor.goto(onion(stack, f"/c/{SLUG}/sign/?lang=en"))
    assert tor.locator("input[name=captcha_1]").count() == 1
    fill_sign_form(tor, "Луковая Анна Ивановна", "МО Луковый")
    onion_token = submit_signature(stack, tor)
    tor.goto(onion(stack, f"/r/{onion_token}/?lang=en"))
    assert tor.url.startswith(onion(stack, f"/r/{onion_token}/"))

    assert all(url.startswith((https(stack, "/"), onion(stack, "/"))) for url in requested), (
        requested
    )

    assert_unknown_hosts_are_refused(stack)
    assert_the_onion_flag_cannot_be_forged(stack)
    assert_public_pages_outlive_the_replica(stack)
    assert_no_secret_in_any_log(stack, [token, onion_token, code])


def test_the_files_nginx_sends_carry_the_apps_headers_over_https(stack: Stack) -> None:
    """The count job's files (PUBLISHED_ROOT) go out with the headers the app gives the
    same answer under SECURE=1: HSTS and the CSP included, over TLS as deployed."""
    # What differs between any two answers, or says how the body was made.
    uncompared = {"date", "etag", "last-modified", "content-length", "accept-ranges"}
    uncompared |= {"server", "connection", "keep-alive", "set-cookie"}

    def headers(response: http.client.HTTPResponse) -> dict[str, str]:
        response.read()
        return {k.lower(): v for k, v in response.getheaders() if k.lower() not in uncompared}

    asked = {"Accept-Language": "ru"}

    def from_file(path: str) -> bool:
        # The periodic runner writes the files a moment after it starts.
        return "Last-Modified" in tls_request(stack, path, headers=asked).headers

    for path in (f"/c/{SLUG}/counts.json", f"/c/{SLUG}/"):
        wait_until(partial(from_file, path), 30, f"{path} as a file")
        file = tls_request(stack, path, headers=asked)
        assert file.status == 200 and file.headers["Last-Modified"]
        # The app's own answer, asked as nginx asks it for a request over TLS.
        connection = http.client.HTTPConnection("127.0.0.1", stack.app_ports[0], timeout=10)
        connection.request(
            "GET",
            path,
            headers={"Host": PUBLIC_NAME, "X-Forwarded-Proto": "https", **asked},
        )
        app = connection.getresponse()
        assert app.status == 200 and "Last-Modified" not in app.headers
        file_headers, app_headers = headers(file), headers(app)
        if path.endswith(".json"):  # the same in every language: its file says none
            for name in ("content-language", "vary"):
                app_headers.pop(name, None)
        assert file_headers["strict-transport-security"].startswith("max-age=")
        assert "default-src" in file_headers["content-security-policy"]
        assert file_headers == app_headers, path


def signature_field(stack: Stack, token: str, column: str) -> str:
    """A column of the signature behind a receipt token, read in the database."""
    assert column in ("id", "publication", "state")
    digest = hashlib.sha256(token.encode()).hexdigest()
    return stack.psql(
        f"SELECT {column} FROM signatures_signature WHERE receipt_hash = '{digest}'"  # noqa: S608  # a known column, a hex digest
    )


def tls_request(
    stack: Stack,
    path: str,
    host: str = PUBLIC_NAME,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> http.client.HTTPResponse:
    assert stack.nginx_ports is not None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(host, stack.nginx_ports.tls, timeout=10)
    # Connected to this machine, with the site's name in the TLS handshake (SNI).
    raw = socket.create_connection(("127.0.0.1", stack.nginx_ports.tls), timeout=10)
    connection.sock = context.wrap_socket(raw, server_hostname=host)
    connection.request(method, path, headers={"Host": host, **(headers or {})})
    return connection.getresponse()


def counts_json(stack: Stack) -> str:
    response = tls_request(stack, f"/c/{SLUG}/counts.json")
    return response.read().decode()


def assert_unknown_hosts_are_refused(stack: Stack) -> None:
    assert stack.nginx_ports is not None
    # Over TLS, a name the site does not serve gets no certificate at all.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    raw = socket.create_connection(("127.0.0.1", stack.nginx_ports.tls), timeout=10)
    with pytest.raises(ssl.SSLError):
        context.wrap_socket(raw, server_hostname="evil.example")
    raw.close()
    # Over plain HTTP, the connection is closed without an answer.
    plain = http.client.HTTPConnection("127.0.0.1", stack.nginx_ports.redirect, timeout=10)
    plain.request("GET", "/", headers={"Host": "evil.example"})
    with pytest.raises(http.client.RemoteDisconnected):
        plain.getresponse()
    # The site's own name over plain HTTP is sent to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", stack.nginx_ports.redirect, timeout=10)
    plain.request("GET", "/c/x/", headers={"Host": PUBLIC_NAME})
    response = plain.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{PUBLIC_NAME}/c/x/"


def assert_the_onion_flag_cannot_be_forged(stack: Stack) -> None:
    """From the clearnet, naming the onion and sending its header changes nothing: the form
    asks for no captcha (onion visitors always get one), and per-client limits apply."""
    forged = tls_request(
        stack,
        f"/c/{SLUG}/sign/?lang=en&forged=1",
        host=ONION_NAME,
        headers={"X-Onion-Service": "1", "X-Real-IP": "198.51.100.1"},
    )
    assert forged.status == 200
    assert 'name="captcha_1"' not in forged.read().decode()


def assert_public_pages_outlive_the_replica(stack: Stack) -> None:
    # The campaign page asked with a query is the app's (without one it is a file nginx
    # sends), and the app reads it from the replica.
    response = tls_request(stack, f"/c/{SLUG}/?before-the-replica-stops=1")
    assert response.status == 200 and "Last-Modified" not in response.headers
    response.read()
    replica_clients = stack.psql(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
        " AND datname = current_database()",
        port=stack.replica_port,
    )
    assert int(replica_clients) > 1  # the app's pool, beside this psql
    stack.stop_replica()
    for n in range(3):
        response = tls_request(stack, f"/c/{SLUG}/?after-the-replica={n}")
        assert response.status == 200 and "Last-Modified" not in response.headers
        response.read()
        time.sleep(1.1)


def assert_no_secret_in_any_log(stack: Stack, secrets: list[str]) -> None:
    # A post without a cookie on a receipt path: Django's CSRF logger writes the path.
    response = tls_request(stack, f"/r/{secrets[0]}/withdraw/", method="POST")
    assert response.status == 403
    response.read()
    assert secrets and all(secrets)
    logs = {str(path): path.read_text(errors="replace") for path in stack.workdir.rglob("*.log")}
    assert logs
    for secret in secrets:
        leaked = [name for name, text in logs.items() if secret in text]
        assert leaked == [], (secret[:4], leaked)
