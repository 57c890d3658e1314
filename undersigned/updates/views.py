"""Public pages of updates: unsubscribing from a link in a message. The feed is in feeds.py."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from undersigned.signatures.models import hash_token
from undersigned.updates import actions
from undersigned.updates.models import Subscription


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET" and request.GET.get("done") == "1":
        return render(request, "updates/unsubscribed.html")
    if not token or len(token) > 64:
        raise Http404("no such subscription")
    subscription = (
        Subscription.objects.select_related("campaign")
        .filter(unsubscribe_hash=hash_token(token))
        .first()
    )
    if subscription is None:
        raise Http404("no such subscription")
    if request.method == "POST":
        actions.unsubscribe(subscription)
        return redirect(request.path + "?done=1")
    return render(request, "updates/unsubscribe.html", {"subscription": subscription})
