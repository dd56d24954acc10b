"""Pacing posts for every transport: one post at a time per conversation, and nothing into a conversation (or
through a method) while the platform's ``Retry-After`` holds.

Slack takes about one ``chat.postMessage`` a second per channel and Teams about one post a second per
conversation; both answer 429 with ``Retry-After`` beyond. A ``Pacer`` keeps, per key (a channel, a conversation, a
Web API method), when the last post went and until when the key is paused, within this process. Messages that find
a key busy wait in line, each for its own turn one interval after the one before: they come back one at a time,
instead of all together after every post (each return is a claim and a write: bench/bench_serve.py).

``RetryLater`` from here never counts as a failed attempt: waiting one's turn is not something going wrong.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.runtime.delivery import RetryLater


class Pacer:
    def __init__(
        self, *, interval: float, clock: Callable[[], datetime], from_end: bool = False, reason: str = "pacing"
    ) -> None:
        """``interval``: seconds between posts per key (0 turns pacing off; pauses still hold). ``from_end``: the
        interval counts from when a post ended rather than began (Teams counts posts as they arrive, and a post
        slowed on its way would otherwise arrive close to the next)."""
        self.interval = interval
        self.clock = clock
        self.from_end = from_end
        self.reason = reason
        self._last: dict[str, float] = {}  # key → monotonic time of its last post
        self._turns: dict[str, dict[int, float]] = {}  # key → {message id → its turn (monotonic time)}
        self._paused_until: dict[str, datetime] = {}  # key → end of its Retry-After
        self._lock = threading.Lock()

    # --- Retry-After ----------------------------------------------------------------------------------------

    def pause(self, key: str, seconds: float) -> None:
        """Nothing goes to ``key`` before ``seconds`` from now (a 429's Retry-After holds for everything there)."""
        until = self.clock() + timedelta(seconds=seconds)
        with self._lock:
            self._paused_until[key] = max(until, self._paused_until.get(key, until))

    def check_pause(self, key: str, reason: str) -> None:
        with self._lock:
            until = self._paused_until.get(key)
        if until is not None:
            wait = (until - self.clock()).total_seconds()
            if wait > 0:
                raise RetryLater(wait, reason, count_attempt=False)

    # --- turns ----------------------------------------------------------------------------------------------

    def check(self, key: str | None, message_id: int) -> None:
        """Raises ``RetryLater`` while ``key`` is busy, without taking its turn: the message is put back before
        anything is built for it."""
        if key is None or self.interval <= 0:
            return
        with self._lock:
            wait = self._turn_wait(key, message_id, time.monotonic())
        if wait > 0:
            raise RetryLater(wait, f"{self.reason} {key}", count_attempt=False)

    def take_turn(self, key: str | None, message_id: int) -> None:
        """The message posts to ``key`` now, or raises ``RetryLater`` with the time of its turn."""
        if key is None or self.interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._turn_wait(key, message_id, now)
            if wait > 0:
                raise RetryLater(wait, f"{self.reason} {key}", count_attempt=False)
            self._turns.get(key, {}).pop(message_id, None)
            self._last[key] = now

    def finished(self, key: str | None) -> None:
        """A post to ``key`` ended (pacers counting from the end start the interval now)."""
        if key is None or self.interval <= 0 or not self.from_end:
            return
        with self._lock:
            self._last[key] = max(self._last.get(key, -1e9), time.monotonic())

    def _turn_wait(self, key: str, message_id: int, now: float) -> float:
        """Seconds until ``message_id`` may post to ``key`` (call with the lock held)."""
        line = self._turns.setdefault(key, {})
        for waiting, due in list(line.items()):
            if due < now - 2 * self.interval - 5:
                del line[waiting]  # it did not come back (sent by another process, cancelled): it holds no turn
        free_at = self._last.get(key, -1e9) + self.interval
        if message_id not in line:
            if free_at <= now and not line:
                return 0.0
            line[message_id] = max([free_at, *(due + self.interval for due in line.values())])
        return max(line[message_id], free_at) - now
