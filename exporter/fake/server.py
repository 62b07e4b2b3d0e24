"""A fake Zendesk Support API on 127.0.0.1, served from a thread: the tests' double and `demo`'s backend.

    with FakeZendesk(tickets=60, seed=7) as fake:
        fake.fail_next(2, status=429, retry_after=1)
        config = ZendeskConfig.from_env(fake.env())
        ...

The endpoints are in api.py, the generated account in generator.py. Fault
injection (`fail_next`, `error_rate`) and the sliding-window rate limiter act
before routing; every request is recorded in `requests`. Credentials are
compared, never logged.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import math
import random
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import EllipsisType
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from exporter.fake.api import Api
from exporter.fake.dataset import Dataset
from exporter.fake.generator import build_dataset
from exporter.fake.oauth import FakeOAuth, OAuthAnswer
from exporter.fake.pagination import ApiError

log = logging.getLogger("ticket_archive.fake_zendesk")

JSON_TYPE = "application/json; charset=utf-8"
FAULT_KINDS = ("status", "reset", "timeout", "truncated", "rewrite")
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
        oauth: FakeOAuth | None = None,
    ) -> None:
        if dataset is None:
            dataset = build_dataset(tickets, seed, big_log=big_log, subdomain=subdomain)
        self.api = Api(dataset, email=email, subdomain=subdomain)
        self.email = email
        self.api_token = api_token
        self.oauth_token = oauth_token
        self.subdomain = subdomain
        # With an OAuth client, the fake issues expiring bearer tokens and decides who may call what.
        self.oauth = oauth
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

    @property
    def dataset(self) -> Dataset:
        return self.api.dataset

    def env(self) -> dict[str, str]:
        """The ZENDESK_* settings that point the exporter at this server, once started:
        `ZendeskConfig.from_env(fake.env())`, or the environment of a `ticket-archive` process.
        With an OAuth client, only its client credentials, as a team sets them now."""
        env = {"ZENDESK_SUBDOMAIN": self.subdomain, "ZENDESK_BASE_URL": self.base_url}
        if self.oauth is not None:
            env["ZENDESK_CLIENT_ID"] = self.oauth.client_id
            env["ZENDESK_CLIENT_SECRET"] = self.oauth.client_secret
            return env
        env["ZENDESK_EMAIL"] = self.email
        if self.api_token is not None:
            env["ZENDESK_API_TOKEN"] = self.api_token
        if self.oauth_token is not None:
            env["ZENDESK_OAUTH_TOKEN"] = self.oauth_token
        return env

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
        authorization = handler.headers.get("Authorization")
        if self.oauth is not None:
            if method == "POST" and path == "/oauth/tokens":
                return _oauth_reply(self.oauth.token_request(getattr(handler, "request_body", b"")))
            refused = self.oauth.check(authorization, path, self._authorized)
            if refused is not None:
                return _oauth_reply(refused)
        elif not self._authorized(authorization):
            reply = _json_reply(401, {"error": "Couldn't authenticate you"})
            assert reply.headers is not None
            reply.headers["WWW-Authenticate"] = 'Basic realm="Web Password"'
            return reply
        limited = self._rate_limit(path, now)
        if limited is not None:
            return limited
        if self.oauth is not None and path.removesuffix(".json") == "/api/v2/users/me":
            # Who the caller is depends on its token (or none: the anonymous user).
            return _json_reply(200, {"user": self.oauth.current_user(authorization, self.api.me())})
        base = f"http://{handler.headers.get('Host') or self.base_url.removeprefix('http://')}"
        try:
            reply = _json_reply(200, self.api.answer(method, path, query, base))
        except ApiError as exc:
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


def _oauth_reply(answer: OAuthAnswer) -> _Reply:
    reply = _json_reply(answer.status, answer.payload)
    assert reply.headers is not None
    reply.headers.update(answer.headers)
    return reply


def _json_reply(status: int, payload: dict[str, Any]) -> _Reply:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _Reply(status, body, {"Content-Type": JSON_TYPE})


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
        self.request_body = b""  # POST /oauth/tokens reads it
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
