"""The CPU one signature costs the app itself: the form and the post, in one process.

Starts its own PostgreSQL and Redis (harness/stack.py), seeds a petition, then calls the
WSGI application directly, with no HTTP server, no proxy and no other load, the way
harness/client.py's signers ask: GET the form, take the CSRF cookie and token, POST
realistic claims, once checked in the page (with scripts: one post) and once through the
"check your answers" page (without: two posts). Prints CPU milliseconds per request and
per signature each way; writes bench/results/signing.json. Read beside `make bench`:
what the server adds on top is the difference.

    python -m bench.signing [--signatures 2000] [--profile]

BENCH_DJANGO_ONLY=1 sends every post through Django's handler, without the one-step
signing post (undersigned/web/signing_post.py), for comparison.

--profile prints a cProfile of the one post to stderr, sorted by $PROFILE_SORT
(cumulative by default); $PROFILE_CALLEES names a function whose callees are printed too.
"""

import argparse
import cProfile
import html
import io
import json
import os
import pstats
import re
import sys
import time
from urllib.parse import urlencode

from harness import ROOT
from harness.stack import SLUG, measured_inside

RESULTS = ROOT / "bench" / "results" / "signing.json"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ANSWERS = re.compile(rb'name="answers" value="([^"]+)"')
ISSUED = re.compile(rb'name="issued" value="([^"]+)"')


def measure(count: int, profile: bool = False) -> dict[str, float]:
    """Run inside the stack's environment (see main)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
    from harness.client import realistic_claims

    if os.environ.get("BENCH_DJANGO_ONLY") == "1":  # every post through Django's handler
        from undersigned.wsgi import django_application as app
    else:
        from undersigned.wsgi import application as app  # as granian serves it

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
        if hasattr(response, "close"):  # a WSGI server closes what it was given
            response.close()
        return str(answer["status"]), list(answer["headers"]), content  # type: ignore[call-overload]

    spent = {"form": 0.0, "checked in page": 0.0, "check": 0.0, "confirm": 0.0}

    profiler = cProfile.Profile(time.process_time) if profile else None
    profiling = False

    def timed(step: str, *args: object, **headers: str) -> tuple[str, list, bytes]:
        watched = profiler is not None and profiling and step == "checked in page"
        started = time.process_time()
        if watched:
            profiler.enable()  # type: ignore[union-attr]
        answer = call(*args, **headers)  # type: ignore[arg-type]
        if watched:
            profiler.disable()  # type: ignore[union-attr]
        spent[step] += time.process_time() - started
        return answer

    def sign(n: int, scripted: bool) -> None:
        _, headers, page = timed("form", "GET")
        token = TOKEN.search(page)
        cookie = next(v for k, v in headers if k == "Set-Cookie" and "csrftoken=" in v)
        assert token is not None
        posted = {
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_COOKIE": cookie.strip().split(";")[0],
            "HTTP_ORIGIN": "http://127.0.0.1:8000",
        }
        fields = {"csrfmiddlewaretoken": token.group(1).decode(), **realistic_claims(1, n)}
        if scripted:  # checked in the page (web/static/web/sign.js): one post
            fields["checked_in_page"] = "1"
            status, _, _ = timed("checked in page", "POST", urlencode(fields).encode(), **posted)
            if not status.startswith("302"):
                raise RuntimeError(f"a signature was not taken: {status}")
            return
        status, _, page = timed("check", "POST", urlencode(fields).encode(), **posted)
        answers = ANSWERS.search(page)
        if not status.startswith("200") or answers is None:
            raise RuntimeError(f"the claims were not taken to the check page: {status}")
        confirm = {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}
        confirm["answers"] = html.unescape(answers.group(1).decode())
        if issued := ISSUED.search(page):
            confirm["issued"] = issued.group(1).decode()
        status, _, _ = timed("confirm", "POST", urlencode(confirm).encode(), **posted)
        if not status.startswith("302"):
            raise RuntimeError(f"a signature was not taken: {status}")

    for n in range(50):  # warm: the campaign and its blank page are kept
        sign(n, scripted=n % 2 == 0)
    spent.update({step: 0.0 for step in spent})
    profiling = True
    started = time.perf_counter()
    for n in range(50, 50 + 2 * count):
        sign(n, scripted=n < 50 + count)
    if profiler:
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(
            os.environ.get("PROFILE_SORT", "cumulative")
        ).print_stats(150)
        if os.environ.get("PROFILE_CALLEES"):
            pstats.Stats(profiler, stream=sys.stderr).print_callees(os.environ["PROFILE_CALLEES"])
    wall = (time.perf_counter() - started) / (2 * count) * 1000
    form = spent["form"] / (2 * count) * 1000
    in_page = spent["checked in page"] / count * 1000
    check, confirm = spent["check"] / count * 1000, spent["confirm"] / count * 1000
    return {
        "signatures": count,  # each way
        "wall_ms_per_signature": wall,
        "cpu_ms_per_form_view": form,
        "cpu_ms_per_post_checked_in_page": in_page,
        "cpu_ms_per_check_post": check,
        "cpu_ms_per_confirm_post": confirm,
        "cpu_ms_per_signature_with_scripts": form + in_page,
        "cpu_ms_per_signature_without_scripts": form + check + confirm,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument(
        "--profile", action="store_true", help="print a profile of the one post to stderr"
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        print(json.dumps(measure(args.signatures, args.profile)))
        return 0
    figures = measured_inside(
        "bench.signing",
        ["--signatures", str(args.signatures), *(["--profile"] if args.profile else [])],
        seed=10_000,
        quiet=False,
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    print(
        f"{figures['signatures']} signatures each way in one process, no server; CPU ms:"
        f" form view {figures['cpu_ms_per_form_view']:.2f};"
        f" with scripts, one post {figures['cpu_ms_per_post_checked_in_page']:.2f}"
        f" (signature {figures['cpu_ms_per_signature_with_scripts']:.2f});"
        f" without, check {figures['cpu_ms_per_check_post']:.2f}"
        f" + confirm {figures['cpu_ms_per_confirm_post']:.2f}"
        f" (signature {figures['cpu_ms_per_signature_without_scripts']:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
