"""The app as the hostile phase's app servers run it: undersigned.wsgi's application, plus
one path, /bench-slow/<n>/, that answers only after nginx has stopped waiting
(proxy_read_timeout 30 s). It stands for any request that turns slow on one server (a lock,
a stalled disk) in the "several app servers, one slow request" attack of bench/hostile.py.
Each such request that reaches an app server adds a line to $VAR_DIR/slow-requests.log, so
the bench can tell whether nginx sent it to more than one server."""

import functools
import importlib
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

SLOW_PREFIX = "/bench-slow/"
SLOW_SECONDS = 35.0
HITS = Path(os.environ.get("VAR_DIR", "var")) / "slow-requests.log"


@functools.cache
def app() -> Callable[..., Iterable[bytes]]:
    # Imported on the first request, not with this module: bench/hostile.py reads the
    # constants above without setting Django up.
    return importlib.import_module("undersigned.wsgi").application  # type: ignore[no-any-return]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if not path.startswith(SLOW_PREFIX):
        return app()(environ, start_response)
    with HITS.open("a") as hits:
        hits.write(f"{environ.get('SERVER_PORT', '')} {path}\n")
    time.sleep(SLOW_SECONDS)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
    return [b"late\n"]
