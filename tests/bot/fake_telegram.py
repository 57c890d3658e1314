"""A small HTTP server speaking the part of the Telegram Bot API the bot uses, for tests.

It serves scripted updates through getUpdates, records every method the bot calls,
and can be told to fail sendMessage for a chat (429, 403, 500).
"""

import asyncio
import json
import threading
import time
from typing import Any

from aiohttp import web

BOT_ID = 424242
TOKEN = f"{BOT_ID}:TEST-token-for-the-fake-api"
BOT_USERNAME = "undersigned_test_bot"


class FakeTelegram:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[int, list[int]] = {}  # chat id -> HTTP statuses to answer, in turn
        self.drained = threading.Event()
        self._next_update_id = 1
        self._next_message_id = 1
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
                self._next_update_id += 1
            self.drained.clear()

    def sent_messages(self, since: int = 0) -> list[dict[str, Any]]:
        return [params for method, params in self.calls[since:] if method == "sendMessage"]

    # The API
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
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

    def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        statuses = self.failures.get(chat_id)
        if statuses:
            status = statuses.pop(0)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": status,
                "description": f"fake {status}",
            }
            if status == 429:
                body["parameters"] = {"retry_after": 1}
            return web.json_response(body, status=status)
        message_id = self._next_message_id
        self._next_message_id += 1
        return self._ok(
            {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": params.get("text", ""),
            }
        )

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})


def user(chat_id: int, language: str = "en") -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": language}


def text_update(chat_id: int, text: str, language: str = "en") -> dict[str, Any]:
    return {
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": user(chat_id, language),
            "text": text,
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
                if text.startswith("/")
                else {}
            ),
        }
    }


def button_update(chat_id: int, data: str, language: str = "en") -> dict[str, Any]:
    return {
        "callback_query": {
            "id": f"cb{chat_id}{data}",
            "from": user(chat_id, language),
            "chat_instance": "fake",
            "data": data,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "",
            },
        }
    }
