"""Public pages of updates: confirming and unsubscribing from a link in a message. The feed
is in feeds.py. Following a link (GET) changes nothing: mail scanners follow links too."""

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


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET" and request.GET.get("done") == "1":
        return render(request, "updates/confirmed.html")
    found = actions.read_confirmation(token) if len(token) <= 400 else None
    if found is None:
        return render(request, "updates/confirm_expired.html", status=404)
    campaign, email, language = found
    if request.method == "POST":
        actions.subscribe_email(campaign, email, language)
        return redirect(request.path + "?done=1")
    title = campaign.text_for(language).title
    return render(request, "updates/confirm.html", {"title": title, "email": email})
