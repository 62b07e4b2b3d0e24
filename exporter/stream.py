"""Walks the incremental ticket export and yields each ticket's latest change.

A ticket can appear more than once in the stream (Zendesk re-emits it when it
changes during the export, older state first). Within a page only the last
occurrence counts; across pages the caller applies changes in order, so the
latest state wins there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from exporter.client import ExportPage, ZendeskClient
from exporter.errors import InvalidCursor, NotFound
from exporter.models import (
    ARCHIVED_STATUSES,
    Organization,
    Ticket,
    User,
    parse_comment,
    parse_organization,
    parse_ticket,
    parse_time,
    parse_user,
)


@dataclass(frozen=True)
class TicketChange:
    """What the stream says about one ticket.

    `ticket` is set, with every comment, when the ticket is solved or closed.
    A ticket whose comments answer 404 was deleted meanwhile: status "deleted"."""

    ticket_id: int
    status: str
    ticket: Ticket | None = None

    @property
    def deleted(self) -> bool:
        return self.status == "deleted"


class TicketStream:
    """Iterate over `TicketChange`s from a saved cursor or a start time.

    `cursor` advances only after a page's changes have all been yielded, so a
    caller that stops early can still save a cursor that loses nothing."""

    def __init__(
        self,
        client: ZendeskClient,
        *,
        cursor: str | None = None,
        start_time: int = 0,
        field_titles: Mapping[int, str] | None = None,
        per_page: int = 1000,
    ) -> None:
        self.client = client
        self.start_cursor = cursor
        self.cursor = cursor
        self.start_time = start_time
        self.field_titles = dict(field_titles or {})
        self.per_page = per_page
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
        for page in self.client.iter_ticket_export(cursor=cursor, start_time=start_time, per_page=self.per_page):
            self.pages += 1
            self.tickets_seen += len(page.tickets)
            yield from self._changes(page)
            self.cursor = page.after_cursor
            for raw in page.tickets:
                updated = parse_time(raw.get("updated_at"))
                if updated is not None:
                    self.high_water = max(self.high_water, int(updated.timestamp()))

    def refetch(self, ticket_ids: Iterable[int]) -> Iterator[TicketChange]:
        """Changes for specific tickets at their current state (withheld ones, retried).

        Ids Zendesk no longer knows come back as deleted."""
        ids = sorted(set(ticket_ids))
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            page = self.client.show_many(chunk)
            yield from self._changes(page)
            returned = {int(t["id"]) for t in page.tickets}
            for missing in chunk:
                if missing not in returned:
                    yield TicketChange(missing, "deleted")

    def _changes(self, page: ExportPage) -> Iterator[TicketChange]:
        users = {u.id: u for u in map(parse_user, page.users)}
        orgs = {o.id: o for o in map(parse_organization, page.organizations)}
        solved = {int(m["ticket_id"]): parse_time(m.get("solved_at")) for m in page.metric_sets if "ticket_id" in m}
        latest: dict[int, dict[str, Any]] = {}
        for raw in page.tickets:
            latest.pop(int(raw["id"]), None)
            latest[int(raw["id"])] = raw
        for ticket_id, raw in latest.items():
            yield self._change(ticket_id, raw, users, orgs, solved.get(ticket_id))

    def _change(
        self,
        ticket_id: int,
        raw: Mapping[str, Any],
        users: Mapping[int, User],
        orgs: Mapping[int, Organization],
        solved_at: Any,
    ) -> TicketChange:
        status = str(raw.get("status") or "")
        if status not in ARCHIVED_STATUSES:
            return TicketChange(ticket_id, status)
        try:
            raw_comments, comment_users = self.client.fetch_comments(ticket_id)
        except NotFound:
            # Deleted between the export page and this call; the stream will say so later.
            return TicketChange(ticket_id, "deleted")
        all_users = dict(users)
        all_users.update((u.id, u) for u in map(parse_user, comment_users))
        comments = tuple(sorted(map(parse_comment, raw_comments), key=lambda c: (c.created_at, c.id)))
        ticket = parse_ticket(
            raw,
            agent_base_url=self.client.config.agent_url,
            users=all_users,
            organizations=orgs,
            solved_at=solved_at or parse_time(raw.get("updated_at")),
            comments=comments,
            field_titles=self.field_titles,
        )
        return TicketChange(ticket_id, status, ticket)
