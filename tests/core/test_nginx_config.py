"""deploy/nginx/undersigned.conf passes the real `nginx -t`, and its limits hold."""

import subprocess
from pathlib import Path

from bench.stack import nginx_config


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_config(tmp_path, 18080, [18001, 18002], static, tmp_path / "cache"))
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
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
