"""Staff sessions for the desk: server-side, revocable, on a cookie of their own.

`DeskMiddleware` runs settings.DESK_MIDDLEWARE (sessions, sign-in, the second factor,
messages) for paths under /desk/ and nothing for the public site, which never has a
signed-in user or needs a session.

Within that chain Django's session middleware (signed cookies) comes first. For paths
under /desk/ `DeskSessionMiddleware`, placed right after it, swaps in
a database-backed session read from the `DESK_SESSION_COOKIE_NAME` cookie (path
/desk/, HttpOnly, SameSite=Strict, Secure when `SECURE`), saves it on the way out, and
puts the public session object back untouched so that Django's middleware sets no
cookie of its own. Deleting a staff member's rows in `django_session` (or signing out)
ends their sessions at once; they expire `DESK_SESSION_SECONDS` after the last sign-in
step.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

DESK_PATH = "/desk/"


class DeskMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        desk = get_response
        for path in reversed(settings.DESK_MIDDLEWARE):
            desk = import_string(path)(desk)
        self.desk = desk

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(DESK_PATH):
            return self.desk(request)
        return self.get_response(request)


class DeskSessionStore(DatabaseSessionStore):
    def get_session_cookie_age(self) -> int:
        return int(settings.DESK_SESSION_SECONDS)


class DeskSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(DESK_PATH):
            return self.get_response(request)
        public_session = getattr(request, "session", None)
        name = settings.DESK_SESSION_COOKIE_NAME
        request.session = DeskSessionStore(request.COOKIES.get(name))
        response = self.get_response(request)
        self._save(request, response, name)
        if public_session is not None:
            request.session = public_session
        return response

    def _save(self, request: HttpRequest, response: HttpResponse, name: str) -> None:
        session = request.session
        if name in request.COOKIES and session.is_empty():
            response.delete_cookie(name, path=DESK_PATH, samesite="Strict")
            patch_vary_headers(response, ("Cookie",))
            return
        if session.accessed:
            patch_vary_headers(response, ("Cookie",))
        if not session.modified or session.is_empty() or response.status_code >= 500:
            return
        try:
            session.save()
        except UpdateError as error:
            raise SessionInterrupted(
                "the staff session was deleted before the request finished"
            ) from error
        max_age = int(settings.DESK_SESSION_SECONDS)
        response.set_cookie(
            name,
            str(session.session_key),
            max_age=max_age,
            expires=http_date(time.time() + max_age),
            path=DESK_PATH,
            secure=settings.SECURE,
            httponly=True,
            samesite="Strict",
        )
