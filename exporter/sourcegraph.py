"""Sourcegraph's GraphQL API: the connection `sourcegraph setup`, `check` and `--push` use.

    config = SourcegraphConfig.from_env(os.environ)   # SRC_ENDPOINT, SRC_ACCESS_TOKEN, as Sourcegraph's `src` reads them
    with SourcegraphClient(config) as client:
        me = whoami(client)                            # who the token acts as, and the instance's version
        request_fetch(client, "github.com/acme/support-cases")

One POST per operation to `<SRC_ENDPOINT>/.api/graphql` with
`Authorization: token <SRC_ACCESS_TOKEN>`. The retry policy is the Zendesk
client's (`exporter.client.retrying`): a query is retried on 5xx, timeouts and
lost connections; a mutation only when it cannot have run (429, 503, no
connection), so a retry never makes an object twice. `requests` exceptions and
GraphQL errors become `exporter.errors.SourcegraphError`s here and nowhere else.
The token never appears in a log line or a message: it is sent in the header
only, and a GraphQL error message that echoed it would have it masked.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError

from exporter.client import USER_AGENT, RetryPolicy, parse_retry_after, retrying
from exporter.errors import (
    ConfigError,
    SourcegraphAuthError,
    SourcegraphBusy,
    SourcegraphError,
    SourcegraphRateLimited,
    SourcegraphRejected,
    SourcegraphUnavailable,
)

log = logging.getLogger("ticket_archive.sourcegraph")

ENDPOINT_ENV = "SRC_ENDPOINT"
TOKEN_ENV = "SRC_ACCESS_TOKEN"
API_PATH = "/.api/graphql"
TOKEN_FIX = f"create an access token (user menu > Settings > Access tokens) and set {TOKEN_ENV}"
# A few quick tries: Sourcegraph is not the nightly job's bottleneck, and `setup` is run by hand.
SOURCEGRAPH_POLICY = RetryPolicy(
    max_attempts=4, default_retry_after=10.0, backoff_initial=1.0, backoff_max=10.0, read_timeout=60.0
)
_OPERATION = re.compile(r"^\s*(query|mutation)\s+(\w+)")
# After a push the nightly run waits for Sourcegraph briefly: it fetches at its next sync anyway.
FETCH_POLICY = RetryPolicy(max_attempts=2, backoff_initial=1.0, backoff_max=5.0, default_retry_after=5.0,
                           read_timeout=30.0)
# GraphQL error messages are shown (they say what to fix), cut to one short line.
MESSAGE_CHARS = 300


@dataclass(frozen=True)
class SourcegraphConfig:
    endpoint: str  # scheme://host[:port][/path], no trailing slash, no credentials
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, need_token: bool = True) -> "SourcegraphConfig":
        raw = (env.get(ENDPOINT_ENV) or "").strip()
        if not raw:
            raise ConfigError(f"{ENDPOINT_ENV} is not set: set it to your Sourcegraph's URL, e.g. https://sourcegraph.example.com")
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{ENDPOINT_ENV} must be an http(s) URL such as https://sourcegraph.example.com")
        if parts.username or parts.password:
            raise ConfigError(f"{ENDPOINT_ENV} must not hold credentials; put the access token in {TOKEN_ENV}")
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        endpoint = f"{parts.scheme}://{host}{parts.path}".rstrip("/")
        token = (env.get(TOKEN_ENV) or "").strip() or None
        if need_token and token is None:
            raise ConfigError(f"{TOKEN_ENV} is not set: {TOKEN_FIX}")
        return cls(endpoint, token)

    @property
    def url(self) -> str:
        return self.endpoint + API_PATH


@dataclass(frozen=True)
class Viewer:
    """Who the token acts as, per `currentUser`, and the instance's version."""

    id: str
    username: str
    site_admin: bool
    version: str


class SourcegraphClient:
    def __init__(
        self,
        config: SourcegraphConfig,
        *,
        policy: RetryPolicy = SOURCEGRAPH_POLICY,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.policy = policy
        self._sleep = sleep
        self._session = session or requests.Session()
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "SourcegraphClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run one named query or mutation; its `data`."""
        match = _OPERATION.match(document)
        if not match:
            raise ValueError("a GraphQL document here names its operation: `query Name(...)` or `mutation Name(...)`")
        kind, name = match.groups()
        retryable = (SourcegraphUnavailable,) if kind == "query" else (SourcegraphBusy,)

        def before_sleep(state: Any) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.info("retrying %s after %s (attempt %d of %d)", name, exc, state.attempt_number, self.policy.max_attempts)

        attempt = retrying(self.policy, retryable, sleep=self._sleep, before_sleep=before_sleep)
        return attempt(self._post, name, document, dict(variables or {}))

    def _post(self, name: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"token {self.config.token}"} if self.config.token else {}
        started = time.monotonic()
        try:
            response = self._session.post(
                self.config.url,
                json={"query": document, "variables": variables, "operationName": name},
                headers=headers,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
            )
        except requests.ConnectTimeout:
            raise SourcegraphBusy(self._unreachable("ConnectTimeout")) from None
        except requests.ConnectionError as exc:
            # Refused or unresolved: nothing was sent. Any other break may have come after the request ran.
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            kind = SourcegraphBusy if isinstance(reason, NewConnectionError) else SourcegraphUnavailable
            raise kind(self._unreachable(type(reason or exc).__name__)) from None
        except requests.Timeout:
            raise SourcegraphUnavailable(f"Sourcegraph did not answer {name} in time") from None
        except requests.RequestException as exc:
            raise SourcegraphUnavailable(f"request {name} to Sourcegraph failed ({type(exc).__name__})") from None
        status = response.status_code
        log.debug("POST %s %s (Authorization: token ****) -> %d in %.2f s", API_PATH, name, status,
                  time.monotonic() - started)
        return self._data(name, response)

    def _unreachable(self, why: str) -> str:
        return f"cannot reach Sourcegraph at {self.config.endpoint} ({why}); check {ENDPOINT_ENV} and the network"

    def _data(self, name: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        if status in (401, 403):
            raise SourcegraphAuthError(
                f"Sourcegraph refused the access token ({status}) at {self.config.endpoint}: {TOKEN_FIX}", status=status
            )
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise SourcegraphRateLimited(f"Sourcegraph rate limit hit on {name} (429)", retry_after=retry_after)
        if status == 503:
            raise SourcegraphBusy(f"Sourcegraph answered 503 on {name}", status=status)
        if status >= 500:
            raise SourcegraphUnavailable(f"Sourcegraph answered {status} on {name}", status=status)
        if status >= 300:
            raise SourcegraphError(
                f"Sourcegraph answered {status} on {self.config.url}; is {ENDPOINT_ENV} the instance's URL?",
                status=status,
            )
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SourcegraphUnavailable(f"Sourcegraph sent a body that is not a JSON object on {name}", status=status)
        errors = body.get("errors")
        if errors:
            raise SourcegraphRejected(f"Sourcegraph refused {name}: {self._message(errors)}", status=status)
        data = body.get("data")
        if not isinstance(data, dict):
            raise SourcegraphUnavailable(f"Sourcegraph sent no data for {name}", status=status)
        return data

    def _message(self, errors: Any) -> str:
        first = errors[0] if isinstance(errors, list) and errors else errors
        text = str(first.get("message") if isinstance(first, dict) else first)
        if self.config.token:
            text = text.replace(self.config.token, "****")
        text = " ".join(text.split())
        return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


VIEWER = """query Viewer {
  currentUser { id username siteAdmin }
  site { productVersion }
}"""

REPOSITORY = """query Repository($name: String!) {
  repository(name: $name) { id name }
}"""

FETCH = """mutation UpdateMirrorRepository($repository: ID!) {
  updateMirrorRepository(repository: $repository) { alwaysNil }
}"""


def whoami(client: SourcegraphClient) -> Viewer:
    """The user the token acts as; an anonymous answer is a refused token."""
    data = client.run(VIEWER)
    user = data.get("currentUser")
    version = str((data.get("site") or {}).get("productVersion") or "unknown")
    if not isinstance(user, dict) or not user.get("id"):
        raise SourcegraphAuthError(f"Sourcegraph answered as for an anonymous user: {TOKEN_FIX}")
    return Viewer(str(user["id"]), str(user.get("username") or "?"), bool(user.get("siteAdmin")), version)


def repository_id(client: SourcegraphClient, repo: str) -> str:
    data = client.run(REPOSITORY, {"name": repo})
    found = data.get("repository")
    if not isinstance(found, dict) or not found.get("id"):
        raise SourcegraphRejected(
            f"Sourcegraph has no repository {repo}: add it through a code host connection, or pass its name "
            "as Sourcegraph shows it"
        )
    return str(found["id"])


def request_fetch(client: SourcegraphClient, repo: str) -> None:
    """Ask Sourcegraph to fetch `repo` now instead of at its next sync (`updateMirrorRepository`: site admins only)."""
    client.run(FETCH, {"repository": repository_id(client, repo)})


@dataclass(frozen=True)
class FetchOutcome:
    ok: bool
    message: str


def fetch_after_push(
    env: Mapping[str, str],
    repo: str | None,
    *,
    policy: RetryPolicy = FETCH_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchOutcome | None:
    """After `--push`: ask Sourcegraph to fetch the archive now. None when SRC_ENDPOINT is not set.

    Never raises an ExportError: a failure here is an outcome to warn about, not
    a failed run (Sourcegraph fetches the repository at its next sync anyway)."""
    if not (env.get(ENDPOINT_ENV) or "").strip():
        return None
    later = "new cases become searchable at Sourcegraph's next sync"
    if not repo:
        return FetchOutcome(False, f"the archive has no name on Sourcegraph (set sourcegraph_repo in the settings "
                                   f"file, or an origin remote); {later}")
    try:
        with SourcegraphClient(SourcegraphConfig.from_env(env), policy=policy, sleep=sleep) as client:
            request_fetch(client, repo)
    except (ConfigError, SourcegraphError) as exc:
        return FetchOutcome(False, f"could not ask Sourcegraph to fetch {repo} now ({exc}); {later}")
    return FetchOutcome(True, f"asked Sourcegraph to fetch {repo} now")
