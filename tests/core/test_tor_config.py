"""deploy/tor/torrc passes the real `tor --verify-config`, and forwards the onion to the
listener deploy/nginx/undersigned.conf has for it, with the circuit named first."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def torrc() -> str:
    return (DEPLOY / "tor" / "torrc").read_text()


@pytest.mark.tools
@pytest.mark.skipif(shutil.which("tor") is None, reason="tor is not installed")
def test_tor_accepts_the_config(tmp_path: Path) -> None:
    service = tmp_path / "service"
    service.mkdir(mode=0o700)
    conf = tmp_path / "torrc"
    assert "HiddenServiceDir /var/lib/tor/undersigned/" in torrc()
    conf.write_text(torrc().replace("/var/lib/tor/undersigned/", f"{service}/"))
    result = subprocess.run(
        ["tor", "--verify-config", "-f", str(conf), "--DataDirectory", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration was valid" in result.stdout


def test_the_onion_reaches_nginx_s_onion_listener_with_its_circuit() -> None:
    lines = torrc().splitlines()
    ports = [line.split() for line in lines if line.startswith("HiddenServicePort ")]
    assert len(ports) == 1
    _, virtual, target = ports[0]
    host, port = target.rsplit(":", 1)
    assert (virtual, host) == ("80", "127.0.0.1")
    assert "HiddenServiceExportCircuitID haproxy" in lines
    assert "HiddenServicePoWDefensesEnabled 1" in lines
    site = (DEPLOY / "nginx" / "undersigned.conf").read_text()
    # nginx listens there, reads Tor's PROXY line, and marks what arrives there as onion.
    assert f"listen 127.0.0.1:{port} proxy_protocol;" in site
    onion_map = site.split("map $server_port $undersigned_onion {", 1)[1].split("}", 1)[0]
    assert re.findall(r"^\s*(\d+) 1;$", onion_map, re.MULTILINE) == [port]
