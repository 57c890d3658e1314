"""The hostile phase's app (bench/slow_app.py): the real app for every path but its own
slow one, and a line in its log for each slow request that reaches it."""

import io
from pathlib import Path
from typing import Any

import pytest

from bench import slow_app


def call(path: str) -> tuple[str, bytes]:
    started: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        started.append(status)

    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "8123",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }
    body = b"".join(slow_app.application(environ, start_response))
    return started[0], body


def test_the_slow_path_answers_late_and_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slow_app, "SLOW_SECONDS", 0.01)
    monkeypatch.setattr(slow_app, "HITS", tmp_path / "slow-requests.log")
    assert call("/bench-slow/7/") == ("200 OK", b"late\n")
    assert call("/bench-slow/8/") == ("200 OK", b"late\n")
    assert (tmp_path / "slow-requests.log").read_text() == (
        "8123 /bench-slow/7/\n8123 /bench-slow/8/\n"
    )


@pytest.mark.django_db
def test_every_other_path_reaches_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slow_app, "HITS", tmp_path / "slow-requests.log")
    status, body = call("/no-such-page/")
    assert status.startswith("404")
    assert b'<header class="site">' in body  # the site's own 404 page
    assert not (tmp_path / "slow-requests.log").exists()
