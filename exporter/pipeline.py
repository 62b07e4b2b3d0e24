"""Iterating on a background thread, a bounded number of items ahead of the consumer.

    with background(pages(), ahead=1, name="export-pages") as items:
        for item in items:
            ...

The producer blocks once `ahead` items wait, so memory stays bounded however far
behind the consumer falls. An exception in the producer is raised in the
consumer, at the point the item would have come. Leaving the block early stops
the producer (and closes a generator it was iterating).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

_DONE = object()
# How long the producer waits for room before looking at the stop flag again.
_POLL = 0.1
# How long leaving the block waits for the producer to notice (it may be inside a request).
_JOIN = 5.0


@contextlib.contextmanager
def background(items: Iterable[T], *, ahead: int, name: str) -> Iterator[Iterator[T]]:
    slots: queue.Queue[tuple[bool, object]] = queue.Queue(max(1, ahead))
    stop = threading.Event()

    def put(ok: bool, item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put((ok, item), timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not put(True, item):
                    return
            put(True, _DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(False, exc)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()

    def consume() -> Iterator[T]:
        while True:
            ok, item = slots.get()
            if not ok:
                assert isinstance(item, BaseException)
                raise item
            if item is _DONE:
                return
            yield item  # type: ignore[misc]

    try:
        yield consume()
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:
                slots.get_nowait()
        thread.join(_JOIN)
