"""A fake Zendesk Support API on 127.0.0.1, served from a thread: the tests' double and `demo`'s backend.

    with FakeZendesk(tickets=60, seed=7) as fake:
        fake.fail_next(2, status=429, retry_after=1)
        ...  # point a client at fake.base_url, email fake.email, token fake.api_token

Endpoints (each with or without `.json`), shapes as in Zendesk's OpenAPI:

    GET /api/v2/incremental/tickets/cursor    start_time or cursor, per_page, include
    GET /api/v2/incremental/ticket_events     start_time, include=comment_events, per_page
    GET /api/v2/tickets/{id}/comments         page[size], page[after], page[before], include=users
    GET /api/v2/tickets/{id}                  include
    GET /api/v2/tickets/show_many             ids, include
    GET /api/v2/ticket_fields                 all at once, or page[size]/page[after]
    GET /api/v2/search/export                 query, filter[type]=ticket, page[size], page[after]
    GET /api/v2/users/me, /users/{id}, /users/show_many, /organizations/{id}
    POST /oauth/tokens                        with an exporter.fake_oauth.FakeOAuth as `oauth` (OAuth hook)

Cursors are opaque standard base64 (so they may hold `+`, `/` and `=` and must
be URL-encoded, as Zendesk's must). Each is bound to its endpoint; a foreign or
garbled one is a 400 `InvalidCursor`. The incremental cursor names a position
in the stream, so the final `after_cursor` of an export, sent again when nothing
changed, returns no tickets and the same `after_cursor`.

The ticket events export is time-based, as Zendesk's: each page holds the
updates with a timestamp at or after `start_time` (up to 1,000, older than a
minute), `end_time` is the last one's timestamp and `next_page` asks again from
there, so the updates of that second come twice (clients drop duplicates by
id); `end_of_stream` says the page reached the present. A page never ends
inside a second: it takes every update of its last second, even past 1,000.
With `include=comment_events` each comment is a `Comment` child event with its
body, html_body, public flag, author and attachments; without it only
`comment_present` / `comment_public` say a comment was there.

Fault injection (`fail_next`, `error_rate`) and the sliding-window rate limiter
act before routing; every request is recorded in `requests`. Credentials are
compared, never logged.
"""

from __future__ import annotations

import base64
import bisect
import copy
import hmac
import json
import logging
import math
import random
import re
import shlex
import socket
import struct
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import EllipsisType
from typing import Any, Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from exporter.fake_data import STATUS_ORDER, Audit, Dataset, build_dataset, iso, parse_iso

log = logging.getLogger("ticket_archive.fake_zendesk")

JSON_TYPE = "application/json; charset=utf-8"
FAULT_KINDS = ("status", "reset", "timeout", "truncated", "rewrite")
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
_ERRORS = {
    400: "BadRequest",
    403: "Forbidden",
    404: "RecordNotFound",
    409: "Conflict",
    422: "UnprocessableEntity",
    429: "APIRateLimitExceeded",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}
_CURSOR_SALT = "fake-zendesk-cursor-v1"


@dataclass(frozen=True)
class RequestRecord:
    time: float  # time.monotonic() when the request arrived
    method: str
    path: str  # without the query string
    query: dict[str, str]
    status: int | None  # None: the connection was reset without a response
    answered: float | None = None  # time.monotonic() when the response was written


@dataclass
class _Fault:
    remaining: int
    kind: str
    status: int
    retry_after: float | None
    path: str | None
    delay: float
    rewrite: Callable[[bytes], bytes] | None = None


@dataclass
class _Reply:
    status: int | None
    body: bytes = b""
    headers: dict[str, str] | None = None
    delay: float = 0.0
    reset: bool = False
    truncate: bool = False


class _ApiError(Exception):
    def __init__(self, status: int, payload: dict[str, Any]):
        super().__init__(status)
        self.status = status
        self.payload = payload


def _bad_request(error: str, description: str) -> _ApiError:
    return _ApiError(400, {"error": error, "description": description})


# ---------------------------------------------------------------------------
# Cursors and pagination
# ---------------------------------------------------------------------------


def encode_cursor(scope: str, key: tuple[int, int]) -> str:
    raw = f"{key[0]}.0||{key[1]}|{scope}"
    check = zlib.crc32(f"{raw}|{_CURSOR_SALT}".encode()) & 0xFFFFFFFF
    return base64.b64encode(f"{raw}|{check:08x}".encode()).decode("ascii")


def decode_cursor(scope: str, cursor: str) -> tuple[int, int]:
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
        raw, check = text.rsplit("|", 1)
        valid = int(check, 16) == zlib.crc32(f"{raw}|{_CURSOR_SALT}".encode()) & 0xFFFFFFFF
        match = re.fullmatch(r"(-?\d+)\.0\|\|(\d+)\|(.+)", raw)
    except (ValueError, UnicodeError):
        valid, match = False, None
    if not valid or match is None or match.group(3) != scope:
        raise _bad_request("InvalidCursor", "The cursor is invalid or does not belong to this request")
    return int(match.group(1)), int(match.group(2))


def _int_param(query: dict[str, str], name: str, default: int, maximum: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise _bad_request("InvalidPaginationParameter", f"{name} must be an integer") from None
    if number < 1:
        raise _bad_request("InvalidPaginationParameter", f"{name} must be positive")
    return min(number, maximum)


def _cursor_page(
    items: list[tuple[tuple[int, int], dict[str, Any]]], query: dict[str, str], scope: str, size: int
) -> tuple[list[tuple[tuple[int, int], dict[str, Any]]], bool]:
    """Zendesk cursor pagination over key-sorted items: page[after] forward, page[before] backward."""
    if query.get("page[before]"):
        before = decode_cursor(scope, query["page[before]"])
        earlier = [item for item in items if item[0] < before]
        return earlier[-size:], True
    after = decode_cursor(scope, query["page[after]"]) if query.get("page[after]") else None
    rest = [item for item in items if after is None or item[0] > after]
    return rest[:size], len(rest) > size


def _cursor_envelope(
    page: list[tuple[tuple[int, int], dict[str, Any]]],
    has_more: bool,
    scope: str,
    url: Callable[[dict[str, str]], str],
    *,
    backward: bool = True,
) -> dict[str, Any]:
    if not page:
        return {
            "meta": {"has_more": False, "after_cursor": None, "before_cursor": None},
            "links": {"next": None, "prev": None},
        }
    after = encode_cursor(scope, page[-1][0])
    before = encode_cursor(scope, page[0][0]) if backward else None
    return {
        "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
        "links": {
            # Like Zendesk, `next` is there on the last page too: clients must read has_more.
            "next": url({"page[after]": after}),
            "prev": url({"page[before]": before}) if before else None,
        },
    }


# ---------------------------------------------------------------------------
# Search query language (the subset the archive needs)
# ---------------------------------------------------------------------------

_TERM = re.compile(r"(?P<field>[a-z_]+)(?P<op>>=|<=|:|>|<)(?P<value>.+)")


def _day_bounds(value: str) -> tuple[int, int]:
    """[start, end) of a YYYY-MM-DD day, or a one-second span for a full timestamp."""
    try:
        if "T" in value:
            ts = parse_iso(value)
            return ts, ts + 1
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise _bad_request("InvalidSearchQuery", f"cannot read the date {value!r}; use YYYY-MM-DD") from None
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


def _search_predicate(query: str, dataset: Dataset) -> Callable[[dict[str, Any]], bool]:
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
                raise _bad_request("InvalidSearchQuery", f"unknown status {value!r}")
            rank = STATUS_ORDER.index(value)
            checks.append(lambda t, op=op, rank=rank: t["status"] in STATUS_ORDER and _compare(
                op, STATUS_ORDER.index(t["status"]), rank, rank + 1))
        elif field in ("solved", "created", "updated"):
            start, end = _day_bounds(value)

            def check(t: dict[str, Any], field: str = field, op: str = op, start: int = start, end: int = end) -> bool:
                stamp = dataset.metric_sets[t["id"]]["solved_at"] if field == "solved" else t[f"{field}_at"]
                return stamp is not None and _compare(op, parse_iso(stamp), start, end)

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


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------


class FakeZendesk:
    """A Zendesk Support API double over a `Dataset`; see the module docstring."""

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        tickets: int = 60,
        seed: int = 7,
        big_log: bool = True,
        email: str = "agent@example.com",
        api_token: str | None = "fake-token",
        oauth_token: str | None = None,
        subdomain: str = "example",
        oauth: Any = None,  # OAuth hook: an exporter.fake_oauth.FakeOAuth
    ) -> None:
        if dataset is None:
            dataset = build_dataset(tickets, seed, big_log=big_log, subdomain=subdomain)
        self.dataset = dataset
        self.email = email
        self.api_token = api_token
        self.oauth_token = oauth_token
        self.subdomain = subdomain
        self.oauth = oauth  # OAuth hook
        self.base_url = ""
        # Zendesk's Professional plan; None turns the limiter and its headers off.
        self.rate_limit_per_minute: int | None = 700
        self.incremental_limit_per_minute: int | None = None
        # Tests shrink the limiter's "minute" to keep a tight limit fast; clients scale to match.
        self.rate_window_seconds = 60.0
        self.error_rate = 0.0
        self.early_requests = 0
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._faults: list[_Fault] = []
        self._requests: list[RequestRecord] = []
        self._not_before = 0.0
        self._window: deque[float] = deque()
        self._incremental_window: deque[float] = deque()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        # The ticket events stream, derived from the dataset and rebuilt when it changes.
        self._audits: tuple[Any, list[Audit], list[int]] | None = None

    # -- lifecycle --------------------------------------------------------

    def start(self) -> str:
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-zendesk", daemon=True
            )
            self._thread.start()
            self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> "FakeZendesk":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observation ------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self.early_requests = 0

    # -- fault injection --------------------------------------------------

    def fail_next(
        self,
        n: int,
        status: int = 429,
        retry_after: float | None | EllipsisType = ...,
        path: str | None = None,
        *,
        kind: str = "status",
        delay: float = 2.0,
        rewrite: Callable[[bytes], bytes] | None = None,
    ) -> None:
        """The next `n` requests whose path (with query) contains `path` fail.

        kind="status": answer `status`. A 429 carries Retry-After (default 1 s) unless
        retry_after is None; other statuses carry it only when retry_after is given.
        kind="reset": close the connection without answering.
        kind="timeout": wait `delay` seconds, then answer normally.
        kind="truncated": 200 whose JSON body is cut in half.
        kind="rewrite": the normal answer with its body bytes passed through `rewrite`
        (bad input on the wire: invalid UTF-8, `\\ud800` escapes, ...).
        Faults queue up in the order they were added."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        header = (1 if status == 429 else None) if isinstance(retry_after, EllipsisType) else retry_after
        if n > 0:
            with self._lock:
                self._faults.append(_Fault(n, kind, status, header, path, delay, rewrite))

    def reset_faults(self) -> None:
        """Drop queued faults, random errors, issued Retry-After deadlines and rate windows."""
        with self._lock:
            self._faults.clear()
            self.error_rate = 0.0
            self._not_before = 0.0
            self._window.clear()
            self._incremental_window.clear()

    # -- mutations (each a new, later version of the ticket in the stream) --

    def add_ticket(self, subject: str = "New ticket", body: str = "Please help.", **fields: Any) -> int:
        """Returns the new ticket's id; `fields` as for update_ticket, plus requester_id and status."""
        with self._lock:
            return self.dataset.add_ticket(subject, body, **fields)

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        with self._lock:
            return self.dataset.update_ticket(ticket_id, **fields)

    def add_comment(
        self, ticket_id: int, body: str, author_id: int | None = None, public: bool = True
    ) -> dict[str, Any]:
        """Default author: the assignee. A customer's public reply reopens a pending or solved ticket."""
        with self._lock:
            return self.dataset.add_comment(ticket_id, body, author_id, public)

    def solve(self, ticket_id: int) -> dict[str, Any]:
        with self._lock:
            return self.dataset.solve(ticket_id)

    def reopen(self, ticket_id: int) -> dict[str, Any]:
        with self._lock:
            return self.dataset.reopen(ticket_id)

    def delete_ticket(self, ticket_id: int) -> dict[str, Any]:
        with self._lock:
            return self.dataset.delete_ticket(ticket_id)

    # -- request handling -------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        target = urlsplit(handler.path)
        query = dict(parse_qsl(target.query, keep_blank_values=True))
        method = handler.command
        with self._lock:
            index = len(self._requests)
            self._requests.append(RequestRecord(arrived, method, target.path, query, None))
            if arrived < self._not_before:
                self.early_requests += 1
            reply = self._decide(handler, method, target.path, handler.path, query)
            self._add_rate_headers(reply)
            self._requests[index] = replace(self._requests[index], status=None if reply.reset else reply.status)
        if reply.delay:
            time.sleep(reply.delay)
        _write(handler, reply)
        with self._lock:
            self._requests[index] = replace(self._requests[index], answered=time.monotonic())

    def _decide(
        self, handler: BaseHTTPRequestHandler, method: str, path: str, target: str, query: dict[str, str]
    ) -> _Reply:
        now = time.monotonic()
        fault = self._take_fault(target)
        if fault is not None and fault.kind == "reset":
            return _Reply(None, reset=True)
        if fault is not None and fault.kind == "status":
            return self._error(fault.status, fault.retry_after, now)
        if self.error_rate and self._rng.random() < self.error_rate:
            return self._error(self._rng.choice((500, 502, 503)), None, now)
        if self.oauth is not None:  # OAuth hook: the token endpoint and who may call what (exporter.fake_oauth)
            if method == "POST" and path == "/oauth/tokens":
                return _oauth_reply(self.oauth.token_request(getattr(handler, "request_body", b"")))
            refused = self.oauth.check(handler.headers.get("Authorization"), path, self._authorized)
            if refused is not None:
                return _oauth_reply(refused)
        elif not self._authorized(handler.headers.get("Authorization")):
            reply = _json_reply(401, {"error": "Couldn't authenticate you"})
            assert reply.headers is not None
            reply.headers["WWW-Authenticate"] = 'Basic realm="Web Password"'
            return reply
        limited = self._rate_limit(path, now)
        if limited is not None:
            return limited
        try:
            payload = self._route(method, path, query, handler)
            reply = _json_reply(200, payload)
        except _ApiError as exc:
            reply = _json_reply(exc.status, exc.payload)
        except Exception:  # a bug in the fake must not hang the client
            log.exception("fake Zendesk failed on %s %s", method, path)
            reply = _json_reply(500, {"error": "InternalServerError", "description": "The fake Zendesk failed"})
        if fault is not None and fault.kind == "timeout":
            reply.delay = fault.delay
        if fault is not None and fault.kind == "truncated":
            reply.status, reply.truncate = 200, True
        if fault is not None and fault.kind == "rewrite" and fault.rewrite is not None:
            reply.body = fault.rewrite(reply.body)
        return reply

    def _take_fault(self, target: str) -> _Fault | None:
        for fault in self._faults:
            if fault.path is None or fault.path in target:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _error(self, status: int, retry_after: float | None, now: float) -> _Reply:
        if status == 429:
            description = "Number of allowed API requests per minute exceeded"
            payload = {"error": "APIRateLimitExceeded", "description": description}
        else:
            payload = {"error": _ERRORS.get(status, "Error"), "description": f"Injected {status} from the fake Zendesk"}
        reply = _json_reply(status, payload)
        if retry_after is not None:
            self._issue_retry_after(reply, retry_after, now)
        return reply

    def _issue_retry_after(self, reply: _Reply, seconds: float, now: float) -> None:
        assert reply.headers is not None
        # Retry-After is whole seconds; the deadline is what the header promised.
        whole = int(math.ceil(seconds))
        reply.headers["Retry-After"] = str(whole)
        self._not_before = max(self._not_before, now + whole)

    def _authorized(self, header: str | None) -> bool:
        scheme, _, value = (header or "").partition(" ")
        value = value.strip()
        if scheme.lower() == "basic" and self.api_token is not None:
            expected = base64.b64encode(f"{self.email}/token:{self.api_token}".encode()).decode("ascii")
            return hmac.compare_digest(value.encode(), expected.encode())
        if scheme.lower() == "bearer" and self.oauth_token:
            return hmac.compare_digest(value.encode(), self.oauth_token.encode())
        return False

    def _rate_limit(self, path: str, now: float) -> _Reply | None:
        windows = []
        if self.rate_limit_per_minute:
            windows.append((self._window, self.rate_limit_per_minute))
        if self.incremental_limit_per_minute and "/incremental/" in path:
            windows.append((self._incremental_window, self.incremental_limit_per_minute))
        for window, limit in windows:
            while window and window[0] <= now - self.rate_window_seconds:
                window.popleft()
            if len(window) >= limit:
                reply = self._error(429, None, now)
                self._issue_retry_after(reply, max(1, math.ceil(window[0] + self.rate_window_seconds - now)), now)
                return reply
        for window, _ in windows:
            window.append(now)
        return None

    def _add_rate_headers(self, reply: _Reply) -> None:
        limit = self.rate_limit_per_minute
        if limit and reply.headers is not None:
            reply.headers["X-Rate-Limit"] = str(limit)
            reply.headers["X-Rate-Limit-Remaining"] = str(max(0, limit - len(self._window)))

    # -- routes -----------------------------------------------------------

    def _route(self, method: str, path: str, query: dict[str, str], handler: BaseHTTPRequestHandler) -> dict[str, Any]:
        base = f"http://{handler.headers.get('Host') or self.base_url.removeprefix('http://')}"
        route = path[: -len(".json")] if path.endswith(".json") else path
        if method != "GET":
            raise _ApiError(405, {"error": "MethodNotAllowed", "description": "The fake Zendesk only answers GET"})
        if route == "/api/v2/incremental/tickets/cursor":
            return self._incremental(query, base, path)
        if route == "/api/v2/incremental/ticket_events":
            return self._ticket_events(query, base, path)
        if route == "/api/v2/tickets/show_many":
            tickets = [t for t in self._ids(query, self.dataset.tickets) if t["status"] != "deleted"]
            return {"tickets": copy.deepcopy(tickets), **self._sideloads(tickets, query)}
        if match := re.fullmatch(r"/api/v2/tickets/(\d+)/comments", route):
            return self._comments(int(match.group(1)), query, base, path)
        if match := re.fullmatch(r"/api/v2/tickets/(\d+)", route):
            ticket = self._visible_ticket(int(match.group(1)))
            return {"ticket": copy.deepcopy(ticket), **self._sideloads([ticket], query)}
        if route == "/api/v2/ticket_fields":
            return self._ticket_fields(query, base, path)
        if route == "/api/v2/search/export":
            return self._search_export(query, base, path)
        if route == "/api/v2/users/me":
            if self.oauth is not None:  # OAuth hook: the caller's role, or the anonymous user
                return {"user": self.oauth.current_user(handler.headers.get("Authorization"), self._me())}
            return {"user": self._me()}
        if route == "/api/v2/users/show_many":
            return {"users": copy.deepcopy(self._ids(query, self.dataset.users))}
        if match := re.fullmatch(r"/api/v2/users/(\d+)", route):
            return {"user": copy.deepcopy(self._record(self.dataset.users, int(match.group(1))))}
        if match := re.fullmatch(r"/api/v2/organizations/(\d+)", route):
            return {"organization": copy.deepcopy(self._record(self.dataset.organizations, int(match.group(1))))}
        raise _ApiError(404, {"error": "InvalidEndpoint", "description": "Not found"})

    def _incremental(self, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        per_page = _int_param(query, "per_page", 1000, 1000)
        if query.get("cursor"):
            after = decode_cursor("tickets", query["cursor"])
        elif "start_time" in query:
            after = (_start_time(query), 0)
        else:
            raise _bad_request("InvalidValue", "start_time or cursor is required")
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
            raise _bad_request("InvalidValue", "start_time is required")
        start_time = _start_time(query)
        per_page = _int_param(query, "per_page", 1000, 1000)
        with_comments = "comment_events" in _includes(query)
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
            children.append({
                "id": comment["id"],
                "via": copy.deepcopy(comment["via"]),
                "via_reference_id": None,
                "type": "Comment",
                "author_id": comment["author_id"],
                "body": comment["body"],
                "html_body": comment["html_body"],
                "public": comment["public"],
                "attachments": copy.deepcopy(comment["attachments"]),
                "audit_id": comment["audit_id"],
                "created_at": comment["created_at"],
                "event_type": "Comment",
            })
        elif comment is not None:
            children.append({"id": comment["id"], "via": via, "via_reference_id": None, "event_type": "Comment",
                             "comment_present": True, "comment_public": comment["public"]})
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
            "child_events": children,
        }

    def _comments(self, ticket_id: int, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        self._visible_ticket(ticket_id)
        size = _int_param(query, "page[size]", 100, 100)
        scope = f"comments:{ticket_id}"
        items = sorted(((parse_iso(c["created_at"]), c["id"]), c) for c in self.dataset.comments.get(ticket_id, []))
        page, has_more = _cursor_page(items, query, scope, size)
        comments = [c for _, c in page]
        payload: dict[str, Any] = {"comments": copy.deepcopy(comments)}
        if "users" in _includes(query):
            authors = sorted({c["author_id"] for c in comments})
            payload["users"] = [copy.deepcopy(self.dataset.users[u]) for u in authors if u in self.dataset.users]
        payload.update(_cursor_envelope(page, has_more, scope, _url_maker(base, path, query)))
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
        size = _int_param(query, "page[size]", 100, 100)
        items = sorted(((0, f["id"]), f) for f in fields)
        page, has_more = _cursor_page(items, query, "ticket_fields", size)
        return {
            "ticket_fields": copy.deepcopy([f for _, f in page]),
            **_cursor_envelope(page, has_more, "ticket_fields", _url_maker(base, path, query)),
        }

    def _search_export(self, query: dict[str, str], base: str, path: str) -> dict[str, Any]:
        text = query.get("query", "").strip()
        if not text:
            raise _bad_request("InvalidSearchQuery", "query is required")
        if query.get("filter[type]") != "ticket":
            raise _bad_request("InvalidSearchFilter", "filter[type] is required; the fake supports filter[type]=ticket")
        size = _int_param(query, "page[size]", 100, 1000)
        # The cursor is bound to the query, like Zendesk's salted request hash.
        scope = f"search:{zlib.crc32(text.encode()) & 0xFFFFFFFF:08x}"
        matches = _search_predicate(text, self.dataset)
        items = sorted(
            ((parse_iso(t["created_at"]), t["id"]), t)
            for t in self.dataset.tickets.values()
            if t["status"] != "deleted" and matches(t)
        )
        forward_only = {k: v for k, v in query.items() if k != "page[before]"}
        page, has_more = _cursor_page(items, forward_only, scope, size)
        results = [{**copy.deepcopy(t), "result_type": "ticket"} for _, t in page]
        envelope = _cursor_envelope(page, has_more, scope, _url_maker(base, path, query), backward=False)
        # Search export only pages forward; Zendesk sends no next link past the end.
        envelope["links"]["next"] = envelope["links"]["next"] if has_more else None
        return {"results": results, "facets": None, **envelope}

    # -- helpers ----------------------------------------------------------

    def _visible_ticket(self, ticket_id: int) -> dict[str, Any]:
        ticket = self.dataset.tickets.get(ticket_id)
        if ticket is None or ticket["status"] == "deleted":
            raise _ApiError(404, dict(NOT_FOUND))
        return ticket

    @staticmethod
    def _record(records: dict[int, dict[str, Any]], record_id: int) -> dict[str, Any]:
        if record_id not in records:
            raise _ApiError(404, dict(NOT_FOUND))
        return records[record_id]

    @staticmethod
    def _ids(query: dict[str, str], records: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
        raw = [part.strip() for part in query.get("ids", "").split(",") if part.strip()]
        if not raw or not all(part.isdigit() for part in raw):
            raise _bad_request("InvalidValue", "ids must be a comma-separated list of ids")
        if len(raw) > 100:
            raise _bad_request("InvalidValue", "ids accepts at most 100 ids")
        return [records[int(part)] for part in raw if int(part) in records]

    def _sideloads(self, tickets: Iterable[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
        """Side-load only what was asked for, and only records the tickets refer to."""
        include = _includes(query)
        tickets = list(tickets)
        out: dict[str, Any] = {}
        if "users" in include:
            ids: set[int] = set()
            for t in tickets:
                ids.update(i for i in (t.get("requester_id"), t.get("submitter_id"), t.get("assignee_id")) if i)
                for key in ("collaborator_ids", "follower_ids", "email_cc_ids"):
                    ids.update(t.get(key) or ())
            out["users"] = [copy.deepcopy(self.dataset.users[i]) for i in sorted(ids) if i in self.dataset.users]
        if "organizations" in include:
            org_ids = sorted({t["organization_id"] for t in tickets if t.get("organization_id")})
            orgs = self.dataset.organizations
            out["organizations"] = [copy.deepcopy(orgs[i]) for i in org_ids if i in orgs]
        if "metric_sets" in include:
            ticket_ids = sorted({t["id"] for t in tickets})
            metrics = self.dataset.metric_sets
            out["metric_sets"] = [copy.deepcopy(metrics[i]) for i in ticket_ids if i in metrics]
        return out

    def _me(self) -> dict[str, Any]:
        return {
            "id": 361_000_000_001,
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/users/361000000001.json",
            "name": "API Admin",
            "email": self.email,
            "role": "admin",
            "active": True,
            "verified": True,
        }


_VIA_NAMES = {"web": "Web form", "email": "Mail", "api": "Web service"}


def _start_time(query: dict[str, str]) -> int:
    try:
        start_time = int(query["start_time"])
    except ValueError:
        raise _bad_request("InvalidValue", "start_time must be a Unix timestamp in seconds") from None
    if start_time < 0 or start_time > time.time():
        raise _bad_request("InvalidValue", "start_time must not be negative or in the future")
    return start_time


def _includes(query: dict[str, str]) -> set[str]:
    return {part.strip() for part in query.get("include", "").split(",") if part.strip()}


def _url_maker(base: str, path: str, query: dict[str, str]) -> Callable[[dict[str, str]], str]:
    """Absolute URLs for pagination links: the request's own parameters, cursor replaced."""

    def make(cursor: dict[str, str]) -> str:
        params = {k: v for k, v in query.items() if k not in ("page[after]", "page[before]")}
        params.update(cursor)
        return f"{base}{path}?{urlencode(params)}"

    return make


def _json_reply(status: int, payload: dict[str, Any]) -> _Reply:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _Reply(status, body, {"Content-Type": JSON_TYPE})


def _oauth_reply(answer: Any) -> _Reply:  # OAuth hook: an exporter.fake_oauth.OAuthAnswer as a reply
    reply = _json_reply(answer.status, answer.payload)
    assert reply.headers is not None
    reply.headers.update(answer.headers)
    return reply


def _write(handler: BaseHTTPRequestHandler, reply: _Reply) -> None:
    if reply.reset:
        handler.close_connection = True
        try:
            # Linger 0 turns the close into a TCP RST, as a dropped proxy connection looks.
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
        except OSError:
            pass
        return
    assert reply.status is not None
    body = reply.body[: max(1, len(reply.body) // 2)] if reply.truncate else reply.body
    try:
        handler.send_response(reply.status)
        for name, value in (reply.headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        # The client gave up first (a read timeout); nothing left to answer.
        handler.close_connection = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeZendesk/1.0"
    # Headers and body are separate writes; with Nagle on, keep-alive clients stall ~40 ms each.
    disable_nagle_algorithm = True
    server: "_Server"

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    def _other(self) -> None:
        # Drain a request body so the kept-alive connection stays in sync.
        length = int(self.headers.get("Content-Length") or 0)
        self.request_body = b""  # OAuth hook: kept for POST /oauth/tokens
        if 0 < length <= 10_000_000:
            self.request_body = self.rfile.read(length)
        self.server.fake._serve(self)

    do_POST = do_PUT = do_PATCH = do_DELETE = _other

    def log_message(self, format: str, *args: Any) -> None:
        # The request line only: never headers, which carry the credentials.
        log.debug("%s %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, fake: FakeZendesk) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended abruptly", client_address, exc_info=True)


__all__ = ["FakeZendesk", "RequestRecord", "decode_cursor", "encode_cursor"]
