"""The Zendesk Support API client: one session, one retry policy, every pagination style.

Thread-safe for concurrent GETs (comments are fetched on several threads): the
rate budget, the Retry-After deadline and the counters are guarded by locks.
Each request's Authorization header comes from an `exporter.auth` token source,
asked right before the request leaves; under OAuth client credentials a 401 gets
the request one retry with a renewed token, never more.

All `requests` exceptions are translated to `exporter.errors` here and nowhere
else. Retries are one tenacity policy: a 429 waits for `Retry-After` (or a
default when Zendesk omits it) and no request leaves before that expires; 5xx,
connection resets, timeouts and truncated bodies back off exponentially with
jitter; the number of attempts is bounded. A 504 or a timeout on a paged
request retries with half the page size, since big pages are what time out.
"""

from __future__ import annotations

import email.utils
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from exporter.auth import TOKEN_PATH, Credential, client_refused, token_source
from exporter.budget import RateBudget
from exporter.config import ZendeskConfig
from exporter.errors import (
    AuthenticationError,
    BadResponse,
    InvalidClient,
    InvalidCursor,
    NotFound,
    RateLimited,
    Throttled,
    TokenUnavailable,
    ZendeskError,
    ZendeskServerError,
    ZendeskUnreachable,
)

log = logging.getLogger("ticket_archive.http")
auth_log = logging.getLogger("ticket_archive.auth")

USER_AGENT = "ticket-archive/0.1 (+https://github.com/ticket-archive)"
RETRYABLE = (RateLimited, ZendeskServerError, ZendeskUnreachable, BadResponse)
MIN_PAGE_SIZE = 10
EVENTS_PATH = "/api/v2/incremental/ticket_events.json"
# Connections kept open to Zendesk: enough for the comment threads and the export readers.
POOL_SIZE = 32


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    # Zendesk sometimes sends a 429 without Retry-After; a minute is its window.
    default_retry_after: float = 60.0
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    jitter: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 120.0


@dataclass
class ClientStats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    # Seconds spent in requests (summed over threads, so it can exceed the wall time).
    http_seconds: float = 0.0


@dataclass(frozen=True)
class ExportPage:
    """One page of the cursor-based incremental ticket export, side-loads included."""

    tickets: list[dict[str, Any]]
    users: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    metric_sets: list[dict[str, Any]]
    after_cursor: str | None
    end_of_stream: bool


@dataclass(frozen=True)
class EventsPage:
    """One page of the time-based ticket events export: the updates at or after `start_time`.

    Every update before `end_time` has been delivered (and at `end_time` too when
    `end_of_stream`). `stalled`: the page did not move past its own start second,
    so the next page starts a second later and that second may be incomplete."""

    events: list[dict[str, Any]]
    start_time: int
    end_time: int
    end_of_stream: bool
    stalled: bool = False


def retrying(
    policy: RetryPolicy,
    retryable: tuple[type[BaseException], ...],
    *,
    sleep: Callable[[float], None],
    before_sleep: Callable[[RetryCallState], None] | None = None,
) -> Retrying:
    """The application's one retry policy, for Zendesk and Sourcegraph alike.

    A `Throttled` error (a 429) waits its `retry_after`, or the policy's default
    when the server named none; any other `retryable` error backs off
    exponentially with jitter; at most `policy.max_attempts` tries; the last
    error is raised as is."""
    backoff = wait_exponential_jitter(multiplier=policy.backoff_initial, max=policy.backoff_max, jitter=policy.jitter)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Throttled):
            return exc.retry_after if exc.retry_after is not None else policy.default_retry_after
        return backoff(state)

    return Retrying(
        retry=retry_if_exception_type(retryable),
        wait=wait,
        stop=stop_after_attempt(policy.max_attempts),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After is seconds, or an HTTP date; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


class ZendeskClient:
    def __init__(
        self,
        config: ZendeskConfig,
        *,
        policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        budget: RateBudget | None = None,
    ) -> None:
        self.config = config
        self.policy = policy or RetryPolicy()
        self.budget = budget or RateBudget(clock=clock, sleep=sleep)
        self.stats = ClientStats()
        self._sleep = sleep
        self._clock = clock
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=2, pool_maxsize=POOL_SIZE)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self._session = session
        # No Authorization here: each request gets the token source's current one.
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        self.auth = token_source(config.credentials, self._fetch_token, clock=clock)
        # The Server header of the last answer (`exporter.check` recognises the built-in fake by it).
        self.server = ""
        self._not_before = 0.0
        self._lock = threading.Lock()
        for notice in config.notices:
            auth_log.warning("%s", notice)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "ZendeskClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- requests ---------------------------------------------------------

    def get_json(
        self,
        path_or_url: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size_param: str | None = None,
    ) -> dict[str, Any]:
        """GET with the retry policy; returns the decoded JSON object."""
        url = path_or_url if "://" in path_or_url else self.config.base_url + path_or_url
        # Mutable on purpose: a timeout shrinks the page size for the next attempt.
        attempt_params = dict(params or {})
        retrying = self._retrying(lambda state: self._before_retry(state, attempt_params, page_size_param))
        return retrying(self._send, url, attempt_params)

    def current_user(self) -> dict[str, Any]:
        """`/api/v2/users/me`: the user the credentials act as (id None: taken as anonymous)."""
        user = self.get_json("/api/v2/users/me.json").get("user")
        return user if isinstance(user, dict) else {}

    def _retrying(self, before_sleep: Callable[[RetryCallState], None]) -> Retrying:
        return retrying(self.policy, RETRYABLE, sleep=self._sleep, before_sleep=before_sleep)

    def _before_retry(self, state: RetryCallState, params: dict[str, Any], page_size_param: str | None) -> None:
        with self._lock:
            self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        shrink = (isinstance(exc, ZendeskUnreachable) and exc.timeout) or (
            isinstance(exc, ZendeskServerError) and exc.status == 504
        )
        if shrink and page_size_param and page_size_param in params:
            params[page_size_param] = max(MIN_PAGE_SIZE, int(params[page_size_param]) // 2)
        log.info(
            "retrying %s after %s (attempt %d of %d, waiting %.1f s)",
            getattr(exc, "path", "?"),
            _describe(exc),
            state.attempt_number,
            self.policy.max_attempts,
            state.next_action.sleep if state.next_action else 0.0,
        )

    def _wait_for_rate_limit(self) -> None:
        # Never send before a Retry-After we were given has expired, whoever asks.
        with self._lock:
            remaining = self._not_before - self._clock()
        if remaining > 0:
            self._sleep(remaining)

    def _exchange(self, url: str, params: Mapping[str, Any]) -> tuple[requests.Response, Credential]:
        """One GET within the rate budget, with the token source's current credential."""
        self._wait_for_rate_limit()
        path = urlsplit(url).path
        slot = self.budget.acquire(path)
        # Again: another thread may have met a 429 while this one waited for its slot.
        self._wait_for_rate_limit()
        try:
            # Only now: a token taken before the waits could have expired during them.
            credential = self.auth.credential()
            with self._lock:
                self.stats.requests += 1
            started = time.monotonic()
            response = self._session.get(
                url,
                params=params,
                headers={"Authorization": credential.header},
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
            )
        except requests.RequestException as exc:
            raise _unreachable(exc, path) from None
        finally:
            self.budget.settle(path, slot)
        self.budget.observe(response.headers)
        status = response.status_code
        self._count(status, started)
        with self._lock:
            self.server = response.headers.get("Server", "")
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "GET %s %s (Authorization: %s ****) -> %d in %.2f s",
                path,
                _public_params(params),
                credential.scheme,
                status,
                time.monotonic() - started,
            )
        return response, credential

    def _send(self, url: str, params: Mapping[str, Any]) -> dict[str, Any]:
        path = urlsplit(url).path
        response, credential = self._exchange(url, params)
        # Once at most: a token refused right after it was issued will not do better a third time.
        if response.status_code == 401 and self.auth.refused(credential):
            response, credential = self._exchange(url, params)
        status = response.status_code
        body = response.content if status < 300 else b""

        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = retry_after if retry_after is not None else self.policy.default_retry_after
            with self._lock:
                self.stats.rate_limited += 1
                self._not_before = max(self._not_before, self._clock() + wait)
            raise RateLimited(f"Zendesk rate limit hit on {path}", retry_after=retry_after, path=path)
        if status in (401, 403):
            raise AuthenticationError(self.auth.refusal(status, path))
        if status == 404:
            raise NotFound(f"not found: {path}", status=status, path=path)
        if status >= 500:
            raise ZendeskServerError(f"Zendesk answered {status} on {path}", status=status, path=path)
        if status >= 400:
            if status == 400 and "cursor" in params:
                raise InvalidCursor(
                    f"Zendesk refused the saved cursor on {path} (400); the export restarts from the last committed point",
                    status=status,
                    path=path,
                )
            raise ZendeskError(f"Zendesk answered {status} on {path}", status=status, path=path)
        try:
            data = response.json() if body else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise BadResponse(f"Zendesk sent a body that is not a JSON object on {path}", status=status, path=path)
        return data

    def _count(self, status: int, started: float) -> None:
        with self._lock:
            self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
            self.stats.http_seconds += time.monotonic() - started

    # -- OAuth tokens -----------------------------------------------------

    def _fetch_token(self, body: dict[str, str]) -> dict[str, Any]:
        """POST /oauth/tokens under the retry policy; a refused client is final at once."""

        def before_retry(state: RetryCallState) -> None:
            with self._lock:
                self.stats.retries += 1
            exc = state.outcome.exception() if state.outcome else None
            log.info("retrying %s after %s (attempt %d of %d)", TOKEN_PATH, _describe(exc), state.attempt_number,
                     self.policy.max_attempts)

        try:
            return self._retrying(before_retry)(self._post_token, body)
        except RETRYABLE as exc:
            # Past the policy already: the request that needed the token must not run it again.
            raise TokenUnavailable(
                f"could not get an OAuth access token: {exc}", status=exc.status, path=TOKEN_PATH
            ) from None

    def _post_token(self, body: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self.stats.requests += 1
        started = time.monotonic()
        try:
            # JSON, as Zendesk's token endpoint requires; the secret travels only in this body.
            response = self._session.post(
                self.config.base_url + TOKEN_PATH,
                json=body,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
            )
        except requests.RequestException as exc:
            raise _unreachable(exc, TOKEN_PATH) from None
        status = response.status_code
        self._count(status, started)
        log.debug("POST %s (client_secret ****) -> %d in %.2f s", TOKEN_PATH, status, time.monotonic() - started)
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise RateLimited(f"Zendesk rate limit hit on {TOKEN_PATH}", retry_after=retry_after, path=TOKEN_PATH)
        if status >= 500:
            raise ZendeskServerError(f"Zendesk answered {status} on {TOKEN_PATH}", status=status, path=TOKEN_PATH)
        data = _json_object(response.content)
        if status in (400, 401, 403):
            raise InvalidClient(client_refused(status, str((data or {}).get("error") or "")))
        if status >= 300:
            raise ZendeskError(f"Zendesk answered {status} on {TOKEN_PATH}", status=status, path=TOKEN_PATH)
        if data is None:
            raise BadResponse(f"Zendesk sent a body that is not a JSON object on {TOKEN_PATH}", status=status, path=TOKEN_PATH)
        return data

    # -- pagination -------------------------------------------------------

    def iter_pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, page_size_param: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Follow Zendesk's cursor pagination (`meta.has_more`, `links.next`) or
        offset pagination (`next_page`) until the last page."""
        data = self.get_json(path, params, page_size_param=page_size_param)
        while True:
            yield data
            meta = data.get("meta") or {}
            links = data.get("links") or {}
            if "has_more" in meta:
                next_url = links.get("next") if meta.get("has_more") else None
            else:
                next_url = data.get("next_page")
            if not next_url:
                return
            data = self.get_json(next_url)

    def iter_ticket_export(
        self,
        *,
        cursor: str | None = None,
        start_time: int = 0,
        include: str = "users,organizations,metric_sets",
        per_page: int = 1000,
    ) -> Iterator[ExportPage]:
        """Cursor-based incremental ticket export, from a saved cursor or a start time."""
        params: dict[str, Any] = {"include": include, "per_page": per_page}
        if cursor:
            params["cursor"] = cursor
        else:
            params["start_time"] = int(start_time)
        while True:
            data = self.get_json("/api/v2/incremental/tickets/cursor.json", params, page_size_param="per_page")
            page = ExportPage(
                tickets=list(data.get("tickets") or ()),
                users=list(data.get("users") or ()),
                organizations=list(data.get("organizations") or ()),
                metric_sets=list(data.get("metric_sets") or ()),
                after_cursor=data.get("after_cursor") or params.get("cursor"),
                end_of_stream=bool(data.get("end_of_stream", True)),
            )
            yield page
            if page.end_of_stream or not data.get("after_cursor"):
                return
            params = {"include": include, "per_page": per_page, "cursor": data["after_cursor"]}

    def fetch_comments(self, ticket_id: int, *, page_size: int = 100) -> tuple[list[dict], list[dict]]:
        """Every comment of a ticket, oldest first, and the users side-loaded with them.

        Raises NotFound for a deleted ticket."""
        comments: list[dict] = []
        users: list[dict] = []
        params = {"page[size]": page_size, "include": "users"}
        for data in self.iter_pages(
            f"/api/v2/tickets/{int(ticket_id)}/comments.json", params, page_size_param="page[size]"
        ):
            comments.extend(data.get("comments") or ())
            users.extend(data.get("users") or ())
        return comments, users

    def iter_ticket_events(
        self, start_time: int, *, include: str = "comment_events", per_page: int = 1000
    ) -> Iterator[EventsPage]:
        """The time-based ticket events export from `start_time` until the end of the stream.

        `next_page` is the same query from `end_time` on; we send the parameters
        again ourselves (as for the cursor export) so the include is never lost."""
        start = int(start_time)
        while True:
            params = {"start_time": start, "include": include, "per_page": per_page}
            data = self.get_json(EVENTS_PATH, params, page_size_param="per_page")
            events = list(data.get("ticket_events") or ())
            try:
                end_time = int(data.get("end_time") if data.get("end_time") is not None else start)
            except (TypeError, ValueError):
                raise BadResponse(f"Zendesk sent an unreadable end_time on {EVENTS_PATH}", path=EVENTS_PATH) from None
            end_of_stream = bool(data.get("end_of_stream", not data.get("next_page")))
            # A full page within one second would be asked for again and again; step past it.
            stalled = not end_of_stream and end_time <= start
            yield EventsPage(events, start, end_time, end_of_stream, stalled)
            if end_of_stream:
                return
            start = end_time + 1 if stalled else end_time

    def show_many_users(self, user_ids: list[int]) -> list[dict[str, Any]]:
        """Up to 100 users by id (people a ticket names that no side-load brought)."""
        data = self.get_json(
            "/api/v2/users/show_many.json", {"ids": ",".join(str(int(i)) for i in user_ids[:100])}
        )
        return list(data.get("users") or ())

    def show_many_organizations(self, organization_ids: list[int]) -> list[dict[str, Any]]:
        """Up to 100 organizations by id (a ticket's organization no side-load brought)."""
        data = self.get_json(
            "/api/v2/organizations/show_many.json", {"ids": ",".join(str(int(i)) for i in organization_ids[:100])}
        )
        return list(data.get("organizations") or ())

    def ticket_metric(self, ticket_id: int) -> dict[str, Any]:
        """A ticket's metric set (`/tickets/{id}/metrics`); {} when Zendesk sends none. NotFound for a deleted ticket."""
        metric = self.get_json(f"/api/v2/tickets/{int(ticket_id)}/metrics.json").get("ticket_metric")
        # The reference describes the object, its schema a list of one: take either.
        if isinstance(metric, list):
            metric = metric[0] if metric else None
        return metric if isinstance(metric, dict) else {}

    def iter_ticket_audits(self, ticket_id: int, *, page_size: int = 100) -> Iterator[dict[str, Any]]:
        """A ticket's audits, oldest first, each with its `events`. NotFound for a deleted ticket."""
        for data in self.iter_pages(
            f"/api/v2/tickets/{int(ticket_id)}/audits.json", {"page[size]": page_size}, page_size_param="page[size]"
        ):
            yield from data.get("audits") or ()

    def show_many(self, ticket_ids: list[int], include: str = "users,organizations,metric_sets") -> ExportPage:
        """Current state of up to 100 tickets, side-loads included (for retrying withheld ones)."""
        data = self.get_json(
            "/api/v2/tickets/show_many.json",
            {"ids": ",".join(str(int(i)) for i in ticket_ids[:100]), "include": include},
        )
        return ExportPage(
            tickets=list(data.get("tickets") or ()),
            users=list(data.get("users") or ()),
            organizations=list(data.get("organizations") or ()),
            metric_sets=list(data.get("metric_sets") or ()),
            after_cursor=None,
            end_of_stream=True,
        )

    def ticket_field_titles(self) -> dict[int, str]:
        titles: dict[int, str] = {}
        for data in self.iter_pages("/api/v2/ticket_fields.json", {"page[size]": 100}):
            for f in data.get("ticket_fields") or ():
                titles[int(f["id"])] = str(f.get("title") or f"field_{f['id']}")
        return titles


def _unreachable(exc: requests.RequestException, path: str) -> ZendeskUnreachable:
    if isinstance(exc, requests.Timeout):
        return ZendeskUnreachable(f"Zendesk did not answer in time on {path}", path=path, timeout=True)
    return ZendeskUnreachable(
        f"cannot reach Zendesk on {path} ({type(exc).__name__}); check ZENDESK_SUBDOMAIN / ZENDESK_BASE_URL and the network",
        path=path,
    )


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(content) if content else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _public_params(params: Mapping[str, Any]) -> str:
    # Cursors are opaque and harmless; nothing else we send is secret, but keep it short.
    return "&".join(f"{k}={str(v)[:40]}" for k, v in params.items())


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, RateLimited):
        return "429"
    if isinstance(exc, ZendeskError) and exc.status:
        return str(exc.status)
    return type(exc).__name__ if exc else "?"
