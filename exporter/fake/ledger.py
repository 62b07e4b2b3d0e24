"""The ground truth of a generated dataset: which customer values it planted, and where.

The generator offers every customer value it makes (names, hosts, tokens, ...)
as a candidate; only those that really occur in the records are kept, because a
leak test asserts that none of them reaches the archive.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from exporter.fake.dataset import Dataset

# Comments at least this long are pasted logs, whose values are recorded as written.
_BIG_BODY = 500_000


class Ledger:
    def __init__(self) -> None:
        # (ticket id or None for account-wide, kind, value). A ticket's own values can only
        # occur in its records, which keeps the check linear in the number of tickets.
        self.candidates: list[tuple[int | None, str, str]] = []
        self.scope: int | None = None
        self.recorded: list[tuple[str, str]] = []

    def plant(self, kind: str, value: str) -> str:
        """A value that may occur in the data, in the current ticket's scope."""
        self.candidates.append((self.scope, kind, value))
        return value

    def record(self, kind: str, value: str) -> None:
        """A value known to occur, in a text too big to scan."""
        self.recorded.append((kind, value))

    def planted_in(self, ds: Dataset) -> dict[str, list[str]]:
        """The candidates that really occur, by kind, sorted. Big pasted logs are left out of
        the scan (they are 2 MB); the values written into them were recorded."""

        def text(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False)

        def without_big_logs(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
            blank = {"body": "", "html_body": "", "plain_body": ""}
            return [c if len(c["body"]) < _BIG_BODY else {**c, **blank} for c in comments]

        account = text([ds.users, ds.organizations, ds.ticket_fields])
        per_ticket = {
            tid: text([t, without_big_logs(ds.comments[tid]), [v for v in ds.stale_versions if v["id"] == tid]])
            for tid, t in ds.tickets.items()
        }
        planted: dict[str, set[str]] = {}
        for scope, kind, value in self.candidates:
            if scope is not None:
                found = value in per_ticket[scope]
            else:
                found = value in account or any(value in blob for blob in per_ticket.values())
            if found:
                planted.setdefault(kind, set()).add(value)
        for kind, value in self.recorded:
            planted.setdefault(kind, set()).add(value)
        return {kind: sorted(values) for kind, values in sorted(planted.items())}
