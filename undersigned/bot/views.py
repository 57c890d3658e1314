"""The webhook Telegram calls in production: `/telegram/webhook/<secret>/`.

Telegram sends the secret back in the X-Telegram-Bot-Api-Secret-Token header as well;
both must match. The update is handled before the answer, so Telegram retries on failure.
"""

import json
from functools import cache
from typing import TYPE_CHECKING

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from undersigned.core.telegram_config import bot_configured

if TYPE_CHECKING:
    from aiogram import Dispatcher

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 -- a header name, not a secret


@cache
def dispatcher() -> "Dispatcher":
    # aiogram is heavy: imported on the first webhook call, not by every web process.
    from undersigned.bot.handlers import build_dispatcher

    return build_dispatcher()


async def _feed(update: dict[str, object]) -> None:
    from undersigned.core.telegram import build_bot

    bot = build_bot()
    try:
        await dispatcher().feed_raw_update(bot, update)
    finally:
        await bot.session.close()


@csrf_exempt  # Telegram's servers post here; the secret in the path and header stands in for CSRF
@require_POST
def webhook(request: HttpRequest, secret: str) -> HttpResponse:
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if (
        not expected
        or not bot_configured()
        or not constant_time_compare(secret, expected)
        or not constant_time_compare(request.headers.get(SECRET_HEADER, ""), expected)
    ):
        raise Http404("no webhook here")
    try:
        update = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest("not JSON")
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return HttpResponseBadRequest("not an update")
    async_to_sync(_feed)(update)
    return HttpResponse(status=200)
