"""The fake account's state: its records, the streams derived from them, and its mutations.

The incremental stream follows Zendesk: each ticket once, at its latest change,
ordered by (generated_timestamp, id); plus the stale versions that appear
earlier. Mutations (`add_comment`, `solve`, ...) move a ticket to the end of the
stream with a later timestamp from a logical clock, so they are deterministic too.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from exporter.fake.records import (
    ARCHIVED_STATUSES,
    CUSTOM_STATUS_IDS,
    comment_record,
    iso,
    metric_set,
    parse_iso,
    ticket_record,
)

# Ids of updates that added no comment; comment updates use the comment's audit_id.
_AUDIT_BASE = 7_000_000_000_000


@dataclass(frozen=True)
class Audit:
    """One update of a ticket, as the incremental ticket events stream lists it."""

    timestamp: int
    id: int
    ticket_id: int
    updater_id: int | None
    comment: dict[str, Any] | None  # the comment this update added, if any
    changes: tuple[tuple[str, Any], ...]  # (field, new value)
    create: bool = False


@dataclass
class Dataset:
    """The fake account's whole state. Records are plain JSON-like dicts, as the API returns them.

    `comments` and `metric_sets` are keyed by ticket id. `stale_versions` are
    older ticket snapshots that stay in the incremental stream (see module doc).
    `planted` maps a kind (email, token, ...) to the customer values of that
    kind that occur somewhere in the data. The `hidden_*` records are left out of
    every side-load, as real side-loads have gaps; the show endpoints still have
    them. `unrecorded_solves` are solves whose metric set has no solved_at (the
    ticket's audits have the status change). `account_tickets` names the tickets
    made from data/account.yaml by their key.

    While a FakeZendesk serves this dataset, change it through the server's
    mutation methods: they hold the lock its request threads read under.
    """

    seed: int
    subdomain: str
    tickets: dict[int, dict[str, Any]]
    users: dict[int, dict[str, Any]]
    organizations: dict[int, dict[str, Any]]
    comments: dict[int, list[dict[str, Any]]]
    metric_sets: dict[int, dict[str, Any]]
    ticket_fields: list[dict[str, Any]]
    stale_versions: list[dict[str, Any]]
    planted: dict[str, list[str]]
    clock: int
    repeated_ticket_id: int | None = None
    deleted_ticket_id: int | None = None
    big_log_ticket_id: int | None = None
    yaml_trap_ticket_ids: list[int] = field(default_factory=list)
    hidden_users: set[int] = field(default_factory=set)
    hidden_organizations: set[int] = field(default_factory=set)
    hidden_metric_sets: set[int] = field(default_factory=set)
    unrecorded_solves: dict[int, int] = field(default_factory=dict)
    account_tickets: dict[str, int] = field(default_factory=dict)
    # Ground truth, never served: each ticket's scenario (its file name without the order prefix).
    # Tickets of one scenario are siblings: the same error on the same service (`similar` is measured on them).
    scenarios: dict[int, str] = field(default_factory=dict)

    # -- ground truth -----------------------------------------------------

    def planted_sensitive(self) -> list[str]:
        """Every planted customer value (sorted, unique); none may appear in an archive."""
        return sorted({value for values in self.planted.values() for value in values})

    def planted_by_kind(self) -> dict[str, list[str]]:
        return {kind: list(values) for kind, values in sorted(self.planted.items())}

    def expected_archived_ids(self) -> set[int]:
        """Tickets whose latest state is solved or closed."""
        return {tid for tid, t in self.tickets.items() if t["status"] in ARCHIVED_STATUSES}

    def solved_at(self, ticket_id: int) -> datetime | None:
        """When the ticket was (last) solved, whether its metric set records it or not; None while unsolved."""
        stamp = self._solve_stamp(ticket_id)
        return datetime.fromtimestamp(stamp, timezone.utc) if stamp is not None else None

    def _solve_stamp(self, ticket_id: int) -> int | None:
        value = self.metric_sets.get(ticket_id, {}).get("solved_at")
        return parse_iso(value) if value else self.unrecorded_solves.get(ticket_id)

    def created_at(self, ticket_id: int) -> datetime:
        return datetime.fromtimestamp(parse_iso(self.tickets[ticket_id]["created_at"]), timezone.utc)

    def public_comment_count(self, ticket_id: int) -> int:
        return sum(1 for c in self.comments.get(ticket_id, ()) if c["public"])

    def stream(self) -> list[tuple[tuple[int, int], dict[str, Any]]]:
        """The incremental export's ticket versions, ordered by (generated_timestamp, id)."""
        versions = [*self.tickets.values(), *self.stale_versions]
        keyed = [((int(t["generated_timestamp"]), int(t["id"])), t) for t in versions]
        return sorted(keyed, key=lambda item: item[0])

    def audits(self) -> list["Audit"]:
        """The ticket events stream's updates, ordered by (timestamp, id).

        Derived from the current state: one update per comment (the first also
        creates the ticket), one when the ticket was solved, and one for its
        latest change when no comment made it (closing, deleting, reopening)."""
        audits: list[Audit] = []
        for tid in sorted(self.tickets):
            ticket = self.tickets[tid]
            comments = sorted(self.comments.get(tid, ()), key=lambda c: (parse_iso(c["created_at"]), c["id"]))
            stamps = set()
            for n, comment in enumerate(comments):
                stamp = parse_iso(comment["created_at"])
                stamps.add(stamp)
                audits.append(Audit(stamp, comment["audit_id"], tid, comment["author_id"], comment, (), create=n == 0))
            solved = self._solve_stamp(tid)
            if solved is not None and solved not in stamps:
                stamps.add(solved)
                change = (("status", "solved"),)
                audits.append(Audit(solved, _AUDIT_BASE + tid * 4 + 1, tid, ticket["assignee_id"], None, change))
            latest = int(ticket["generated_timestamp"])
            if latest not in stamps:
                change = (("status", ticket["status"]),)
                audits.append(Audit(latest, _AUDIT_BASE + tid * 4 + 2, tid, ticket["assignee_id"], None, change))
        audits.sort(key=lambda a: (a.timestamp, a.id))
        return audits

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "tickets": [self.tickets[k] for k in sorted(self.tickets)],
            "users": [self.users[k] for k in sorted(self.users)],
            "organizations": [self.organizations[k] for k in sorted(self.organizations)],
            "comments": {str(k): self.comments[k] for k in sorted(self.comments)},
            "metric_sets": [self.metric_sets[k] for k in sorted(self.metric_sets)],
            "ticket_fields": self.ticket_fields,
            "stale_versions": self.stale_versions,
            "planted": self.planted_by_kind(),
            "hidden": {
                "users": sorted(self.hidden_users),
                "organizations": sorted(self.hidden_organizations),
                "metric_sets": sorted(self.hidden_metric_sets),
            },
            "unrecorded_solves": {str(k): v for k, v in sorted(self.unrecorded_solves.items())},
            "account_tickets": dict(sorted(self.account_tickets.items())),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, indent=1) + "\n"

    # -- mutations: each one is a new, later version of the ticket ---------

    def add_ticket(
        self,
        subject: str = "New ticket",
        body: str = "Please help.",
        *,
        requester_id: int | None = None,
        status: str = "new",
        **fields: Any,
    ) -> int:
        """Create a ticket (the requester's first comment is `body`); returns its id."""
        requester = self.users[requester_id] if requester_id is not None else self._first_customer()
        ticket_id = max(self.tickets, default=0) + 1
        now = self._tick()
        agent_id = self._first_agent()
        ticket = ticket_record(
            self.subdomain,
            ticket_id,
            subject=subject,
            description=body,
            status="new",
            requester=requester,
            assignee_id=None if status == "new" else agent_id,
            created=now,
            channel="web",
        )
        self.tickets[ticket_id] = ticket
        self.comments[ticket_id] = []
        self.metric_sets[ticket_id] = metric_set(self.subdomain, ticket_id, now)
        self._append_comment(ticket_id, body, requester["id"], True, now)
        if status != "new" or fields:
            self.update_ticket(ticket_id, status=status, **fields)
        return ticket_id

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        ticket = self._live(ticket_id)
        now = self._tick()
        old_status = ticket["status"]
        ticket.update(copy.deepcopy(fields))
        if "subject" in fields:
            ticket["raw_subject"] = fields["subject"]
        if ticket["status"] != old_status:
            self._status_changed(ticket, old_status, now)
        self._touch(ticket, now)
        return copy.deepcopy(ticket)

    def add_comment(
        self, ticket_id: int, body: str, author_id: int | None = None, public: bool = True
    ) -> dict[str, Any]:
        """Add a comment (default author: the assignee). Like Zendesk, a public end-user
        comment on a pending or solved ticket reopens it."""
        ticket = self._live(ticket_id)
        now = self._tick()
        author_id = author_id if author_id is not None else (ticket["assignee_id"] or self._first_agent())
        comment = self._append_comment(ticket_id, body, author_id, public, now)
        author = self.users.get(author_id, {})
        if public and author.get("role") == "end-user" and ticket["status"] in ("pending", "solved"):
            old = ticket["status"]
            ticket["status"] = "open"
            self._status_changed(ticket, old, now)
        self._touch(ticket, now)
        return copy.deepcopy(comment)

    def solve(self, ticket_id: int) -> dict[str, Any]:
        return self.update_ticket(ticket_id, status="solved")

    def reopen(self, ticket_id: int) -> dict[str, Any]:
        return self.update_ticket(ticket_id, status="open")

    def delete_ticket(self, ticket_id: int) -> dict[str, Any]:
        return self.update_ticket(ticket_id, status="deleted")

    def _live(self, ticket_id: int) -> dict[str, Any]:
        ticket = self.tickets[ticket_id]
        if ticket["status"] == "deleted":
            raise ValueError(f"ticket {ticket_id} is deleted")
        return ticket

    def _tick(self) -> int:
        self.clock += 60
        return self.clock

    def _touch(self, ticket: dict[str, Any], now: int) -> None:
        ticket["updated_at"] = iso(now)
        ticket["generated_timestamp"] = now
        self.metric_sets[ticket["id"]]["updated_at"] = iso(now)

    def _status_changed(self, ticket: dict[str, Any], old: str, now: int) -> None:
        metric = self.metric_sets[ticket["id"]]
        metric["status_updated_at"] = iso(now)
        ticket["custom_status_id"] = CUSTOM_STATUS_IDS.get(ticket["status"])
        if ticket["status"] in ARCHIVED_STATUSES and old not in ARCHIVED_STATUSES:
            metric["solved_at"] = iso(now)
            self.unrecorded_solves.pop(ticket["id"], None)  # this solve is recorded
        elif ticket["status"] not in ARCHIVED_STATUSES and ticket["status"] != "deleted":
            if old in ARCHIVED_STATUSES:
                metric["reopens"] += 1
            metric["solved_at"] = None
            self.unrecorded_solves.pop(ticket["id"], None)

    def _append_comment(self, ticket_id: int, body: str, author_id: int, public: bool, now: int) -> dict[str, Any]:
        all_comments = [c for cs in self.comments.values() for c in cs]
        comment_id = max((c["id"] for c in all_comments), default=9_000_000_000) + 1
        comment = comment_record(comment_id, author_id, body, public, now, channel="api")
        self.comments[ticket_id].append(comment)
        metric = self.metric_sets[ticket_id]
        metric["latest_comment_added_at"] = iso(now)
        if public and self.users.get(author_id, {}).get("role") in ("agent", "admin"):
            metric["replies"] += 1
        return comment

    def _first_customer(self) -> dict[str, Any]:
        return next(u for _, u in sorted(self.users.items()) if u["role"] == "end-user")

    def _first_agent(self) -> int:
        return next(uid for uid, u in sorted(self.users.items()) if u["role"] == "agent")
