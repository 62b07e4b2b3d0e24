"""Walks the incremental ticket export and yields each ticket's latest change, comments included.

A ticket can appear more than once in the stream (Zendesk re-emits it when it
changes during the export, older state first). Within a page only the last
occurrence counts; across pages the caller applies changes in order, so the
latest state wins there too.

Fetching runs ahead of the caller on threads, bounded: one export page is read
ahead, and comments are fetched (per ticket, or from the ticket events walk, as
`exporter.comments` decides for each page) for at most `LOOKAHEAD` tickets
beyond the one the caller is at. Changes still come in stream order.

Before a page's solved tickets go on, what its side-loads left out is filled
in: the people and organizations they name (`exporter.directory`, fetched in
bulk), and the solve dates their metric sets do not record
(`exporter.solved`: the ticket's metrics or audits, never `updated_at`). A
ticket whose solve date no one records has `solved_at` None.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Iterator, Mapping

from exporter.client import ExportPage, ZendeskClient
from exporter.comments import DEFAULT_CONCURRENCY, CommentFetcher, Comments, CommentStats
from exporter.directory import Directory
from exporter.errors import InvalidCursor, NotFound
from exporter.events import EVENTS_PER_PAGE, Need
from exporter.models import (
    ARCHIVED_STATUSES,
    Organization,
    Ticket,
    User,
    named_user_ids,
    parse_comment,
    parse_organization,
    parse_ticket,
    parse_time,
    parse_user,
)
from exporter.pipeline import background
from exporter.solved import find_solved_at

# Tickets whose comments may be fetched ahead of the one the caller is at: two export pages,
# so the events walk and the per-ticket fetches always have work queued when the budget has
# room (a slot left unused in a minute is lost), at some 20 MB of comments held at most.
LOOKAHEAD = 2000


@dataclass(frozen=True)
class TicketChange:
    """What the stream says about one ticket.

    `ticket` is set, with every comment, when the ticket is solved or closed.
    A ticket whose comments answer 404 and that Zendesk no longer lists was
    deleted meanwhile: status "deleted".
    `unwanted`: solved or closed, but the stream's `wanted` filter left it out
    (so its comments were never fetched).
    `problem`: why a solved or closed ticket could not be read this time (a
    malformed record, a 404 on the comments of a ticket that exists); the caller
    withholds it. Names the error, never ticket data."""

    ticket_id: int
    status: str
    ticket: Ticket | None = None
    unwanted: bool = False
    problem: str | None = None

    @property
    def deleted(self) -> bool:
        return self.status == "deleted"


@dataclass(frozen=True)
class _Page:
    users: Mapping[int, User]
    organizations: Mapping[int, Organization]
    solved: Mapping[int, datetime | None]


@dataclass(frozen=True)
class _Pending:
    ticket_id: int
    raw: Mapping[str, Any] | None  # None: Zendesk no longer knows the ticket
    page: _Page | None
    comments: "Future[Comments] | None"
    unwanted: bool = False


@dataclass(frozen=True)
class _PageEnd:
    after_cursor: str | None
    tickets: int
    high_water: int
    exported: bool  # a page of the incremental export (not a refetch)


class TicketStream:
    """Iterate over `TicketChange`s from a saved cursor or a start time.

    `cursor` advances only after a page's changes have all been yielded, so a
    caller that stops early can still save a cursor that loses nothing.
    `wanted` (on a ticket without its comments) skips fetching the comments of
    solved tickets the caller will not archive. `comments` is "auto", "bulk" or
    "per-ticket"; `comment_stats` says what was used."""

    def __init__(
        self,
        client: ZendeskClient,
        *,
        cursor: str | None = None,
        start_time: int = 0,
        field_titles: Mapping[int, str] | None = None,
        per_page: int = 1000,
        comments: str = "auto",
        concurrency: int = DEFAULT_CONCURRENCY,
        wanted: Callable[[Ticket], bool] | None = None,
        lookahead: int = LOOKAHEAD,
        events_per_page: int = EVENTS_PER_PAGE,
    ) -> None:
        self.client = client
        self.start_cursor = cursor
        self.cursor = cursor
        self.start_time = start_time
        self.field_titles = dict(field_titles or {})
        self.per_page = per_page
        self.comment_mode = comments
        self.concurrency = concurrency
        self.wanted = wanted
        self.lookahead = lookahead
        self.events_per_page = events_per_page
        self.comment_stats = CommentStats()
        self.directory = Directory(client, counted=lambda: self.comment_stats.add(lookups=1))
        self.pages = 0
        self.tickets_seen = 0
        self.high_water = 0
        self.restarted = False

    def __iter__(self) -> Iterator[TicketChange]:
        try:
            yield from self._walk(cursor=self.start_cursor, start_time=self.start_time)
        except InvalidCursor:
            # The saved cursor expired or was refused: start again from the newest change already
            # applied (a few tickets are seen twice; applying a change twice is harmless).
            self.restarted = True
            yield from self._walk(cursor=None, start_time=self.high_water or self.start_time)

    def _walk(self, *, cursor: str | None, start_time: int) -> Iterator[TicketChange]:
        pages = self.client.iter_ticket_export(cursor=cursor, start_time=start_time, per_page=self.per_page)
        yield from self._run(((page, ()) for page in pages), exported=True)

    def refetch(self, ticket_ids: Iterable[int]) -> Iterator[TicketChange]:
        """Changes for specific tickets at their current state (withheld ones, retried).

        Ids Zendesk no longer knows come back as deleted."""
        ids = sorted(set(ticket_ids))

        def pages() -> Iterator[tuple[ExportPage, list[int]]]:
            for start in range(0, len(ids), 100):
                chunk = ids[start : start + 100]
                page = self.client.show_many(chunk)
                returned = {int(t["id"]) for t in page.tickets}
                yield page, [i for i in chunk if i not in returned]

        yield from self._run(pages(), exported=False)

    # -- the pipeline ---------------------------------------------------------------------

    def _run(self, pages: Iterable[tuple[ExportPage, Iterable[int]]], *, exported: bool) -> Iterator[TicketChange]:
        fetcher = CommentFetcher(
            self.client,
            self.comment_stats,
            directory=self.directory,
            mode=self.comment_mode,
            concurrency=self.concurrency,
            events_per_page=self.events_per_page,
        )
        lookups = ThreadPoolExecutor(max(1, min(8, self.concurrency)), thread_name_prefix="solve-dates")
        with lookups, fetcher, background(pages, ahead=1, name="export-pages") as read_ahead, background(
            self._plan(read_ahead, fetcher, lookups, exported), ahead=self.lookahead, name="comment-planner"
        ) as items:
            for item in items:
                if isinstance(item, _PageEnd):
                    if item.exported:
                        self.pages += 1
                        self.tickets_seen += item.tickets
                        self.cursor = item.after_cursor
                        self.high_water = max(self.high_water, item.high_water)
                    continue
                yield self._change(item)

    def _plan(
        self,
        pages: Iterable[tuple[ExportPage, Iterable[int]]],
        fetcher: CommentFetcher,
        lookups: ThreadPoolExecutor,
        exported: bool,
    ) -> Iterator[_Pending | _PageEnd]:
        """On the planner thread: each page's tickets, in order, their comments on the way."""
        for page, missing in pages:
            latest: dict[int, Mapping[str, Any]] = {}
            for raw in page.tickets:
                latest.pop(int(raw["id"]), None)
                latest[int(raw["id"])] = raw
            context = self._context(page, latest, lookups)
            needs: list[Need] = []
            unwanted: set[int] = set()
            for ticket_id, raw in latest.items():
                if str(raw.get("status") or "") not in ARCHIVED_STATUSES:
                    continue
                if not self._wanted(ticket_id, raw, context):
                    unwanted.add(ticket_id)
                else:
                    needs.append(Need(ticket_id, _stamp(raw.get("created_at")), _changed_at(raw)))
            plan = fetcher.plan(
                needs,
                page_ids=list(latest),
                known_users=context.users,
                tickets_per_second=_rate(latest.values()),
            )
            for ticket_id, raw in latest.items():
                future = plan.bulk.get(ticket_id)
                if future is None and ticket_id in plan.per_ticket:
                    future = fetcher.fetch_one(ticket_id)
                yield _Pending(ticket_id, raw, context, future, ticket_id in unwanted)
            for ticket_id in missing:
                yield _Pending(ticket_id, None, None, None)
            high_water = max((_stamp(raw.get("updated_at")) for raw in page.tickets), default=0)
            yield _PageEnd(page.after_cursor, len(page.tickets), high_water, exported)

    def _context(self, page: ExportPage, latest: Mapping[int, Mapping[str, Any]], lookups: ThreadPoolExecutor) -> _Page:
        """The page's people, organizations and solve dates, with what its side-loads left out filled in."""
        self.directory.remember(page.users, page.organizations)
        users = {u.id: u for u in map(parse_user, page.users)}
        organizations = {o.id: o for o in map(parse_organization, page.organizations)}
        solved = {int(m["ticket_id"]): parse_time(m.get("solved_at")) for m in page.metric_sets if "ticket_id" in m}
        archived = {tid: raw for tid, raw in latest.items() if str(raw.get("status") or "") in ARCHIVED_STATUSES}
        named_users: set[Any] = set()
        for raw in archived.values():
            named_users |= named_user_ids(raw)
        named_orgs = {raw.get("organization_id") for raw in archived.values()} - {None}
        users.update((u.id, u) for u in map(parse_user, self.directory.users(named_users - set(users)).values()))
        organizations.update(
            (o.id, o) for o in map(parse_organization, self.directory.organizations(named_orgs - set(organizations)).values())
        )
        undated = [tid for tid in archived if solved.get(tid) is None]
        for ticket_id, when in zip(undated, lookups.map(lambda t: find_solved_at(self.client, t), undated)):
            solved[ticket_id] = when
        return _Page(users=users, organizations=organizations, solved=solved)

    def _wanted(self, ticket_id: int, raw: Mapping[str, Any], page: _Page) -> bool:
        if self.wanted is None:
            return True
        try:
            return self.wanted(self._ticket(ticket_id, raw, page, (), []))
        except (KeyError, TypeError, ValueError, AttributeError):
            return True  # unreadable: fetched, and reported as a problem where it is read

    def _change(self, item: _Pending) -> TicketChange:
        if item.raw is None or item.page is None:
            return TicketChange(item.ticket_id, "deleted")
        status = str(item.raw.get("status") or "")
        if status not in ARCHIVED_STATUSES:
            return TicketChange(item.ticket_id, status)
        if item.unwanted:
            return TicketChange(item.ticket_id, status, unwanted=True)
        assert item.comments is not None, "every wanted solved ticket has its comments planned"
        try:
            raw_comments, comment_users = item.comments.result()
        except NotFound:
            # Deleted since the export page, or a passing 404 that must not delete a live ticket.
            if not self.client.show_many([item.ticket_id]).tickets:
                return TicketChange(item.ticket_id, "deleted")
            return TicketChange(item.ticket_id, status, problem="its comments answered 404, yet the ticket exists")
        try:
            ticket = self._ticket(item.ticket_id, item.raw, item.page, raw_comments, comment_users)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # One malformed record must not stop the run.
            return TicketChange(item.ticket_id, status, problem=f"unreadable record from Zendesk ({type(exc).__name__})")
        return TicketChange(item.ticket_id, status, ticket)

    def _ticket(
        self,
        ticket_id: int,
        raw: Mapping[str, Any],
        page: _Page,
        raw_comments: Iterable[Mapping[str, Any]],
        comment_users: Iterable[Mapping[str, Any]],
    ) -> Ticket:
        users = dict(page.users)
        users.update((u.id, u) for u in map(parse_user, comment_users))
        comments = tuple(sorted(map(parse_comment, raw_comments), key=lambda c: (c.created_at, c.id)))
        return parse_ticket(
            raw,
            agent_base_url=self.client.config.agent_url,
            users=users,
            organizations=page.organizations,
            solved_at=page.solved.get(ticket_id),
            comments=comments,
            field_titles=self.field_titles,
        )


def _stamp(value: Any) -> int:
    parsed = parse_time(value) if isinstance(value, str) else None
    return int(parsed.timestamp()) if parsed is not None else 0


def _changed_at(raw: Mapping[str, Any]) -> int:
    """When the ticket last changed: the export's generated_timestamp, else updated_at."""
    generated = raw.get("generated_timestamp")
    if isinstance(generated, (int, float)) and not isinstance(generated, bool):
        return max(int(generated), _stamp(raw.get("updated_at")))
    return _stamp(raw.get("updated_at"))


def _rate(tickets: Iterable[Mapping[str, Any]]) -> float | None:
    """Tickets per second of change time across a page: the first guess at the events' density."""
    stamps = [_changed_at(t) for t in tickets]
    if len(stamps) < 2:
        return None
    return len(stamps) / max(1, max(stamps) - min(stamps))
