"""Paces requests under Zendesk's rate limits so a long backfill never meets a 429 storm.

Three limits apply at once: the plan's requests per minute (learnt from the
`X-Rate-Limit` / `ratelimit-limit` headers), an optional ceiling of our own (to
leave room for the team's other integrations) and the incremental export
endpoints' 10 per minute. Each is a sliding 60-second window: a request waits
until sending it keeps every window within its limit. When Zendesk reports no
requests remaining, the budget also waits out the reset it announces, or, when
it announces none, one request's share of the window (the next slot of a sliding
window; a fixed second would cap a long run at 60 requests a minute).

Thread-safe: the comment fetchers share one budget.
"""

from __future__ import annotations

import bisect
import threading
import time
from typing import Callable, Mapping

MINUTE = 60.0
# Before Zendesk has told us the plan's limit, assume the smallest plan's.
DEFAULT_PLAN_LIMIT = 200
INCREMENTAL_LIMIT = 10


def _header_int(headers: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                continue
    return None


class _Window:
    """Send times (some reserved in the future), sorted, of the last minute."""

    def __init__(self, limit: int, length: float) -> None:
        self.limit = limit
        self.length = length
        self.sent: list[float] = []

    def earliest(self, now: float) -> float:
        del self.sent[: bisect.bisect_right(self.sent, now - self.length)]
        if len(self.sent) < self.limit:
            return now
        return max(now, self.sent[len(self.sent) - self.limit] + self.length)

    def reserve(self, at: float) -> None:
        bisect.insort(self.sent, at)

    def move(self, old: float, new: float) -> None:
        i = bisect.bisect_left(self.sent, old)
        if i < len(self.sent) and self.sent[i] == old:
            del self.sent[i]
            bisect.insort(self.sent, new)


class RateBudget:
    def __init__(
        self,
        *,
        ceiling_per_minute: int | None = None,
        incremental_per_minute: int | None = INCREMENTAL_LIMIT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        minute: float = MINUTE,
    ) -> None:
        """`minute` is the windows' length in seconds: 60 against Zendesk; tests shrink it."""
        self.ceiling = ceiling_per_minute
        self._plan = _Window(self._effective(DEFAULT_PLAN_LIMIT), minute)
        self._incremental = _Window(incremental_per_minute, minute) if incremental_per_minute else None
        self._minute = minute
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._reset_at = 0.0
        self.waited = 0.0
        # The plan's limit as Zendesk last stated it (before our ceiling); None until it does.
        self.reported_limit: int | None = None

    def _effective(self, plan_limit: int) -> int:
        return max(1, min(plan_limit, self.ceiling) if self.ceiling else plan_limit)

    @property
    def limit(self) -> int:
        return self._plan.limit

    @property
    def incremental_limit(self) -> int | None:
        return self._incremental.limit if self._incremental is not None else None

    @property
    def minute(self) -> float:
        return self._minute

    def available(self) -> tuple[int, int | None]:
        """Requests that could go out right now: (plan's window, incremental window or None)."""
        with self._lock:
            now = self._clock()
            free = []
            for w in (self._plan, self._incremental):
                if w is not None:
                    w.earliest(now)  # forgets what left the window
                    free.append(max(0, w.limit - len(w.sent)))
            if now < self._reset_at:
                free[0] = 0
            return free[0], (free[1] if self._incremental is not None else None)

    def acquire(self, path: str) -> float:
        """Reserve the earliest slot that keeps every window within its limit, and wait for it.

        Reserving under the lock and sleeping outside it lets concurrent callers
        queue up without oversubscribing a window. Returns the slot, for `settle`."""
        with self._lock:
            now = self._clock()
            windows = self._windows(path)
            slot = max([now, self._reset_at] + [w.earliest(now) for w in windows])
            for w in windows:
                w.reserve(slot)
            wait = slot - now
        if wait > 0:
            with self._lock:
                self.waited += wait
            self._sleep(wait)
        return slot

    def settle(self, path: str, slot: float) -> None:
        """The request of `slot` has been answered: count it from now on.

        Zendesk counts a request when it arrives, some latency after it left, and
        always before its answer; counting it from the answer keeps a run at the
        limit from landing two requests in one of Zendesk's minutes when one took
        longer to get there than the other."""
        with self._lock:
            now = self._clock()
            for w in self._windows(path):
                w.move(slot, max(slot, now))

    def _windows(self, path: str) -> list[_Window]:
        windows = [self._plan]
        if self._incremental is not None and "/incremental/" in path:
            windows.append(self._incremental)
        return windows

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the plan's limit and any announced exhaustion from a response."""
        limit = _header_int(headers, "X-Rate-Limit", "ratelimit-limit")
        remaining = _header_int(headers, "X-Rate-Limit-Remaining", "ratelimit-remaining")
        reset = _header_int(headers, "ratelimit-reset")
        with self._lock:
            if limit:
                self.reported_limit = limit
                self._plan.limit = self._effective(limit)
            if remaining is not None and remaining <= 0:
                wait = reset if reset is not None else self._minute / self._plan.limit
                self._reset_at = max(self._reset_at, self._clock() + wait)
