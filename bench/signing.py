"""The CPU one signature costs the app itself: the form and the post, in one process.

Starts its own PostgreSQL and Redis (local_stack.py), seeds a petition, then calls the
WSGI application directly, with no HTTP server, no proxy and no other load, the way
bench/client.py's signers ask: GET the form, take the CSRF cookie and token, POST
realistic claims. Prints CPU milliseconds per signature (both requests) and per form
view; writes bench/results/signing.json. Read beside `make bench`: what the server adds
on top is the difference.

    python -m bench.signing [--signatures 2000]
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlencode

from local_stack import PYTHON, ROOT, SLUG, UNLIMITED, Stack

RESULTS = ROOT / "bench" / "results" / "signing.json"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def measure(count: int) -> dict[str, float]:
    """Run inside the stack's environment (see main)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    from django.core.wsgi import get_wsgi_application

    from bench.client import realistic_claims

    app = get_wsgi_application()

    def call(method: str, body: bytes = b"", **headers: str) -> tuple[str, list, bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": f"/c/{SLUG}/sign/",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT_LANGUAGE": "ru",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(body)),
            **headers,
        }
        answer: dict[str, object] = {}

        def start_response(status: str, response_headers: list, exc_info: object = None) -> None:
            answer.update(status=status, headers=response_headers)

        response = app(environ, start_response)
        content = b"".join(response)
        response.close()  # type: ignore[attr-defined]
        return str(answer["status"]), list(answer["headers"]), content  # type: ignore[call-overload]

    def sign(n: int) -> None:
        _, headers, page = call("GET")
        token = TOKEN.search(page)
        cookie = next(v for k, v in headers if k == "Set-Cookie" and "csrftoken=" in v)
        assert token is not None
        body = urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), **realistic_claims(1, n)}
        ).encode()
        status, _, _ = call(
            "POST",
            body,
            CONTENT_TYPE="application/x-www-form-urlencoded",
            HTTP_COOKIE=cookie.strip().split(";")[0],
            HTTP_ORIGIN="http://127.0.0.1:8000",
        )
        if not status.startswith("302"):
            raise RuntimeError(f"a signature was not taken: {status}")

    for n in range(50):  # warm: the campaign and its blank page are kept
        sign(n)
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(50, 50 + count):
        sign(n)
    per_signature = (time.process_time() - cpu) / count * 1000
    wall = (time.perf_counter() - started) / count * 1000
    cpu = time.process_time()
    for _ in range(count):
        call("GET")
    per_form = (time.process_time() - cpu) / count * 1000
    return {
        "signatures": count,
        "cpu_ms_per_signature": per_signature,
        "wall_ms_per_signature": wall,
        "cpu_ms_per_form_view": per_form,
        "cpu_ms_per_post": per_signature - per_form,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(measure(args.signatures)))
        return 0
    stack = Stack(settings=UNLIMITED)
    try:
        stack.start_postgres()
        stack.create_database()
        stack.start_redis()
        stack.prepare()
        stack.seed(10_000, quiet=False)
        env = stack.env(DATABASE_STATEMENT_TIMEOUT_MS="0")
        out = subprocess.run(
            [PYTHON, "-m", "bench.signing", "--inside", "--signatures", str(args.signatures)],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.exit(f"the measurement failed:\n{out.stderr[-3000:]}")
    finally:
        stack.close()
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    print(
        f"{figures['signatures']} signatures in one process, no server:"
        f" {figures['cpu_ms_per_signature']:.2f} ms CPU each"
        f" (form view {figures['cpu_ms_per_form_view']:.2f} ms,"
        f" post {figures['cpu_ms_per_post']:.2f} ms);"
        f" wall {figures['wall_ms_per_signature']:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
