"""The app with a signing post that does no work, for `python -m bench.load --free-post`.

Every request but a post of the signing form goes to the real application. The post is
read, then answered as the real one answers a browser, at no cost: a redirect to a
receipt when the signer checked the answers in the page, else a "check your answers"
page with a placeholder. Nothing is stored, checked or counted. What the stack reaches
with it is the most any signing post could reach on this machine under `make bench`'s
load: what the proxy, the load generators, the reads and the server take by themselves.
"""

import secrets
from collections.abc import Callable, Iterable
from typing import Any

from undersigned.wsgi import application as real_application

CHECK_PAGE = b'<form method="post"><input type="hidden" name="answers" value="free"></form>'


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if environ.get("REQUEST_METHOD") != "POST" or not path.endswith("/sign/"):
        return real_application(environ, start_response)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    if b"checked_in_page=1" in body or b"confirm=1" in body:
        receipt = f"/r/{secrets.token_urlsafe(24)}/?new=1"
        start_response("302 Found", [("Location", receipt), ("Content-Length", "0")])
        return [b""]
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(CHECK_PAGE)))],
    )
    return [CHECK_PAGE]
