"""The bot's outbox: every message and edit to a chat goes through it, paced as Telegram asks.

Telegram refuses a bot that writes to one chat faster than about one message a second
(short bursts pass) or faster than about thirty a second overall, answering 429 with
`retry_after`. The outbox gives each message a slot: per chat at `per_chat` a second with a
burst of `burst` (one less than Telegram lets through, to absorb the network's jitter),
overall one slot every 1/`overall` seconds. A 429 moves the chat's next slot, and the
overall one, past `retry_after`; a 5xx answer, a dropped connection or a timeout is tried
again after a growing wait, `attempts` times in all.

What waits is held in this process's memory only: it is never logged and never written
to disk, and is gone once sent or given up. A message that still could not be delivered
is reported to the caller as None; the conversation's state was saved before, and
what mattered in it stays reachable (`/status` gives a receipt link again).
`speed` runs the same limits and waits on a faster clock (tests).
"""

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

PER_CHAT = 1.0  # messages a second to one chat
BURST = 2  # messages one chat may get at once
OVERALL = 30.0  # messages a second to all chats together
ATTEMPTS = 5
TIMEOUT_SECONDS = 20  # one call to the Bot API
FIRST_BACKOFF_SECONDS = 1.0


class Outbox:
    def __init__(
        self,
        *,
        per_chat: float = PER_CHAT,
        burst: int = BURST,
        overall: float = OVERALL,
        attempts: int = ATTEMPTS,
        timeout: int = TIMEOUT_SECONDS,
        speed: float = 1.0,
    ) -> None:
        self.interval = 1 / (per_chat * speed)
        self.tolerance = (max(burst, 1) - 1) * self.interval
        self.overall_interval = 1 / (overall * speed)
        self.attempts = attempts
        self.speed = speed
        self.timeout = timeout  # whole seconds, as aiogram takes them
        # Per chat, the "theoretical arrival time" of its next message (GCRA).
        self._due: dict[int, float] = {}
        self._next_overall = 0.0
        self._lock = threading.Lock()  # webhook requests may run in several threads
        self.refused = 0  # 429 answers met, for the figures

    def _reserve(self, chat_id: int) -> float:
        """Take the chat's slot if it is now; else the seconds to wait before asking again.

        A slot is taken only at the moment of sending, so that messages which waited
        together (a busy process) do not leave together faster than the pace."""
        with self._lock:
            now = time.monotonic()
            due = self._due.get(chat_id, now)
            slot = max(due - self.tolerance, self._next_overall)
            if slot > now:
                return slot - now
            self._due[chat_id] = max(due, now) + self.interval
            self._next_overall = now + self.overall_interval
            if len(self._due) > 10_000:  # chats idle for a while need no slot
                self._due = {c: d for c, d in self._due.items() if d > now}
            return 0.0

    def _hold(self, chat_id: int, seconds: float) -> None:
        """Telegram asked for a pause: no message to the chat, nor to anyone, before it ends."""
        with self._lock:
            until = time.monotonic() + seconds / self.speed
            self._due[chat_id] = max(self._due.get(chat_id, 0.0), until + self.tolerance)
            self._next_overall = max(self._next_overall, until)

    async def call(
        self, chat_id: int, make: Callable[[int], Awaitable[T]], *, paced: bool = True
    ) -> T | None:
        """Run one Bot API call for the chat (`make(timeout)`), paced and retried; None when
        it could not be done. Refusals that will not pass (a blocked bot, a bad request)
        are raised to the caller."""
        for attempt in range(self.attempts):
            while paced and (wait := self._reserve(chat_id)) > 0:
                await asyncio.sleep(wait)
            try:
                return await make(self.timeout)
            except TelegramRetryAfter as refusal:
                self.refused += 1
                self._hold(chat_id, refusal.retry_after)
                if not paced:
                    await asyncio.sleep(refusal.retry_after / self.speed)
            except (TelegramServerError, TelegramNetworkError, TimeoutError) as error:
                # The type only: what was sent is never logged.
                logger.info("telegram call failed (%s), attempt %d", type(error).__name__, attempt)
                await asyncio.sleep(FIRST_BACKOFF_SECONDS * 2**attempt / self.speed)
        logger.warning("telegram call given up after %d attempts", self.attempts)
        return None
