"""Sessions and sign-in for the desk only.

`DeskMiddleware` runs settings.DESK_MIDDLEWARE (sessions, sign-in, the second factor,
messages) for paths under /desk/ and nothing for the public site, which never has a
signed-in user or needs a session. The sessions are Django's own, set up for the desk
in settings: in the database (deleting a staff member's rows in `django_session`, or
signing out, ends their sessions at once), on their own cookie limited to /desk/
(HttpOnly, SameSite=Strict, Secure when `SECURE`), expiring `DESK_SESSION_SECONDS`
after the last sign-in step.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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
