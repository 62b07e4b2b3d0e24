"""The export and backfill jobs: Zendesk stream → redaction → archive, one commit per run.

`exporter` is the application on top of two libraries: the stream builds the
`redaction.records` tickets the Redactor declares as its input, and this module
and `exporter.cli` wire the stages: stream → redaction → archive (the archive
gets redacted tickets and a scan function, never an unredacted ticket).
`redaction` and `archive` import nothing of `exporter` (tests/test_layers.py).

Choices a reader of the archive should know:
- A ticket whose latest state is `deleted` is removed from the archive.
- A ticket reopened after it was archived keeps its last solved version in the
  archive until it is solved again: the case and its resolution stay findable,
  and the next solve replaces the file.
- A ticket that cannot be redacted is withheld (fail closed): not written, named
  in the summary, remembered in the state and retried on the next run.
- A ticket whose solve date Zendesk records nowhere (metric set, metrics,
  audits) is `undated`: the export archives it without solved_at, a backfill
  cannot place it in its range; both name it in the summary.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Protocol

from archive.erasure import forget_in_head
from archive.errors import LeakSuspected, RenderError
from archive.state import ExportCursor
from archive.store import Archive
from archive.verify import Suspect, verify_text
from exporter.client import ZendeskClient
from exporter.errors import NotFound
from exporter.models import Ticket
from exporter.stream import TicketChange, TicketStream
from exporter.workers import RedactionPool
from redaction.errors import ModelUnavailable, RedactionError
from redaction.models import RedactedTicket
from redaction.settings import RedactionSettings

if TYPE_CHECKING:
    from redaction.scanner import LeakScanner

log = logging.getLogger("ticket_archive.jobs")


class TicketRedactor(Protocol):
    def redact_ticket(self, ticket: Ticket) -> RedactedTicket: ...


@dataclass
class RunSummary:
    mode: str
    fetched: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    out_of_range: int = 0
    withheld: set[int] = field(default_factory=set)
    # Why each withheld ticket was withheld this run: ids and error names, never ticket text.
    withheld_reasons: dict[int, str] = field(default_factory=dict)
    # Solved or closed, but Zendesk records no solve date (see the module docstring).
    undated: set[int] = field(default_factory=set)
    redactions: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    commit: str | None = None
    pushed: bool = False
    cursor_restarted: bool = False
    # How comments were fetched: bulk (ticket events), per-ticket, or both, with counts.
    comments: str = "none"

    def as_dict(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "fetched": self.fetched,
            "written": self.written,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": self.skipped,
            "out_of_range": self.out_of_range,
            "withheld": sorted(self.withheld),
            "withheld_reasons": {str(i): r for i, r in sorted(self.withheld_reasons.items()) if i in self.withheld},
            "undated": sorted(self.undated),
            "redactions": dict(sorted(self.redactions.items())),
            "requests": self.requests,
            "retries": self.retries,
            "seconds": round(self.seconds, 3),
            "commit": self.commit,
            "pushed": self.pushed,
            "comments": self.comments,
        }

    def line(self) -> str:
        redacted = ", ".join(f"{k} {v}" for k, v in sorted(self.redactions.items())) or "none"
        parts = [
            f"{self.mode}: fetched {self.fetched}",
            f"written {self.written}",
            f"unchanged {self.unchanged}",
            f"removed {self.removed}",
            f"skipped {self.skipped}",
        ]
        if self.mode == "backfill":
            parts.append(f"outside range {self.out_of_range}")
        if self.undated:
            parts.append(f"undated {len(self.undated)}")
        parts += [
            f"withheld {len(self.withheld)}",
            f"redactions: {redacted}",
            f"requests {self.requests}",
            f"retries {self.retries}",
            f"comments {self.comments}",
            f"{self.seconds:.1f} s",
            f"commit {self.commit[:12] if self.commit else 'none'}",
        ]
        if self.pushed:
            parts.append("pushed")
        return "; ".join(parts)


Progress = Callable[[RunSummary], None]


def day_start(day: date) -> datetime:
    return datetime.combine(day, dtime.min, tzinfo=timezone.utc)


class _Applier:
    """Applies stream changes to the archive in stream order and counts what happened.

    Redaction runs ahead in the pool while the stream keeps fetching; results are
    applied strictly in the order the stream produced them, so a ticket seen
    twice still ends in its latest state."""

    def __init__(
        self,
        archive: Archive,
        pool: RedactionPool,
        summary: RunSummary,
        progress: Progress | None,
        accept: Callable[[Ticket], bool] = lambda t: True,
        forgotten: Iterable[int] = (),
        scanner: LeakScanner | None = None,
    ) -> None:
        self.archive = archive
        self.pool = pool
        self.scanner = scanner
        self.summary = summary
        self.progress = progress
        self.accept = accept
        self.forgotten = frozenset(int(i) for i in forgotten)

    def apply_all(self, changes: Iterable[TicketChange]) -> None:
        pending: deque[tuple[TicketChange, Future[RedactedTicket] | None]] = deque()
        for change in changes:
            pending.append((change, self._start(change)))
            while len(pending) > self.pool.in_flight_limit:
                self._finish(*pending.popleft())
        while pending:
            self._finish(*pending.popleft())

    def _start(self, change: TicketChange) -> Future[RedactedTicket] | None:
        ticket = change.ticket
        if change.deleted or ticket is None or ticket.id in self.forgotten or not self.accept(ticket):
            return None
        try:
            return self.pool.submit(ticket)
        except BrokenProcessPool:
            raise ModelUnavailable(_POOL_DIED) from None

    def _finish(self, change: TicketChange, future: Future[RedactedTicket] | None) -> None:
        s = self.summary
        s.fetched += 1
        ticket = change.ticket
        if change.deleted:
            s.withheld.discard(change.ticket_id)
            if self.archive.remove_ticket(change.ticket_id):
                s.removed += 1
                log.info("ticket %d deleted in Zendesk: removed from the archive", change.ticket_id)
        elif change.unwanted:
            if change.ticket_id not in s.undated:
                s.out_of_range += 1
        elif change.problem and change.ticket_id not in self.forgotten:
            self._withhold(change.ticket_id, f"ticket {change.ticket_id}: {change.problem}")
        elif ticket is None or ticket.id in self.forgotten:
            s.skipped += 1
        elif future is None:
            s.out_of_range += 1
        else:
            self._write(ticket, future)
        if self.progress:
            self.progress(s)

    def _write(self, ticket: Ticket, future: Future[RedactedTicket]) -> None:
        s = self.summary
        try:
            redacted = future.result()
        except BrokenProcessPool:
            raise ModelUnavailable(_POOL_DIED) from None
        except ModelUnavailable:
            raise
        except RedactionError as exc:
            self._withhold(ticket.id, str(exc))
            return
        try:
            changed = self.archive.write_ticket(redacted, check=self._check_for(ticket, redacted))
        except (LeakSuspected, RenderError) as exc:
            # A ticket that cannot be rendered (too big even without its comment bodies) must not stop the run.
            self._withhold(ticket.id, str(exc))
            return
        s.withheld.discard(ticket.id)
        s.redactions.update(redacted.redactions)
        if ticket.solved_at is None and ticket.id not in s.undated:
            s.undated.add(ticket.id)
            log.warning("ticket %d: Zendesk records no solve date (metric set, audits); archived without solved_at", ticket.id)
        if changed:
            s.written += 1
        else:
            s.unchanged += 1

    def _check_for(self, ticket: Ticket, redacted: RedactedTicket) -> Callable[[str, str], list[Suspect]] | None:
        """The last look before a file is written: secrets, contacts and hosts anywhere in the
        rendered text, and this ticket's own people and organization where its text holds them
        (not in the note's labels, headings and links, nor in the agents' names it keeps)."""
        scanner = self.scanner
        if scanner is None:
            return None
        scan = scanner.for_ticket(ticket, texts=ticket_texts(redacted))
        return lambda relpath, text: verify_text(relpath, text, scan)

    def _withhold(self, ticket_id: int, reason: str) -> None:
        self.summary.withheld.add(ticket_id)
        self.summary.withheld_reasons[ticket_id] = reason
        log.warning("ticket %d withheld: %s", ticket_id, reason)


def ticket_texts(ticket: RedactedTicket) -> list[str]:
    """What of a redacted ticket is the ticket's own text: title, tags, field values, comment bodies,
    attachment names and the customers' labels (not the agents' names the note keeps)."""
    comments = ticket.comments
    return [
        ticket.title,
        *ticket.tags,
        *(value for _, value in ticket.custom_fields),
        *(c.body for c in comments),
        *(name for c in comments for name in c.attachments),
        *(c.author for c in comments if c.author_role != "agent"),
    ]


_POOL_DIED = "a redaction worker process died (out of memory?); rerun with fewer --workers"


def _scanner(settings: RedactionSettings | None) -> LeakScanner:
    # Presidio loads here, in the runs that redact, not when the command line starts.
    from redaction.scanner import LeakScanner

    return LeakScanner(settings)


def _field_titles(client: ZendeskClient) -> dict[int, str]:
    try:
        return client.ticket_field_titles()
    except NotFound:
        # Custom field titles are a nicety; an account without the endpoint still exports.
        log.warning("cannot list ticket fields; custom fields are archived as field_<id>")
        return {}


def _finish(
    archive: Archive, client: ZendeskClient, summary: RunSummary, message: str, push: bool, started: float
) -> RunSummary:
    summary.requests = client.stats.requests
    summary.retries = client.stats.retries
    # Notes an older version wrote gain their signatures and known-issue links in this commit (archive.derived).
    rederived = archive.derive_notes()
    if rederived:
        message += f"\n\nError signatures and known-issue links derived anew for {rederived} notes."
    summary.commit = archive.commit(message)
    if push:
        archive.push()
        summary.pushed = True
    summary.seconds = time.monotonic() - started
    return summary


def run_export(
    client: ZendeskClient,
    redactor: TicketRedactor,
    archive: Archive,
    *,
    since: date | None = None,
    push: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
    comments: str = "auto",
    settings: RedactionSettings | None = None,
) -> RunSummary:
    """The nightly job: continue the incremental export from the saved cursor.

    `comments`: "auto" (chosen by counting), "bulk" or "per-ticket". `settings`:
    what `redactor` was built with (default: the defaults); the last look at each
    file before it is written uses the same allow-list and audience."""
    with archive.locked(), RedactionPool(redactor, workers) as pool:
        return _export(
            client, pool, archive.open(), _scanner(settings), since=since, push=push, progress=progress, comments=comments
        )


def _export(
    client: ZendeskClient,
    pool: RedactionPool,
    archive: Archive,
    scanner: LeakScanner,
    *,
    since: date | None,
    push: bool,
    progress: Progress | None,
    comments: str = "auto",
) -> RunSummary:
    started = time.monotonic()
    state = archive.read_state()
    nightly = state.nightly or ExportCursor()
    summary = RunSummary(mode="export", withheld=set(state.withheld))
    start_time = int(day_start(since).timestamp()) if since else 0
    stream = TicketStream(
        client,
        cursor=nightly.cursor,
        start_time=nightly.high_water or start_time,
        field_titles=_field_titles(client),
        comments=comments,
    )
    applier = _Applier(archive, pool, summary, progress, forgotten=state.forgotten, scanner=scanner)
    if summary.withheld:
        log.info("retrying %d withheld ticket(s)", len(summary.withheld))
        applier.apply_all(stream.refetch(sorted(summary.withheld)))
    applier.apply_all(stream)
    summary.cursor_restarted = stream.restarted
    summary.comments = stream.comment_stats.describe()

    if stream.tickets_seen or not nightly.cursor:
        nightly = ExportCursor(stream.cursor, max(stream.high_water, nightly.high_water))
    state.nightly = nightly
    state.withheld = set(summary.withheld)
    archive.write_state(state)
    message = (
        f"export: {summary.written} written, {summary.removed} removed, {len(summary.withheld)} withheld\n\n"
        f"{summary.fetched} ticket changes fetched from Zendesk."
    )
    return _finish(archive, client, summary, message, push, started)


def run_backfill(
    client: ZendeskClient,
    redactor: TicketRedactor,
    archive: Archive,
    *,
    since: date,
    until: date,
    push: bool = False,
    progress: Progress | None = None,
    workers: int = 1,
    comments: str = "auto",
    settings: RedactionSettings | None = None,
) -> RunSummary:
    """Archive every solved/closed ticket solved in [since, until] (UTC days, inclusive).

    Walks the incremental export from `since` (a ticket solved then was updated
    then or later) and filters on solved_at; it has no 1,000-result cap and
    leaves the nightly cursor alone. `settings` as for `run_export`."""
    with archive.locked(), RedactionPool(redactor, workers) as pool:
        return _backfill(
            client,
            pool,
            archive.open(),
            _scanner(settings),
            since=since,
            until=until,
            push=push,
            progress=progress,
            comments=comments,
        )


def _backfill(
    client: ZendeskClient,
    pool: RedactionPool,
    archive: Archive,
    scanner: LeakScanner,
    *,
    since: date,
    until: date,
    push: bool,
    progress: Progress | None,
    comments: str = "auto",
) -> RunSummary:
    started = time.monotonic()
    lo, hi = day_start(since), day_start(until) + timedelta(days=1)
    summary = RunSummary(mode="backfill")

    def in_range(ticket: Ticket) -> bool:
        if ticket.solved_at is None:
            summary.undated.add(ticket.id)  # cannot be placed: named in the summary, never guessed
            return False
        return lo <= ticket.solved_at < hi

    # Tickets solved outside the range are not archived, so their comments are not fetched.
    stream = TicketStream(
        client, start_time=int(lo.timestamp()), field_titles=_field_titles(client), comments=comments, wanted=in_range
    )

    state = archive.read_state()
    _Applier(
        archive, pool, summary, progress, accept=in_range, forgotten=state.forgotten, scanner=scanner
    ).apply_all(stream)
    summary.comments = stream.comment_stats.describe()
    if summary.withheld:
        state.withheld |= summary.withheld
        archive.write_state(state)
    message = (
        f"backfill {since.isoformat()}..{until.isoformat()}: {summary.written} written, "
        f"{summary.removed} removed, {len(summary.withheld)} withheld"
    )
    return _finish(archive, client, summary, message, push, started)


def forget_ticket(archive: Archive, ticket_id: int, *, push: bool = False) -> str | None:
    """Remove one ticket from the archive for good and commit; None when nothing changed."""
    return forget_tickets(archive, [ticket_id], push=push)


def forget_tickets(archive: Archive, ticket_ids: Iterable[int], *, push: bool = False) -> str | None:
    """Remove tickets from HEAD for good, in one commit; None when nothing changed.

    The ids are remembered in the state so later exports and backfills skip them. Earlier
    commits still hold the tickets: archive.erasure.purge_history erases them there too."""
    with archive.locked():
        archive.open()
        sha = forget_in_head(archive, ticket_ids)
        if push:
            archive.push()
        return sha
