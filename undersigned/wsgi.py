"""The WSGI application, for granian (`make serve`) or any WSGI server."""

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "undersigned.settings")
django_application = get_wsgi_application()


from undersigned.web import signing_post  # noqa: E402 - needs the apps loaded above


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Django's handler, with an ordinary response's body handed over as one list item:
    the server then sends it at once instead of iterating over the response in Python.
    A signing post taken in one step is answered beside it (undersigned.web.signing_post)."""
    signed = signing_post.answer(environ)
    if signed is not None:
        return signing_post.wsgi_response(signed, start_response)
    response = django_application(environ, start_response)
    if type(response) is not HttpResponse:  # streamed and file responses are iterated
        return response
    try:
        return [response.content]
    finally:
        response.close()  # request_finished: connections go back to the pool now
