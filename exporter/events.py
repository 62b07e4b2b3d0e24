"""Comments out of the ticket events stream (`include=comment_events`), read in one forward walk.

The time-based ticket events export lists every update of every ticket in time
order; with the `comment_events` side-load each comment is a child event of its
kind (`Comment`, `VoiceComment`, `TpeVoiceComment`) carrying its body. A ticket created at C and last changed at G has all its
comments among the updates in [C, G], so one continuous walk from a start time S
holds every comment of every ticket created at or after S once it has read past
G. `EventsWalk` is that walk: it keeps the comments of tickets it has seen until
the export reaches them, and says which tickets it can vouch for. Each comment
keeps what `exporter.bodies` makes its one text from, as the comments endpoint
would give it.

Later updates can change a comment: a `CommentPrivacyChange` makes it private
(applied here), a redaction rewrites it (the ticket is then fetched one by one,
which returns the comment as it is now).

A ticket it cannot vouch for (created before S, evicted to bound memory, seen on
an earlier export page, changed after the stream's end, touched by a second the
stream could not page through, with a comment redacted, of a kind not known
here or without html_body) comes back as None: the caller fetches it one by
one instead. Records here are unredacted; nothing in this module logs them.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

from exporter.bodies import COMMENT_KINDS
from exporter.client import EventsPage, ZendeskClient
from exporter.errors import BadResponse

PRIVACY_CHANGE = "CommentPrivacyChange"
EVENTS_PER_PAGE = 1000
# What the walk may hold for tickets the export has not reached yet (bodies, roughly in bytes).
DEFAULT_BUFFER_BYTES = 64 * 1024 * 1024


def comments_in(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The comments an update added, shaped like the comments endpoint's records (with what
    `exporter.bodies` reads: kind, html_body, body, a voice call's data; attachments without
    their tokened URLs)."""
    found = []
    for child in event.get("child_events") or ():
        kind = child.get("event_type") or child.get("type")
        if kind not in COMMENT_KINDS:
            continue
        if "body" not in child and "html_body" not in child:
            # Without the side-load a comment is only `comment_present`; never archive it empty.
            raise BadResponse(
                "the ticket events stream came without comment bodies; it must be asked for with include=comment_events",
                path="/api/v2/incremental/ticket_events.json",
            )
        comment = {
            "id": int(child["id"]),
            "type": kind,
            "author_id": child.get("author_id"),
            "public": bool(child.get("public", True)),
            "created_at": child.get("created_at") or event.get("created_at"),
            "body": child.get("body"),
            "attachments": [
                {"file_name": a.get("file_name"), "content_type": a.get("content_type"), "size": a.get("size")}
                for a in child.get("attachments") or ()
            ],
        }
        for key in ("html_body", "data"):
            if key in child:
                comment[key] = child[key]
        found.append(comment)
    return found


@dataclass(frozen=True)
class Need:
    """A ticket whose comments are wanted: created and last changed at these Unix seconds."""

    ticket_id: int
    created: int
    updated: int


class WalkStopped(Exception):
    """The walk was told to stop (the export ended early)."""


class EventsWalk:
    """One forward read of the ticket events stream from `start`; see the module docstring.

    Used from one thread at a time (the comment fetcher's events thread)."""

    def __init__(
        self,
        client: ZendeskClient,
        start: int,
        *,
        buffer_bytes: int = DEFAULT_BUFFER_BYTES,
        per_page: int = EVENTS_PER_PAGE,
        stop: threading.Event | None = None,
    ) -> None:
        self.client = client
        self.start = int(start)
        self.buffer_bytes = buffer_bytes
        self.per_page = per_page
        self._stop = stop or threading.Event()
        self._next_start = self.start
        self._pages: Iterator[EventsPage] | None = None
        # Every update before `covered` has been read; `at_end`: the stream's end was reached there.
        self.covered = self.start
        # ticket id -> comment id -> comment, for tickets seen but not yet handed out.
        self._held: dict[int, dict[int, dict[str, Any]]] = {}
        self._held_size: dict[int, int] = {}
        self._size = 0
        # Tickets whose comments this walk can no longer vouch for.
        self._lost: set[int] = set()
        self.pages = 0
        self.events = 0
        self.seconds = 0
        # The error that ended the walk; set by its user, re-raised for later jobs.
        self.failed: Exception | None = None

    # -- what the planner reads ---------------------------------------------------

    def density(self) -> float | None:
        """Updates per second seen so far; None before a full page was read."""
        if self.events < self.per_page or self.seconds <= 0:
            return None
        return self.events / self.seconds

    # -- the walk -------------------------------------------------------------------

    def collect(self, needs: Sequence[Need]) -> Iterator[list[tuple[int, list[dict[str, Any]] | None]]]:
        """Read on until each ticket is covered; yield batches of (ticket id, its comments or None).

        A batch comes after every events page, so callers can hand comments on early."""
        pending = deque(sorted(needs, key=lambda n: (n.updated, n.ticket_id)))
        reached_end = False
        while pending:
            batch = []
            while pending and pending[0].updated < self.covered:
                need = pending.popleft()
                batch.append((need.ticket_id, self._take(need)))
            if batch:
                yield batch
            if not pending:
                return
            if reached_end:
                # Changed after the stream's end (the last minute, or a system update without an event).
                yield [(need.ticket_id, None) for need in pending]
                return
            if self._stop.is_set():
                raise WalkStopped()
            page = self._read()
            reached_end = page.end_of_stream

    def release(self, ticket_ids: Sequence[int]) -> None:
        """The export has passed these tickets: forget them, and distrust them if they come again
        (a ticket changed during the run reappears later, and what it had before is gone)."""
        for ticket_id in ticket_ids:
            if ticket_id in self._held:
                self._drop(ticket_id)
                self._lost.add(ticket_id)

    def _take(self, need: Need) -> list[dict[str, Any]] | None:
        comments = self._held.get(need.ticket_id, {})
        trusted = need.created >= self.start and need.ticket_id not in self._lost
        if need.ticket_id in self._held:
            self._drop(need.ticket_id)
        self._lost.add(need.ticket_id)
        return list(comments.values()) if trusted else None

    def _read(self) -> EventsPage:
        if self._pages is None:
            self._pages = self.client.iter_ticket_events(self._next_start, per_page=self.per_page)
        try:
            page = next(self._pages)
        except StopIteration:  # pragma: no cover - the client always yields at least one page
            self._pages = None
            raise BadResponse("the ticket events export ended without a page") from None
        self.pages += 1
        self.events += len(page.events)
        self.seconds += max(0, page.end_time - page.start_time)
        for event in page.events:
            self._absorb(event)
        if page.stalled:
            # More updates in one second than a page holds: that second may be incomplete.
            for event in page.events:
                self._lose(int(event["ticket_id"]))
            self.covered = page.end_time + 1
        elif page.end_of_stream:
            self.covered = max(self.covered, page.end_time + 1)
        else:
            self.covered = max(self.covered, page.end_time)
        if page.end_of_stream:
            # The next read polls again from the last second (it may have grown).
            self._pages = None
            self._next_start = page.end_time
        return page

    def _absorb(self, event: Mapping[str, Any]) -> None:
        try:
            ticket_id = int(event["ticket_id"])
        except (KeyError, TypeError, ValueError):
            # An update of no known ticket: whose comments it held cannot be told.
            raise BadResponse("the ticket events stream sent an update without a ticket id") from None
        if ticket_id in self._lost:
            return
        held = self._held.setdefault(ticket_id, {})
        try:
            for child in event.get("child_events") or ():
                kind = str(child.get("event_type") or child.get("type") or "")
                if kind == PRIVACY_CHANGE and child.get("comment_id") in held:
                    held[child["comment_id"]]["public"] = bool(child.get("public", False))
                elif "Redact" in kind or ("Comment" in kind and kind not in COMMENT_KINDS and kind != PRIVACY_CHANGE):
                    raise ValueError(kind)
            comments = comments_in(event)
            if any(not c.get("html_body") for c in comments):
                # Its text would come from body here, from plain_body one by one: take it from there.
                raise ValueError("no html_body")
        except (AttributeError, KeyError, TypeError, ValueError):
            # A redaction, a comment kind not known here, a comment without html_body, or a malformed
            # record: the ticket is fetched one by one instead.
            self._lose(ticket_id)
            return
        for comment in comments:
            if comment["id"] not in held:  # pages repeat their last second
                held[comment["id"]] = comment
                size = len(comment.get("html_body") or "") + len(comment.get("body") or "") + 200
                self._held_size[ticket_id] = self._held_size.get(ticket_id, 0) + size
                self._size += size
        if self._size > self.buffer_bytes:
            self._evict()

    def _evict(self) -> None:
        # Oldest first: the tickets longest open are the likeliest to stay open.
        for ticket_id in list(self._held):
            if self._size <= self.buffer_bytes * 3 // 4:
                return
            self._lose(ticket_id)

    def _lose(self, ticket_id: int) -> None:
        if ticket_id in self._held:
            self._drop(ticket_id)
        self._lost.add(ticket_id)

    def _drop(self, ticket_id: int) -> None:
        del self._held[ticket_id]
        self._size -= self._held_size.pop(ticket_id, 0)
