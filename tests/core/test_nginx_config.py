"""deploy/nginx/undersigned.conf passes the real `nginx -t`, and its limits hold."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.nginx import nginx_config

NGINX = shutil.which("nginx", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin") or "nginx"


@pytest.mark.tools
def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(tmp_path, 18080, [18001, 18002], static, tmp_path / "cache"))
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_config_keeps_limits_and_privacy() -> None:
    site = (
        Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "undersigned.conf"
    ).read_text()
    assert "client_max_body_size 64k;" in site  # as DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "access_log off;" in site  # request lines hold receipt tokens
    assert "X-Forwarded-For" not in site.replace("# No X-Forwarded-For", "")
    assert "proxy_cache_use_stale updating" in site


def test_the_shared_signing_form_matches_the_app() -> None:
    """nginx writes the CSRF secret into the kept signing form and sets the cookie itself:
    the placeholder, the header and the cookie must be the app's own."""
    from django.conf import settings

    from undersigned.web.signing import CSRF_PLACEHOLDER, SHARED_FORM_HEADER

    site = (
        Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "undersigned.conf"
    ).read_text()
    assert f'sub_filter "{CSRF_PLACEHOLDER}" $undersigned_csrf_secret;' in site
    assert f"proxy_set_header {SHARED_FORM_HEADER} $undersigned_shared_form;" in site
    cookie = site.split('"~^1:" "', 1)[1].split('"', 1)[0]
    name, *attributes = cookie.split("; ")
    assert name == f"{settings.CSRF_COOKIE_NAME}=$request_id"
    assert f"$cookie_{settings.CSRF_COOKIE_NAME}" in site
    assert f"Max-Age={settings.CSRF_COOKIE_AGE}" in attributes
    assert f"Path={settings.CSRF_COOKIE_PATH}" in attributes
    assert ("HttpOnly" in attributes) == settings.CSRF_COOKIE_HTTPONLY
    assert f"SameSite={settings.CSRF_COOKIE_SAMESITE}$undersigned_cookie_secure" in attributes
    assert settings.CSRF_COOKIE_DOMAIN is None and not settings.CSRF_USE_SESSIONS
