"""Zendesk's search query language, the subset the archive needs.

    type:ticket  status<solved  solved>=2024-01-01  created:2023-05-02  updated<2024-02-01T10:00:00Z
    tags:escalated  organization:"Acme Corp"  free words (matched in subject and description)
"""

from __future__ import annotations

import re
import shlex
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from exporter.fake.dataset import Dataset
from exporter.fake.pagination import bad_request
from exporter.fake.records import STATUS_ORDER, parse_iso

_TERM = re.compile(r"(?P<field>[a-z_]+)(?P<op>>=|<=|:|>|<)(?P<value>.+)")


def _day_bounds(value: str) -> tuple[int, int]:
    """[start, end) of a YYYY-MM-DD day, or a one-second span for a full timestamp."""
    try:
        if "T" in value:
            ts = parse_iso(value)
            return ts, ts + 1
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise bad_request("InvalidSearchQuery", f"cannot read the date {value!r}; use YYYY-MM-DD") from None
    start = int(day.timestamp())
    return start, int((day + timedelta(days=1)).timestamp())


def _compare(op: str, actual: int, start: int, end: int) -> bool:
    return {
        ":": start <= actual < end,
        ">=": actual >= start,
        ">": actual >= end,
        "<=": actual < end,
        "<": actual < start,
    }[op]


def search_predicate(query: str, dataset: Dataset) -> Callable[[dict[str, Any]], bool]:
    try:
        terms = shlex.split(query)
    except ValueError:
        terms = query.split()
    checks: list[Callable[[dict[str, Any]], bool]] = []
    for term in terms:
        match = _TERM.fullmatch(term)
        field, op, value = (match.group("field"), match.group("op"), match.group("value")) if match else ("", "", term)
        if field == "type":
            if value != "ticket":
                return lambda t: False
        elif field == "status":
            if value not in STATUS_ORDER:
                raise bad_request("InvalidSearchQuery", f"unknown status {value!r}")
            rank = STATUS_ORDER.index(value)
            checks.append(lambda t, op=op, rank=rank: t["status"] in STATUS_ORDER and _compare(
                op, STATUS_ORDER.index(t["status"]), rank, rank + 1))
        elif field in ("solved", "created", "updated"):
            start, end = _day_bounds(value)

            def check(t: dict[str, Any], field: str = field, op: str = op, start: int = start, end: int = end) -> bool:
                if field == "solved":
                    solved = dataset.solved_at(t["id"])
                    stamp = int(solved.timestamp()) if solved is not None else None
                else:
                    stamp = parse_iso(t[f"{field}_at"]) if t[f"{field}_at"] else None
                return stamp is not None and _compare(op, stamp, start, end)

            checks.append(check)
        elif field in ("tags", "tag"):
            checks.append(lambda t, value=value: value in t["tags"])
        elif field == "organization":
            checks.append(lambda t, value=value: _org_matches(dataset, t, value))
        else:
            needle = term.lower()
            checks.append(lambda t, needle=needle: needle in f"{t['subject']}\n{t['description']}".lower())
    return lambda t: all(check(t) for check in checks)


def _org_matches(dataset: Dataset, ticket: dict[str, Any], value: str) -> bool:
    org = dataset.organizations.get(ticket.get("organization_id") or -1)
    return org is not None and (str(org["id"]) == value or org["name"].lower() == value.lower())

