"""When a ticket was solved, where the export's metric set does not say: its own metrics, else its audits.

The export side-loads each ticket's metric set with `solved_at`; real ones may
lack it (the key absent, null on a closed ticket, no metric set side-loaded),
as Zendesk's sample ticket's does. A solve date is never guessed: `updated_at`
of a closed ticket is its close, days after the solve, and a backfill of the
solve's week would miss the ticket. It is read from the ticket's metrics
(`/tickets/{id}/metrics`), else from its audits (`/tickets/{id}/audits`): the
latest update that set the status to solved, else to closed (a ticket closed
without being solved first). None when neither says; the caller reports it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from exporter.client import ZendeskClient
from exporter.errors import NotFound
from exporter.models import parse_time


def find_solved_at(client: ZendeskClient, ticket_id: int) -> datetime | None:
    try:
        solved = parse_time(client.ticket_metric(ticket_id).get("solved_at"))
    except NotFound:
        solved = None  # archived tickets may have no metrics to show; their audits are still there
    if solved is not None:
        return solved
    try:
        return solved_from_audits(client.iter_ticket_audits(ticket_id))
    except NotFound:
        return None  # deleted meanwhile: its comments answer 404 too, and the stream says so


def solved_from_audits(audits: Iterable[Mapping[str, Any]]) -> datetime | None:
    """The latest audit that set the status to solved; else the latest that set it to closed."""
    latest: dict[str, datetime] = {}
    for audit in audits:
        when = parse_time(audit.get("created_at"))
        if when is None:
            continue
        for event in audit.get("events") or ():
            if not isinstance(event, Mapping) or event.get("field_name") != "status":
                continue
            if event.get("type") not in ("Change", "Create"):
                continue
            status = str(event.get("value") or "")
            if status in ("solved", "closed") and (status not in latest or when >= latest[status]):
                latest[status] = when
    return latest.get("solved") or latest.get("closed")
