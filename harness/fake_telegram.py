"""A small HTTP server speaking the part of the Telegram Bot API the bot uses, for tests.

It serves scripted updates through getUpdates, records every method the bot calls,
and can be told to fail sendMessage for a chat (429, 403, 500), or the next calls of any
method ("timeout" holds the answer past the bot's patience, then drops the call). As
Telegram does, it refuses a message longer than 4,096 characters, lets the bot delete
messages of a private chat only within 48 hours, and refuses messages past its limits:
about one a second to a chat (bursts of `CHAT_BURST` pass) and thirty a second overall,
with 429 and `retry_after`. `speed` runs the same limits on a faster clock.
"""

import asyncio
import itertools
import json
import math
import threading
import time
from collections.abc import Iterator
from typing import Any

from aiohttp import web

BOT_ID = 424242
TOKEN = f"{BOT_ID}:TEST-token-for-the-fake-api"
BOT_USERNAME = "undersigned_test_bot"
MESSAGE_LIMIT = 4096
DELETABLE_SECONDS = 48 * 3600
CHAT_PER_SECOND = 1.0
CHAT_BURST = 3
OVERALL_PER_SECOND = 30.0
OVERALL_BURST = 30
TIMEOUT_HOLD_SECONDS = 30.0  # longer than the bot waits for an answer


class Pace:
    """Telegram's limit as a generic cell rate: `rate` a second, `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.interval = 1 / rate
        self.tolerance = (burst - 1) * self.interval
        self.due: dict[int, float] = {}

    def ahead(self, key: int, now: float) -> float:
        """Seconds until a message may pass (0: now)."""
        return max(0.0, self.due.get(key, now) - self.tolerance - now)

    def take(self, key: int, now: float) -> None:
        self.due[key] = max(self.due.get(key, now), now) + self.interval


_next_incoming_id = 1_000_000


def _incoming_id() -> int:
    global _next_incoming_id
    _next_incoming_id += 1
    return _next_incoming_id


class FakeTelegram:
    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[int, list[int]] = {}  # chat id -> HTTP statuses to answer, in turn
        # method -> faults for its next calls, in turn: an HTTP status, or "timeout"
        self.faults: dict[str, list[int | str]] = {}
        # Methods each call of which fails once (429, 500, timeout, 502 in turn), then passes.
        self.flaky: set[str] = set()
        self._flaky_failed: dict[str, bool] = {}
        self._flaky_faults: Iterator[int | str] = itertools.cycle((429, 500, "timeout", 502))
        self.timeout_hold = TIMEOUT_HOLD_SECONDS  # how long a "timeout" holds the answer
        self.refused_for_pace = 0  # 429 answers given because the bot went too fast
        self.faults_given: list[str] = []
        self._chat_pace = Pace(CHAT_PER_SECOND * speed, CHAT_BURST)
        self._overall_pace = Pace(OVERALL_PER_SECOND * speed, OVERALL_BURST)
        self.drained = threading.Event()
        self._next_update_id = 1
        self._next_message_id = 1
        # Messages still in each chat, both sides: chat id -> message id -> (date, text).
        self.chats: dict[int, dict[int, tuple[int, str]]] = {}
        self.profile: dict[str, Any] = {}  # commands and descriptions, per language
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Lifecycle
    def start(self) -> "FakeTelegram":
        started = threading.Event()
        thread = threading.Thread(target=self._serve, args=(started,), daemon=True)
        thread.start()
        if not started.wait(10):
            raise RuntimeError("fake Telegram server did not start")
        return self

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        started.set()
        self._loop.run_forever()

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    # Scripting
    def push(self, *updates: dict[str, Any]) -> None:
        with self._lock:
            for update in updates:
                self.updates.append({"update_id": self._next_update_id, **update})
                message = update.get("message")
                if message:
                    # One numbering for both sides of a chat, as in Telegram's private chats.
                    message["message_id"] = self._next_message_id
                    self._next_message_id += 1
                    what = message.get("text") or message.get("caption") or ""
                    kind = next(
                        (
                            k
                            for k in ("sticker", "photo", "voice", "contact", "location")
                            if k in message
                        ),
                        "",
                    )
                    self.receive(
                        message["chat"]["id"],
                        message["message_id"],
                        message["date"],
                        f"[{kind}] {what}".strip() if kind else what,
                    )
                self._next_update_id += 1
            self.drained.clear()

    def forget_pace(self) -> None:
        """Count Telegram's limits afresh, as for a bot that has been quiet a while."""
        with self._lock:
            self._chat_pace.due.clear()
            self._overall_pace.due.clear()

    def sent_messages(self, since: int = 0) -> list[dict[str, Any]]:
        return [params for method, params in self.calls[since:] if method == "sendMessage"]

    def in_chat(self, chat_id: int) -> list[str]:
        """The texts still in a chat, both sides, oldest first."""
        return [text for _id, (_date, text) in sorted(self.chats.get(chat_id, {}).items())]

    def receive(self, chat_id: int, message_id: int, date: int, text: str) -> None:
        self.chats.setdefault(chat_id, {})[message_id] = (date, text)

    def age(self, chat_id: int, seconds: int) -> None:
        """Make every message of a chat `seconds` older."""
        chat = self.chats.get(chat_id, {})
        for message_id, (date, text) in list(chat.items()):
            chat[message_id] = (date - seconds, text)

    # The API
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        response = await self._answer(method, params)
        params["_status"] = response.status  # for transcripts: what Telegram made of it
        return response

    async def _answer(self, method: str, params: dict[str, Any]) -> web.Response:
        fault = self._fault(method)
        if fault == "timeout":
            await asyncio.sleep(self.timeout_hold)
            return self._error(504, "Gateway Timeout")
        if fault is not None:
            return self._refusal(int(fault))
        if method in {"sendMessage", "editMessageText", "editMessageReplyMarkup"}:
            paced = self._pace(int(params["chat_id"]))
            if paced is not None:
                return paced
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "getMe":
            return self._ok(
                {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "Undersigned",
                    "username": BOT_USERNAME,
                }
            )
        if method == "sendMessage":
            return self._send_message(params)
        if method in {"deleteMessage", "deleteMessages"}:
            return self._delete(params)
        if method in {"editMessageText", "editMessageReplyMarkup"}:
            return self._edit(method, params)
        if method in {"setMyCommands", "setMyDescription", "setMyShortDescription"}:
            self.profile[f"{method}:{params.get('language_code', '')}"] = params
            return self._ok(True)
        if method in {"answerCallbackQuery", "setWebhook", "deleteWebhook"}:
            return self._ok(True)
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else str(value)
            try:
                params[key] = json.loads(text) if text[:1] in "[{" else text
            except ValueError:
                params[key] = text
        return params

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        with self._lock:
            # As Telegram does: an offset confirms, and forgets, every update before it.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            pending = list(self.updates)
            if not pending:
                self.drained.set()
        if not pending:
            await asyncio.sleep(0.05)  # a long poll with nothing to give, kept short
        return self._ok(pending)

    def _fault(self, method: str) -> int | str | None:
        with self._lock:
            if method in self.flaky:
                failed = self._flaky_failed[method] = not self._flaky_failed.get(method)
                if failed:
                    fault = next(self._flaky_faults)
                    self.faults_given.append(f"{method}: {fault}")
                    return fault
            faults = self.faults.get(method)
            if not faults:
                return None
            fault = faults.pop(0)
            self.faults_given.append(f"{method}: {fault}")
            return fault

    def _pace(self, chat_id: int) -> web.Response | None:
        """A 429 when this message would go past Telegram's limits, as Telegram answers."""
        with self._lock:
            now = time.monotonic()
            wait = max(self._overall_pace.ahead(0, now), self._chat_pace.ahead(chat_id, now))
            if not wait:
                self._overall_pace.take(0, now)
                self._chat_pace.take(chat_id, now)
                return None
            self.refused_for_pace += 1
            self.faults_given.append(
                "pace: overall" if self._overall_pace.ahead(0, now) else "pace: chat"
            )
        # retry_after is in whole seconds of Telegram's clock.
        return self._refusal(429, retry_after=max(1, math.ceil(wait * self.speed)))

    @staticmethod
    def _refusal(status: int, retry_after: int = 1) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": f"fake {status}"}
        if status == 429:
            body["description"] = f"Too Many Requests: retry after {retry_after}"
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        statuses = self.failures.get(chat_id)
        if statuses:
            return self._refusal(statuses.pop(0))
        text = params.get("text", "")
        if not text.strip() or len(text) > MESSAGE_LIMIT:
            return self._error(400, "Bad Request: message is too long")
        message_id = self._next_message_id
        self._next_message_id += 1
        now = int(time.time())
        self.receive(chat_id, message_id, now, text)
        return self._ok(
            {
                "message_id": message_id,
                "date": now,
                "chat": {"id": chat_id, "type": "private"},
                "text": text,
            }
        )

    def _delete(self, params: dict[str, Any]) -> web.Response:
        chat = self.chats.get(int(params["chat_id"]), {})
        ids = [int(i) for i in params.get("message_ids") or [params.get("message_id")]]
        present = [i for i in ids if i in chat]
        # Messages already gone are skipped; one too old to delete fails the whole call.
        if "message_id" in params and not present:
            return self._error(400, "Bad Request: message to delete not found")
        if any(time.time() - chat[i][0] >= DELETABLE_SECONDS for i in present):
            return self._error(400, "Bad Request: message can't be deleted")
        for message_id in present:
            del chat[message_id]
        return self._ok(True)

    def _edit(self, method: str, params: dict[str, Any]) -> web.Response:
        chat = self.chats.get(int(params["chat_id"]), {})
        message_id = int(params["message_id"])
        if message_id not in chat:
            return self._error(400, "Bad Request: message to edit not found")
        date, text = chat[message_id]
        if method == "editMessageText":
            text = params["text"]
            chat[message_id] = (date, text)
        return self._ok(
            {
                "message_id": message_id,
                "date": date,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": text,
            }
        )

    @staticmethod
    def _error(status: int, description: str) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": status, "description": description}, status=status
        )

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})


def user(chat_id: int, language: str = "en") -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": language}


def message_update(chat_id: int, language: str = "en", **content: Any) -> dict[str, Any]:
    """A message from the user of a private chat: text, a sticker, a photo, a contact..."""
    return {
        "message": {
            "message_id": _incoming_id(),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": user(chat_id, language),
            **content,
        }
    }


def text_update(chat_id: int, text: str, language: str = "en") -> dict[str, Any]:
    entities = (
        {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
        if text.startswith("/")
        else {}
    )
    return message_update(chat_id, language, text=text, **entities)


def sticker_update(chat_id: int, language: str = "en") -> dict[str, Any]:
    sticker = {
        "file_id": "sticker1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    return message_update(chat_id, language, sticker=sticker)


def photo_update(chat_id: int, caption: str = "", language: str = "en") -> dict[str, Any]:
    photo = [{"file_id": "photo1", "file_unique_id": "p1", "width": 800, "height": 600}]
    return message_update(chat_id, language, photo=photo, caption=caption)


def voice_update(chat_id: int, language: str = "en") -> dict[str, Any]:
    voice = {"file_id": "voice1", "file_unique_id": "v1", "duration": 4}
    return message_update(chat_id, language, voice=voice)


def contact_update(
    chat_id: int, phone: str, language: str = "en", user_id: int | None = None
) -> dict[str, Any]:
    """A contact card: her own, or someone else's (`user_id`)."""
    contact = {"phone_number": phone, "first_name": "Olga", "user_id": user_id or chat_id}
    return message_update(chat_id, language, contact=contact)


def button_update(
    chat_id: int, data: str, language: str = "en", message_id: int = 1, text: str = ""
) -> dict[str, Any]:
    """A press on a button of the bot's message `message_id`."""
    return {
        "callback_query": {
            "id": f"cb{chat_id}{data}",
            "from": user(chat_id, language),
            "chat_instance": "fake",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": text,
            },
        }
    }


def forwarded_update(chat_id: int, text: str, language: str = "en") -> dict[str, Any]:
    """A message she forwards from another chat (an invitation, someone's words)."""
    origin = {"type": "hidden_user", "date": int(time.time()), "sender_user_name": "Anna"}
    return message_update(chat_id, language, text=text, forward_origin=origin)


def edited_update(chat_id: int, text: str, language: str = "en") -> dict[str, Any]:
    """An earlier message of hers, edited."""
    message = message_update(chat_id, language, text=text)["message"]
    return {"edited_message": {**message, "edit_date": int(time.time())}}


def location_update(chat_id: int, language: str = "en") -> dict[str, Any]:
    return message_update(chat_id, language, location={"latitude": 59.9, "longitude": 30.3})
