"""The Zendesk Support API endpoints the fake answers, over a `Dataset`; shapes as in Zendesk's OpenAPI.

Each path works with or without `.json`:

    GET /api/v2/incremental/tickets/cursor    start_time or cursor, per_page, include
    GET /api/v2/incremental/ticket_events     start_time, include=comment_events, per_page
    GET /api/v2/tickets/{id}/comments         page[size], page[after], page[before], include=users
    GET /api/v2/tickets/{id}/audits           page[size], page[after], page[before]
    GET /api/v2/tickets/{id}/metrics          the ticket's metric set (`ticket_metric`)
    GET /api/v2/tickets/{id}                  include
    GET /api/v2/tickets/show_many             ids, include
    GET /api/v2/ticket_fields                 all at once, or page[size]/page[after]
    GET /api/v2/search/export                 query, filter[type]=ticket, page[size], page[after]
    GET /api/v2/users/me, /users/{id}, /users/show_many
    GET /api/v2/organizations/{id}, /organizations/show_many

The incremental cursor names a position in the stream, so the final
`after_cursor` of an export, sent again when nothing changed, returns no
tickets and the same `after_cursor`.

The ticket events export is time-based, as Zendesk's: each page holds the
updates with a timestamp at or after `start_time` (up to 1,000, older than a
minute), `end_time` is the last one's timestamp and `next_page` asks again from
there, so the updates of that second come twice (clients drop duplicates by
id); `end_of_stream` says the page reached the present. A page never ends
inside a second: it takes every update of its last second, even past 1,000.
With `include=comment_events` each comment is a child event of its kind
(`Comment`, `VoiceComment`, `TpeVoiceComment`) with the comment's fields but
its plain_body (events carry none); without it only `comment_present` /
`comment_public` say a comment was there.

Side-loads have gaps, as real ones do: the dataset's hidden users,
organizations and metric sets are never side-loaded (users/show_many,
organizations/show_many and a ticket's metrics still have them).
"""

from __future__ import annotations

import bisect
import copy
import re
import time
import zlib
from typing import Any, Iterable
from urllib.parse import urlencode

from exporter.fake.dataset import Audit, Dataset
from exporter.fake.pagination import (
    NOT_FOUND,
    ApiError,
    bad_request,
    cursor_envelope,
    cursor_page,
    decode_cursor,
    encode_cursor,
    includes,
    int_param,
    read_start_time,
    url_maker,
)
from exporter.fake.records import iso, parse_iso
from exporter.fake.search import search_predicate

_VIA_NAMES = {"web": "Web form", "email": "Mail", "api": "Web service"}


class Api:
    """Answers requests from `dataset`; `email` and `subdomain` make up the token's own user."""

    def __init__(self, dataset: Dataset, *, email: str, subdomain: str) -> None:
        self.dataset = dataset
        self.email = email
        self.subdomain = subdomain
        # The ticket events stream, derived from the dataset and rebuilt when it changes.
        self._audits: tuple[Any, list[Audit], list[int]] | None = None

    def answer(self, method: str, path: str, query: dict[str, str], base: str) -> dict[str, Any]:
        """The JSON payload for a request; `base` is the scheme and host its links start with.
        Raises ApiError for anything that is not a 200."""
        route = path[: -len(".json")] if path.endswith(".json") else path
        if method != "GET":
            raise ApiError(405, {"error": "MethodNotAllowed", "description": "The fake Zendesk only answers GET"})
        if route == "/api/v2/incremental/tickets/cursor":
            return self._incremental(query, base, path)
        if route == "/api/v2/incremental/ticket_events":
            return self._ticket_events(query, base, path)
        if route == "/api/v2/tickets/show_many":
            tickets = [t for t in self._ids(query, self.dataset.tickets) if t["status"] != "deleted"]
            return {"tickets": copy.deepcopy(tickets), **self._sideloads(tickets, query)}
        if match := re.fullmatch(r"/api/v2/tickets/(\d+)/comments", route):
            return self._comments(int(match.group(1)), query, base, path)
        if match := re.fullmatch(r"/api/v2/tickets/(\d+)/audits", route):
            return self._ticket_audits(int(match.group(1)), query, base, path)
        if match := re.fullmatch(r"/api/v2/tickets/(\d+)/metrics", route):
            ticket = self._visible_ticket(int(match.group(1)))
            return {"ticket_metric": copy.deepcopy(self._record(self.dataset.metric_sets, ticket["id"]))}
        if match := re.fullmatch(r"/api/v2/tickets/(\d+)", route):
            ticket = self._visible_ticket(int(match.group(1)))
            return {"ticket": copy.deepcopy(ticket), **self._sideloads([ticket], query)}
        if route == "/api/v2/ticket_fields":
            return self._ticket_fields(query, base, path)
        if route == "/api/v2/search/export":
            return self._search_export(query, base, path)
        if route == "/api/v2/users/me":
            return {"user": self.me()}
        if route == "/api/v2/users/show_many":
            return {"users": copy.deepcopy(self._ids(query, self.dataset.users))}
        if match := re.fullmatch(r"/api/v2/users/(\d+)", route):
            return {"user": copy.deepcopy(self._record(self.dataset.users, int(match.group(1))))}
        if route == "/api/v2/organizations/show_many":
            return {"organizations": copy.deepcopy(self._ids(query, self.dataset.organizations))}
        if match := re.fullmatch(r"/api/v2/organizations/(\d+)", route):
            return {"organization": copy.deepcopy(self._record(self.dataset.organizations, int(match.group(1))))}
        raise ApiError(404, {"error": "InvalidEndpoint", "description": "Not found"})

    def _incremental(self, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        per_page = int_param(query, "per_page", 1000, 1000)
        if query.get("cursor"):
            after = decode_cursor("tickets", query["cursor"])
        elif "start_time" in query:
            after = (read_start_time(query), 0)
        else:
            raise bad_request("InvalidValue", "start_time or cursor is required")
        rest = [(key, ticket) for key, ticket in self.dataset.stream() if key > after]
        page = rest[:per_page]
        cursor = encode_cursor("tickets", page[-1][0] if page else after)
        tickets = [ticket for _, ticket in page]
        return {
            "tickets": copy.deepcopy(tickets),
            # As in Zendesk's example, after_url carries only the cursor; send include/per_page again.
            "after_url": f"{base}{path}?{urlencode({'cursor': cursor})}",
            "after_cursor": cursor,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": len(rest) <= per_page,
            **self._sideloads(tickets, query),
        }

    def _ticket_events(self, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        if "start_time" not in query:
            raise bad_request("InvalidValue", "start_time is required")
        start_time = read_start_time(query)
        per_page = int_param(query, "per_page", 1000, 1000)
        with_comments = "comment_events" in includes(query)
        audits, stamps = self._audit_index()
        lo = bisect.bisect_left(stamps, start_time)
        # Like Zendesk, nothing of the last minute: it may still change.
        hi = bisect.bisect_right(stamps, int(time.time()) - 60)
        end = min(lo + per_page, hi)
        if end > lo:
            end = bisect.bisect_right(stamps, stamps[end - 1], lo, hi)
        page = audits[lo:end]
        end_time = page[-1].timestamp if page else start_time
        params = {k: v for k, v in query.items() if k != "start_time"}
        params["start_time"] = str(end_time)
        return {
            "ticket_events": [self._event(audit, with_comments) for audit in page],
            "next_page": f"{base}{path}?{urlencode(params)}",
            "count": len(page),
            "end_of_stream": end >= hi,
            "end_time": end_time,
        }

    def _audit_index(self) -> tuple[list[Audit], list[int]]:
        # Every mutation ticks the dataset's clock, so (dataset, clock, size) names a state.
        key = (id(self.dataset), self.dataset.clock, len(self.dataset.tickets))
        if self._audits is None or self._audits[0] != key:
            audits = self.dataset.audits()
            self._audits = (key, audits, [a.timestamp for a in audits])
        return self._audits[1], self._audits[2]

    def _event(self, audit: Audit, with_comments: bool) -> dict[str, Any]:
        comment = audit.comment
        channel = (comment or {}).get("via", {}).get("channel") or "web"
        return {
            "id": audit.id,
            "ticket_id": audit.ticket_id,
            "timestamp": audit.timestamp,
            "created_at": iso(audit.timestamp),
            "updater_id": audit.updater_id,
            "via": _VIA_NAMES.get(channel, "Web form"),
            "system": copy.deepcopy((comment or {}).get("metadata", {}).get("system") or {}),
            "event_type": "Audit",
            "merged_ticket_ids": [],
            "child_events": self._children(audit, with_comments),
        }

    def _children(self, audit: Audit, with_comments: bool) -> list[dict[str, Any]]:
        """An update's events: its creation, its changes, and the comment it added."""
        ticket = self.dataset.tickets[audit.ticket_id]
        comment = audit.comment
        channel = (comment or {}).get("via", {}).get("channel") or "web"
        via = {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}
        children: list[dict[str, Any]] = []
        child_id = audit.id * 10
        if audit.create:
            for name in ("subject", "status", "priority", "requester_id"):
                value = ticket["requester_id"] if name == "requester_id" else ("new" if name == "status" else ticket[name])
                child_id += 1
                children.append({"id": child_id, "via": via, "via_reference_id": None, "type": "Create",
                                 "field_name": name, "value": value, "event_type": "Create"})
        for name, value in audit.changes:
            child_id += 1
            children.append({"id": child_id, "via": via, "via_reference_id": None, "type": "Change",
                             "field_name": name, "value": value, "previous_value": None, "event_type": "Change"})
        if comment is not None and with_comments:
            # The comment as the comments endpoint has it, less what events never carry.
            child = {k: copy.deepcopy(v) for k, v in comment.items() if k not in ("plain_body", "metadata")}
            children.append({**child, "via_reference_id": None, "event_type": comment["type"]})
        elif comment is not None:
            children.append({"id": comment["id"], "via": via, "via_reference_id": None, "event_type": comment["type"],
                             "comment_present": True, "comment_public": comment["public"]})
        return children

    def _ticket_audits(self, ticket_id: int, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        """A ticket's updates, oldest first, each with its events (status changes, comments)."""
        self._visible_ticket(ticket_id)
        size = int_param(query, "page[size]", 100, 100)
        scope = f"audits:{ticket_id}"
        audits, _ = self._audit_index()
        items = [((a.timestamp, a.id), a) for a in audits if a.ticket_id == ticket_id]
        page, has_more = cursor_page(items, query, scope, size)
        records = [
            {
                "id": audit.id,
                "ticket_id": audit.ticket_id,
                "created_at": iso(audit.timestamp),
                "author_id": audit.updater_id,
                "metadata": copy.deepcopy((audit.comment or {}).get("metadata") or {"system": {}, "custom": {}}),
                "via": {"channel": (audit.comment or {}).get("via", {}).get("channel") or "web"},
                "events": self._children(audit, with_comments=True),
            }
            for _, audit in page
        ]
        return {"audits": records, **cursor_envelope(page, has_more, scope, url_maker(base, path, query))}

    def _comments(self, ticket_id: int, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        self._visible_ticket(ticket_id)
        size = int_param(query, "page[size]", 100, 100)
        scope = f"comments:{ticket_id}"
        items = sorted(((parse_iso(c["created_at"]), c["id"]), c) for c in self.dataset.comments.get(ticket_id, []))
        page, has_more = cursor_page(items, query, scope, size)
        comments = [c for _, c in page]
        payload: dict[str, Any] = {"comments": copy.deepcopy(comments)}
        if "users" in includes(query):
            authors = sorted({c["author_id"] for c in comments} - self.dataset.hidden_users)
            payload["users"] = [copy.deepcopy(self.dataset.users[u]) for u in authors if u in self.dataset.users]
        payload.update(cursor_envelope(page, has_more, scope, url_maker(base, path, query)))
        return payload

    def _ticket_fields(self, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        fields = self.dataset.ticket_fields
        if not any(k.startswith("page[") for k in query):
            ordered = sorted(fields, key=lambda f: f["position"])
            return {
                "ticket_fields": copy.deepcopy(ordered),
                "next_page": None,
                "previous_page": None,
                "count": len(ordered),
            }
        size = int_param(query, "page[size]", 100, 100)
        items = sorted(((0, f["id"]), f) for f in fields)
        page, has_more = cursor_page(items, query, "ticket_fields", size)
        return {
            "ticket_fields": copy.deepcopy([f for _, f in page]),
            **cursor_envelope(page, has_more, "ticket_fields", url_maker(base, path, query)),
        }

    def _search_export(self, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        text = query.get("query", "").strip()
        if not text:
            raise bad_request("InvalidSearchQuery", "query is required")
        if query.get("filter[type]") != "ticket":
            raise bad_request("InvalidSearchFilter", "filter[type] is required; the fake supports filter[type]=ticket")
        size = int_param(query, "page[size]", 100, 1000)
        # The cursor is bound to the query, like Zendesk's salted request hash.
        scope = f"search:{zlib.crc32(text.encode()) & 0xFFFFFFFF:08x}"
        matches = search_predicate(text, self.dataset)
        items = sorted(
            ((parse_iso(t["created_at"]), t["id"]), t)
            for t in self.dataset.tickets.values()
            if t["status"] != "deleted" and matches(t)
        )
        forward_only = {k: v for k, v in query.items() if k != "page[before]"}
        page, has_more = cursor_page(items, forward_only, scope, size)
        results = [{**copy.deepcopy(t), "result_type": "ticket"} for _, t in page]
        envelope = cursor_envelope(page, has_more, scope, url_maker(base, path, query), backward=False)
        # Search export only pages forward; Zendesk sends no next link past the end.
        envelope["links"]["next"] = envelope["links"]["next"] if has_more else None
        return {"results": results, "facets": None, **envelope}

    # -- helpers ----------------------------------------------------------

    def _visible_ticket(self, ticket_id: int) -> dict[str, Any]:
        ticket = self.dataset.tickets.get(ticket_id)
        if ticket is None or ticket["status"] == "deleted":
            raise ApiError(404, dict(NOT_FOUND))
        return ticket

    @staticmethod
    def _record(records: dict[int, dict[str, Any]], record_id: int) -> dict[str, Any]:
        if record_id not in records:
            raise ApiError(404, dict(NOT_FOUND))
        return records[record_id]

    @staticmethod
    def _ids(query: dict[str, str], records: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
        raw = [part.strip() for part in query.get("ids", "").split(",") if part.strip()]
        if not raw or not all(part.isdigit() for part in raw):
            raise bad_request("InvalidValue", "ids must be a comma-separated list of ids")
        if len(raw) > 100:
            raise bad_request("InvalidValue", "ids accepts at most 100 ids")
        return [records[int(part)] for part in raw if int(part) in records]

    def _sideloads(self, tickets: Iterable[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
        """Side-load only what was asked for, only records the tickets refer to, and never the hidden ones."""
        include = includes(query)
        tickets = list(tickets)
        ds = self.dataset
        out: dict[str, Any] = {}
        if "users" in include:
            ids: set[int] = set()
            for t in tickets:
                ids.update(i for i in (t.get("requester_id"), t.get("submitter_id"), t.get("assignee_id")) if i)
                for key in ("collaborator_ids", "follower_ids", "email_cc_ids"):
                    ids.update(t.get(key) or ())
            out["users"] = [copy.deepcopy(ds.users[i]) for i in sorted(ids - ds.hidden_users) if i in ds.users]
        if "organizations" in include:
            org_ids = {t["organization_id"] for t in tickets if t.get("organization_id")} - ds.hidden_organizations
            out["organizations"] = [copy.deepcopy(ds.organizations[i]) for i in sorted(org_ids) if i in ds.organizations]
        if "metric_sets" in include:
            ticket_ids = {t["id"] for t in tickets} - ds.hidden_metric_sets
            out["metric_sets"] = [copy.deepcopy(ds.metric_sets[i]) for i in sorted(ticket_ids) if i in ds.metric_sets]
        return out

    def me(self) -> dict[str, Any]:
        return {
            "id": 361_000_000_001,
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/users/361000000001.json",
            "name": "API Admin",
            "email": self.email,
            "role": "admin",
            "active": True,
            "verified": True,
        }
