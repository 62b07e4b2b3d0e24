"""Redaction in worker processes, so fetching, redacting and writing overlap.

spaCy holds the GIL, so threads would not help; processes forked from a parent
that already loaded the pipeline share its memory copy-on-write and start in
milliseconds instead of loading the model again.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from exporter.models import Ticket

# The redactor the forked workers inherit; set in the parent just before forking.
_INHERITED: Any = None


def _redact_in_worker(ticket: Ticket) -> Any:
    return _INHERITED.redact_ticket(ticket)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class RedactionPool:
    """`submit(ticket)` returns a future of the redacted ticket (or its RedactionError).

    With one worker, redaction runs at once in this process: no fork, plain tracebacks."""

    def __init__(self, redactor: Any, workers: int = 1) -> None:
        self.redactor = redactor
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "RedactionPool":
        if self.workers > 1:
            global _INHERITED
            _INHERITED = self.redactor
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    @property
    def in_flight_limit(self) -> int:
        # Enough queued work to keep every worker busy while the fetcher waits on the API.
        return 1 if self._executor is None else self.workers * 4

    def submit(self, ticket: Ticket) -> "Future[Any]":
        if self._executor is not None:
            return self._executor.submit(_redact_in_worker, ticket)
        future: Future[Any] = Future()
        try:
            future.set_result(self.redactor.redact_ticket(ticket))
        except Exception as exc:  # delivered through the future, like the pool's
            future.set_exception(exc)
        return future
