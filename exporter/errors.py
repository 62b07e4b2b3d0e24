"""Errors of the exporter stage.

    ExportError                    anything that stops talking to Zendesk or Sourcegraph
     ├── ConfigError               missing or invalid settings (exit 2)
     ├── AuthenticationError       401/403: wrong or under-privileged credentials (exit 3)
     │    └── InvalidClient        /oauth/tokens refused the OAuth client's id or secret (never retried)
     ├── ZendeskError              a request failed for good (exit 4)
     │    ├── RateLimited          429; carries retry_after in seconds
     │    ├── ZendeskServerError   5xx
     │    ├── ZendeskUnreachable   connection refused/reset, timeouts
     │    ├── BadResponse          a body that is not the JSON we asked for
     │    ├── InvalidCursor        the saved cursor was refused (400)
     │    ├── NotFound             404 (a deleted ticket's comments)
     │    └── TokenUnavailable     no OAuth access token after the retries allowed (5xx, network)
     └── SourcegraphError          Sourcegraph's GraphQL API failed or refused (exit 8)
          ├── SourcegraphAuthError     401/403, or no user behind SRC_ACCESS_TOKEN
          ├── SourcegraphRejected      the API answered with errors: a field it does not know, a feature
          │                            turned off, a right the user lacks
          └── SourcegraphUnavailable   5xx, timeouts, bodies that are not JSON: queries are retried
               └── SourcegraphBusy     503 or no connection: not processed, so mutations retry too
                    └── SourcegraphRateLimited   429; carries retry_after in seconds

`requests` exceptions are translated once, in `exporter.client` (Zendesk) and
`exporter.sourcegraph` (Sourcegraph). Messages carry the endpoint path, status
codes and what to do; never response bodies, ticket text or credentials (of a
GraphQL error, its message, with the token masked should it ever appear).
"""

from __future__ import annotations


class ExportError(Exception):
    """Root of the exporter's errors."""


class ConfigError(ExportError):
    """Configuration is missing or invalid; the message says what to set."""


class AuthenticationError(ExportError):
    """Zendesk refused the credentials (401) or their permissions (403)."""


class InvalidClient(AuthenticationError):
    """The token endpoint refused the OAuth client credentials (400/401 `invalid_client` and kin).

    Raised at once: retrying a wrong secret only adds failed sign-ins to Zendesk's audit log."""


class ZendeskError(ExportError):
    """A request to Zendesk failed after the retries allowed."""

    def __init__(self, message: str, *, status: int | None = None, path: str | None = None):
        super().__init__(message)
        self.status = status
        self.path = path


class Throttled:
    """A 429 from any server we talk to: `retry_after` is its Retry-After in seconds (None when absent).

    The retry policy (exporter.client.retrying) waits that long before the next try."""

    retry_after: float | None = None


class RateLimited(ZendeskError, Throttled):
    def __init__(self, message: str, *, retry_after: float | None, path: str | None = None):
        super().__init__(message, status=429, path=path)
        self.retry_after = retry_after


class ZendeskServerError(ZendeskError):
    pass


class ZendeskUnreachable(ZendeskError):
    def __init__(self, message: str, *, path: str | None = None, timeout: bool = False):
        super().__init__(message, path=path)
        self.timeout = timeout


class BadResponse(ZendeskError):
    pass


class InvalidCursor(ZendeskError):
    pass


class NotFound(ZendeskError):
    """404: the record does not exist (deleted tickets' comments answer this)."""


class TokenUnavailable(ZendeskError):
    """The token endpoint failed (5xx, network) on every attempt the retry policy allows.

    Not retried again by the request that needed the token: the policy already ran once."""


class SourcegraphError(ExportError):
    """Sourcegraph's GraphQL API failed or refused; the message names the operation and the fix."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class SourcegraphAuthError(SourcegraphError):
    """Sourcegraph refused SRC_ACCESS_TOKEN (401/403), or answered as for an anonymous user."""


class SourcegraphRejected(SourcegraphError):
    """The API answered with GraphQL errors: never retried, the same request would fail again."""


class SourcegraphUnavailable(SourcegraphError):
    """5xx, a timeout or a body that is not JSON: the request may have run, so only queries retry."""


class SourcegraphBusy(SourcegraphUnavailable):
    """503 or no connection at all: the request was not processed, so it is safe to send again."""


class SourcegraphRateLimited(SourcegraphBusy, Throttled):
    """429: wait `retry_after` seconds (Sourcegraph's Retry-After), then send again."""

    def __init__(self, message: str, *, retry_after: float | None):
        super().__init__(message, status=429)
        self.retry_after = retry_after
