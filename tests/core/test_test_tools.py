"""scripts/test_tools.py, which `make test` runs first: on a machine without Chromium, age,
nginx, tor or Go it installs them with apt-get as root, or stops at once with one line naming the
packages and the command. Checked by hiding the tools with PATH."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test_tools.py"


def run(path: Path, go_sources: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    # The script also looks in /usr/sbin (where nginx lives), so it is hidden with SEARCH;
    # the Go sources are looked for where the test says.
    go = {str(go_sources or path / "gocode"): "golang-golang-x-mod-dev"}
    code = (
        "import runpy, sys; sys.argv = ['test_tools.py'];"
        f"module = runpy.run_path({str(SCRIPT)!r}, run_name='test_tools');"
        f"module['SEARCH'] = {str(path)!r};"
        "module['main'].__globals__['SEARCH'] = module['SEARCH'];"
        f"module['main'].__globals__['GO_SOURCES'] = {go!r};"
        "sys.exit(module['main']())"
    )
    environment = {"PATH": str(path), "HOME": str(path), **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True
    )


def test_missing_tools_stop_at_once_with_one_line(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0] == (
        "make test needs chromium, age, nginx-light, tor, golang-go, golang-golang-x-mod-dev: "
        "run `sudo apt-get install chromium age nginx-light tor golang-go golang-golang-x-mod-dev`"
    )


def test_as_root_it_asks_apt_get_for_them(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        return  # apt-get is only run as root; the line above is what others see
    log = tmp_path / "apt.log"
    fake = tmp_path / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    fake.chmod(0o755)
    result = run(tmp_path)
    calls = log.read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1] == (
        "install -y -qq --no-install-recommends "
        "chromium age nginx-light tor golang-go golang-golang-x-mod-dev"
    )
    # The fake installed nothing: the tools are still missing, and it says so.
    assert result.returncode == 1
    assert "make test needs chromium, age, nginx-light, tor, golang-go" in result.stderr


def test_nothing_to_do_when_the_tools_are_there(tmp_path: Path) -> None:
    for program in ("chromium", "age", "age-keygen", "nginx", "tor", "go"):
        tool = tmp_path / program
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    result = run(tmp_path, go_sources=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
