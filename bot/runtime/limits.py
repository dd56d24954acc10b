"""How many writes one person may make a minute: a sliding window per person, in this process.

Cobot refuses a write past the limit with a polite answer before it opens a transaction, so a script or a stuck
key cannot queue hundreds of cards or hold SQLite's write lock from everyone else. The window lives in memory: with
several server processes each holds its own, which bounds a flood just as well (the request creations that matter
most are also limited per hour in the database, ``handlers.requests``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

WINDOW_SECONDS = 60.0
# Past this many people tracked, those idle for a whole window are forgotten (the map stays small).
TIDY_AT = 10_000


class WriteLimiter:
    def __init__(self, *, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        """``per_minute``: writes one key may make in any 60 seconds (0: no limit)."""
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: Hashable) -> bool:
        """True (and the write counted) if ``key`` is within its limit; False if it has used it up."""
        if self.per_minute <= 0:
            return True
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            if len(self._seen) > TIDY_AT:
                self._tidy(now)
            return True

    def _tidy(self, now: float) -> None:
        for key in [key for key, times in self._seen.items() if not times or times[-1] <= now - WINDOW_SECONDS]:
            del self._seen[key]
