"""Every comment of the tickets on an export page: per ticket or in bulk, whichever the budget favours.

Two ways to get a ticket's comments, with different costs:

- per ticket: `GET /api/v2/tickets/{id}/comments` (one request per 100
  comments), several at once on threads. Each request spends one slot of the
  plan's limit (200 to 2,500 a minute).
- in bulk: `GET /api/v2/incremental/ticket_events?include=comment_events`
  (`exporter.events`), 1,000 updates of all tickets a request. Each request
  spends a slot of the incremental limit (10 a minute) and one of the plan's.

For each export page the planner counts what each way would take: tickets one
by one, against the events pages the walk from a start time S to the page's
latest change would read. It estimates the updates in that span from what it has
seen (updates per second of the walk so far; before that, the export page's
tickets per second times the updates per ticket seen). Both ways run at once, on
different limits, so a plan costs the longer of its two queues, counting only
what does not fit in what each window has free right now (less what is already
queued):

    minutes = max((queued + per_ticket + event_pages - plan_free) / plan_limit,
                  (queued_pages + event_pages - incremental_free) / incremental_limit)

and S is chosen among the tickets' creation times: tickets created before S go
one by one, the rest come from the walk (which continues from page to page when
that is cheaper than starting again). Ties (everything fits in the free slots)
go to fewer requests. A nightly run with ten changed tickets whose history spans
weeks fetches them one by one; a small first export reads one events page; a
long backfill splits each page between the walk and the one-by-one fetches, so
that both limits are spent (the oldest tickets always go one by one). A ticket
the walk cannot vouch for is fetched one by one as well. `CommentStats` says
what was used.
"""

from __future__ import annotations

import logging
import math
import threading
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from exporter.client import ZendeskClient
from exporter.directory import Directory
from exporter.events import DEFAULT_BUFFER_BYTES, EVENTS_PER_PAGE, EventsWalk, Need, WalkStopped

log = logging.getLogger("ticket_archive.comments")

MODES = ("auto", "bulk", "per-ticket")
DEFAULT_CONCURRENCY = 8
# Before anything was measured: updates per ticket (comments, solving, closing).
PRIOR_EVENTS_PER_TICKET = 8.0

Comments = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # raw comments, raw users they name


@dataclass
class CommentStats:
    """What the comment fetching did, for the run summary."""

    bulk_tickets: int = 0
    event_pages: int = 0
    # users/show_many and organizations/show_many requests for what no side-load brought.
    lookups: int = 0
    per_ticket_tickets: int = 0
    per_ticket_requests: int = 0
    # Tickets the walk could not vouch for, fetched one by one instead.
    fallbacks: int = 0
    comments: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def mode(self) -> str:
        if self.bulk_tickets and self.per_ticket_tickets:
            return "bulk+per-ticket"
        if self.bulk_tickets:
            return "bulk"
        return "per-ticket" if self.per_ticket_tickets else "none"

    def describe(self) -> str:
        parts = []
        if self.bulk_tickets or self.event_pages:
            parts.append(f"{self.bulk_tickets} tickets from {self.event_pages} event pages")
        if self.per_ticket_tickets:
            why = f", {self.fallbacks} the events walk could not vouch for" if self.fallbacks else ""
            parts.append(f"{self.per_ticket_tickets} tickets one by one in {self.per_ticket_requests} requests{why}")
        if parts and self.lookups:
            parts.append(f"{self.lookups} lookups of people no side-load had")
        return f"{self.mode} (" + "; ".join(parts) + ")" if parts else "none"

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class Plan:
    """How an export page's comments come: futures the walk fills, and tickets to fetch one by one."""

    bulk: dict[int, "Future[Comments]"]
    per_ticket: frozenset[int]


class CommentFetcher:
    """Plans and runs the comment fetching of one export; a context manager (it owns threads).

    `plan(...)` is called from one thread, page after page; `fetch_one(...)` from any."""

    def __init__(
        self,
        client: ZendeskClient,
        stats: CommentStats,
        *,
        directory: Directory | None = None,
        mode: str = "auto",
        concurrency: int = DEFAULT_CONCURRENCY,
        buffer_bytes: int = DEFAULT_BUFFER_BYTES,
        events_per_page: int = EVENTS_PER_PAGE,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"comment mode must be one of {', '.join(MODES)}")
        self.client = client
        self.stats = stats
        self.directory = directory or Directory(client, counted=lambda: stats.add(lookups=1))
        self.mode = mode
        self.buffer_bytes = buffer_bytes
        self.events_per_page = events_per_page
        self._pool = ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="comments")
        # One thread walks the events stream: jobs run in the order the pages came.
        self._walker = ThreadPoolExecutor(1, thread_name_prefix="ticket-events")
        self._stop = threading.Event()
        self._walk: EventsWalk | None = None
        self._walk_until = 0  # the latest change a job asked the walk to reach
        # What is planned but not sent yet, for the cost of the next plan.
        self._pages_planned = 0
        self._pages_read_before = 0  # by walks given up
        self._queued = 0  # one-by-one fetches submitted and not finished
        self._queued_lock = threading.Lock()

    def __enter__(self) -> "CommentFetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._walker.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- one by one -------------------------------------------------------------------

    def fetch_one(self, ticket_id: int) -> "Future[Comments]":
        """Every comment of one ticket on a thread; the future raises NotFound for a deleted ticket."""
        with self._queued_lock:
            self._queued += 1
        return self._pool.submit(self._fetch, ticket_id)

    def _fetch(self, ticket_id: int) -> Comments:
        try:
            comments, users = self.client.fetch_comments(ticket_id)
            self.directory.remember(users)
            # Authors the comments' side-load left out.
            named = {c.get("author_id") for c in comments} - {u.get("id") for u in users}
            users = [*users, *self.directory.users(named).values()]
        finally:
            with self._queued_lock:
                self._queued -= 1
        self.stats.add(
            per_ticket_tickets=1, per_ticket_requests=max(1, math.ceil(len(comments) / 100)), comments=len(comments)
        )
        return comments, users

    # -- planning ------------------------------------------------------------------------

    def plan(
        self,
        needs: Sequence[Need],
        *,
        page_ids: Sequence[int],
        known_users: Iterable[int],
        tickets_per_second: float | None = None,
    ) -> Plan:
        """Decide how the comments of `needs` (one export page's, in its order) are fetched.

        `page_ids`: every ticket on the page (the walk forgets them after it);
        `known_users`: users the page side-loaded; `tickets_per_second`: the
        page's tickets over the span of their changes, for the first estimate."""
        walk, start, pages = self._choose(needs, tickets_per_second)
        bulk: dict[int, Future[Comments]] = {}
        if walk is None and start is not None:
            if self._walk is not None:
                self._pages_read_before += self._walk.pages
            walk = self._walk = EventsWalk(
                self.client, start, buffer_bytes=self.buffer_bytes, per_page=self.events_per_page, stop=self._stop
            )
            self._walk_until = 0
        self._pages_planned += pages
        if walk is not None:
            covered = [n for n in needs if n.created >= walk.start]
            bulk = {n.ticket_id: Future() for n in covered}
            if covered:
                self._walk_until = max(self._walk_until, max(n.updated for n in covered))
            self._walker.submit(self._run, walk, covered, bulk, list(page_ids), frozenset(known_users))
        elif self._walk is not None:
            self._walker.submit(self._run, self._walk, [], {}, list(page_ids), frozenset())
        per_ticket = frozenset(n.ticket_id for n in needs if n.ticket_id not in bulk)
        if needs:
            log.debug("comments of %d tickets: %d from the events walk, %d one by one", len(needs), len(bulk), len(per_ticket))
        return Plan(bulk, per_ticket)

    def _choose(
        self, needs: Sequence[Need], tickets_per_second: float | None
    ) -> tuple[EventsWalk | None, int | None, int]:
        """(the current walk to continue, None, pages) or (None, a new walk's start, pages)
        or (None, None, 0): everything one by one."""
        if not needs or self.mode == "per-ticket":
            return None, None, 0
        current = self._walk
        density = self._density(tickets_per_second)
        until = max(n.updated for n in needs)

        def pages(since: int) -> int:
            return 0 if until < since else max(1, math.ceil(density * (until - since + 1) / self.events_per_page))

        if self.mode == "bulk":
            start = min(n.created for n in needs)
            if current is not None and start >= current.start:
                return current, None, pages(self._walk_until)
            return None, start, pages(start)

        budget = self.client.budget
        plan_limit, incremental_limit = budget.limit, budget.incremental_limit
        plan_free, incremental_free = budget.available()
        read = self._pages_read_before + (current.pages if current is not None else 0)
        pages_queued = max(0, self._pages_planned - read)
        plan_queued = pages_queued + self._queued

        def minutes(one_by_one: int, pages: int) -> tuple[float, int]:
            # The export page itself also spends a slot of each limit.
            plan = max(0, plan_queued + one_by_one + pages + 1 - plan_free) / plan_limit
            incremental = 0.0
            if incremental_limit:
                incremental = max(0, pages_queued + pages + 1 - (incremental_free or 0)) / incremental_limit
            return max(plan, incremental), one_by_one + pages

        best = (minutes(len(needs), 0), None, None, 0)
        if current is not None:
            left = sum(1 for n in needs if n.created < current.start)
            more = pages(self._walk_until) if until >= self._walk_until else 0
            cost = minutes(left, more)
            if cost < best[0]:
                best = (cost, current, None, more)
        created = sorted(n.created for n in needs)
        for before, start in enumerate(created):
            if before and created[before - 1] == start:
                continue
            more = pages(start)
            cost = minutes(before, more)
            if cost < best[0]:
                best = (cost, None, start, more)
        return best[1], best[2], best[3]

    def _density(self, tickets_per_second: float | None) -> float:
        """Updates per second of the events stream: measured once the walk has read a page."""
        walk = self._walk
        measured = walk.density() if walk is not None else None
        if measured is not None:
            return measured
        with self.stats._lock:
            fetched, comments = self.stats.per_ticket_tickets, self.stats.comments
        per_ticket = comments / fetched + 2 if fetched >= 20 else PRIOR_EVENTS_PER_TICKET
        return (tickets_per_second or 0.0) * per_ticket

    # -- the walk (on the events thread) ---------------------------------------------------

    def _run(
        self,
        walk: EventsWalk,
        needs: list[Need],
        futures: dict[int, "Future[Comments]"],
        page_ids: list[int],
        known_users: frozenset[int],
    ) -> None:
        pages_before = walk.pages
        try:
            if walk.failed is not None:
                raise walk.failed
            for batch in walk.collect(needs):
                found = [(tid, comments) for tid, comments in batch if comments is not None]
                users = self._authors(found, known_users)
                for ticket_id, comments in batch:
                    future = futures[ticket_id]
                    if comments is None:
                        self.stats.add(fallbacks=1)
                        _forward(self.fetch_one(ticket_id), future)
                        continue
                    named = {c.get("author_id") for c in comments}
                    future.set_result((comments, [users[u] for u in sorted(named - known_users) if u in users]))
                    self.stats.add(bulk_tickets=1, comments=len(comments))
            walk.release(page_ids)
        except WalkStopped:
            for future in futures.values():
                future.cancel()
        except Exception as exc:
            # The walk cannot go on: its tickets, and those of later jobs on it, are fetched
            # one by one (which fails the export in turn if Zendesk itself is failing).
            if walk.failed is None:
                log.warning("the ticket events walk stopped (%s); fetching comments one by one", type(exc).__name__)
            walk.failed = exc
            if self._walk is walk:
                self._walk = None
            for ticket_id, future in futures.items():
                if not future.done():
                    self.stats.add(fallbacks=1)
                    _forward(self.fetch_one(ticket_id), future)
        finally:
            self.stats.add(event_pages=walk.pages - pages_before)

    def _authors(self, found: list[tuple[int, list[dict[str, Any]]]], known: frozenset[int]) -> dict[int, dict[str, Any]]:
        """Comment authors the export page did not side-load, from the directory."""
        return self.directory.users({c.get("author_id") for _, comments in found for c in comments} - known - {None})


def _forward(source: "Future[Comments]", target: "Future[Comments]") -> None:
    def done(f: "Future[Comments]") -> None:
        if target.done():
            return
        try:
            target.set_result(f.result())
        except CancelledError:
            target.cancel()
        except BaseException as exc:
            target.set_exception(exc)

    source.add_done_callback(done)
