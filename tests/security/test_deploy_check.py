"""Production settings pass Django's deployment checks and send the hardening headers."""

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
from django.test import Client
client = Client()
secure = client.get("/nope/", secure=True, HTTP_HOST="petition.example.org")
plain = client.get("/nope/", HTTP_HOST="petition.example.org")
onion = client.get("/nope/", secure=True, HTTP_HOST="{onion}")
for name in ("Strict-Transport-Security", "Content-Security-Policy", "Referrer-Policy",
             "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options"):
    print(name + ": " + secure.get(name, "-"))
print("plain: %d %s" % (plain.status_code, plain.get("Location", "")))
print("onion: %d" % onion.status_code)
"""
ONION = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"


def production_env() -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST"))
    }
    env.update(
        SECURE="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="petition.example.org",
        ONION_HOST=ONION,
        TRUSTED_PROXY_HEADER="X-Real-IP",
        SITE_URL="https://petition.example.org",
        DATABASE_URL="postgres://undersigned@127.0.0.1:5432/undersigned",
        REDIS_URL="redis://127.0.0.1:6379/0",
        VAR_DIR=tempfile.mkdtemp(prefix="undersigned-deploy-"),
    )
    return env


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    # security.W003 looks for Django's CSRF middleware by name; undersigned.E004 replaces it.
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_headers() -> None:
    result = manage("shell", "-c", PROBE.replace("{onion}", ONION))
    assert result.returncode == 0, result.stderr
    headers = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp
    )
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["plain"] == "301 https://petition.example.org/nope/"
    # The onion host is accepted (404 for this path, not 400 for a disallowed host).
    assert headers["onion"] == "404"


def check_deploy_with(**changes: str) -> subprocess.CompletedProcess[str]:
    env = production_env()
    env.update(changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_fails_behind_a_proxy_that_hides_client_addresses() -> None:
    result = check_deploy_with(TRUSTED_PROXY_HEADER="")
    assert result.returncode != 0
    assert "undersigned.E001" in result.stderr + result.stdout


def test_check_deploy_fails_on_settings_a_site_must_not_ship_with() -> None:
    for changes, problem in [
        ({"SITE_URL": "http://petition.example.org"}, "undersigned.E002"),
        ({"ALLOWED_HOSTS": "*"}, "undersigned.E003"),
        ({"REDIS_URL": ""}, "undersigned.W001"),
        ({"DATABASE_URL": "sqlite:////tmp/undersigned-check.sqlite3"}, "undersigned.W002"),
    ]:
        result = check_deploy_with(**changes)
        assert result.returncode != 0, changes
        assert problem in result.stderr + result.stdout, changes
