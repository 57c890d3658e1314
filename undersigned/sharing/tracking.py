"""Counting what arrives through share links, around the public views (and their page cache).

`?via=CODE` on a campaign or sign page counts a visit; the sign form carries the
code in a hidden field and the signing view counts a completed signature for the
channel (`note_signature`) once `submit_signature` has signed. The campaign page
passes the code on to the sign page as `?shared_via=`, which is carried but not
counted again.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from undersigned.sharing.actions import note_visit
from undersigned.sharing.models import known_code


def carried_code(request: HttpRequest, slug: str) -> str:
    """The channel code a sign form carries: posted back, passed on, or given; "" when it
    names no channel of campaign `slug`."""
    for value in (request.POST.get("via"), request.GET.get("shared_via"), request.GET.get("via")):
        if value:
            return known_code(slug, value)
    return ""


def counts_share_visits(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and request.GET.get("via"):
            note_visit(kwargs["slug"], request.GET["via"])
        return response

    return wrapper
