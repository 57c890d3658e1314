"""The registry of officials on the desk: browse and search what was imported."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from undersigned.access import STAFF_ROLES, campaigns_for_staff, may_create_campaigns
from undersigned.desk.auth import staff_required
from undersigned.desk.forms import RegistrySearchForm
from undersigned.officials.models import Official

PER_PAGE = 50


def _matching(word: str) -> Q:
    """A word in the name, council or municipality, or the registry id. SQLite compares
    only Latin letters without case: the word is also tried in lower and title case."""
    found = Q(source_id__iexact=word)
    for variant in {word, word.lower(), word.capitalize()}:
        found |= (
            Q(full_name__contains=variant)
            | Q(body__contains=variant)
            | Q(municipality__contains=variant)
        )
    return found


@require_GET
@staff_required
def registry(request: HttpRequest) -> HttpResponse:
    """Every official of the registry, by name; narrowed by a search and a source. Staff
    with a role on some campaign (or who may create one) only."""
    user = request.user
    if not may_create_campaigns(user) and not campaigns_for_staff(user, *STAFF_ROLES).exists():
        raise PermissionDenied("no staff role")
    form = RegistrySearchForm(request.GET or None)
    rows = Official.objects.all()
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if form.cleaned_data["source"]:
            rows = rows.filter(source=form.cleaned_data["source"])
        for word in query.split()[:6]:
            rows = rows.filter(_matching(word))
    page = Paginator(rows.order_by("full_name", "id"), PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "desk/registry.html",
        {"form": form, "page": page, "query": params.urlencode(), "searched": query},
    )
