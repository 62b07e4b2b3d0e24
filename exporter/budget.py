"""Paces requests under Zendesk's rate limits so a long backfill never meets a 429 storm.

Three limits apply at once: the plan's requests per minute (learnt from the
`X-Rate-Limit` / `ratelimit-limit` headers), an optional ceiling of our own (to
leave room for the team's other integrations) and the incremental export
endpoints' 10 per minute. Each is a sliding 60-second window: a request waits
until sending it keeps every window within its limit. When Zendesk reports no
requests remaining, the budget also waits out the reset it announces.
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
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._reset_at = 0.0
        self.waited = 0.0

    def _effective(self, plan_limit: int) -> int:
        return max(1, min(plan_limit, self.ceiling) if self.ceiling else plan_limit)

    @property
    def limit(self) -> int:
        return self._plan.limit

    def acquire(self, path: str) -> None:
        """Reserve the earliest slot that keeps every window within its limit, and wait for it.

        Reserving under the lock and sleeping outside it lets concurrent callers
        queue up without oversubscribing a window."""
        with self._lock:
            now = self._clock()
            windows = [self._plan]
            if self._incremental is not None and "/incremental/" in path:
                windows.append(self._incremental)
            slot = max([now, self._reset_at] + [w.earliest(now) for w in windows])
            for w in windows:
                w.reserve(slot)
            wait = slot - now
        if wait > 0:
            self.waited += wait
            self._sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the plan's limit and any announced exhaustion from a response."""
        limit = _header_int(headers, "X-Rate-Limit", "ratelimit-limit")
        remaining = _header_int(headers, "X-Rate-Limit-Remaining", "ratelimit-remaining")
        reset = _header_int(headers, "ratelimit-reset")
        with self._lock:
            if limit:
                self._plan.limit = self._effective(limit)
            if remaining is not None and remaining <= 0:
                self._reset_at = max(self._reset_at, self._clock() + (reset if reset is not None else 1.0))
