"""Where each request's Authorization header comes from.

    TokenSource                 what the client asks right before each request
     ├── StaticToken            an API token (Basic) or a hand-made OAuth token (Bearer): never renewed
     └── ClientCredentialsToken OAuth client credentials: a token from /oauth/tokens, cached,
                                renewed before it expires, and renewed once after a 401

The client calls `credential()` after any rate-limit wait (a token read before a
minute's wait could expire on the way) and, when Zendesk answers 401,
`refused(credential)` once: True means a retry with a new credential may succeed.
A batch job re-authenticates with its client credentials instead of using refresh
tokens, which are for interactive apps and rotate on use.

Thread-safe: comments are fetched on several threads and share one token; when it
needs renewing, one thread fetches and the others wait for its result. Tokens and
the secret are never logged and never in a repr.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

from exporter.config import (
    API_TOKENS_END,
    OAUTH_VARIABLES,
    ApiToken,
    ClientCredentials,
    Credentials,
    OAuthToken,
)
from exporter.errors import BadResponse

log = logging.getLogger("ticket_archive.auth")

TOKEN_PATH = "/oauth/tokens"
# Renew this long before a token expires (a request must reach Zendesk before then)...
RENEW_MARGIN = 60.0
# ...or, for tokens shorter-lived than four minutes, a quarter of their life.
RENEW_SHARE = 0.25
# The error codes of RFC 6749 §5.2: safe to repeat (a fixed vocabulary, never a value we sent).
OAUTH_ERRORS = frozenset(
    {"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"}
)
SETUP_HINT = "see the README's Zendesk credentials; `ticket-archive check` tests them"


@dataclass(frozen=True)
class Credential:
    """One request's Authorization header, and which token it carries."""

    header: str = field(repr=False)
    serial: int = 0  # the token's number in this run (0: a static one)

    @property
    def scheme(self) -> str:
        return self.header.split(" ", 1)[0]


class TokenSource(Protocol):
    kind: str  # "api token", "oauth token" or "client credentials", for messages

    def credential(self) -> Credential: ...

    def refused(self, credential: Credential) -> bool: ...

    def refusal(self, status: int, path: str) -> str: ...


def _forbidden(path: str) -> str:
    return (
        f"Zendesk refused access with 403 on {path}: the user the credentials act as needs admin rights "
        f"(incremental exports are for admins) and a scope that can read tickets and users; {SETUP_HINT}"
    )


class StaticToken:
    """A fixed header: nothing to renew, so a 401 is final."""

    def __init__(self, credentials: ApiToken | OAuthToken) -> None:
        self.kind = "api token" if isinstance(credentials, ApiToken) else "oauth token"
        self._credential = Credential(credentials.authorization)

    def __repr__(self) -> str:
        return f"StaticToken({self.kind})"

    def credential(self) -> Credential:
        return self._credential

    def refused(self, credential: Credential) -> bool:
        return False

    def refusal(self, status: int, path: str) -> str:
        if status == 403:
            return _forbidden(path)
        if self.kind == "api token":
            # Zendesk's answer for a deactivated token is not documented, so every 401 says this.
            return (
                f"Zendesk refused the API token with 401 on {path}. API tokens are being retired: unused ones "
                f"are deactivated after 30 days and all stop working on {API_TOKENS_END}. Create an OAuth "
                f"client and set {OAUTH_VARIABLES} instead (or check ZENDESK_EMAIL and ZENDESK_API_TOKEN); "
                f"{SETUP_HINT}"
            )
        return (
            f"Zendesk refused ZENDESK_OAUTH_TOKEN with 401 on {path}: tokens made by hand expire. "
            f"Set {OAUTH_VARIABLES} so each run gets its own OAuth token; {SETUP_HINT}"
        )


@dataclass(frozen=True)
class AccessToken:
    value: str = field(repr=False)
    expires_in: float | None  # seconds, as Zendesk announced it; None: not announced
    scope: str


def parse_token(data: Mapping[str, Any]) -> AccessToken:
    """The token endpoint's answer: access_token, token_type bearer, expires_in, scope."""
    value = data.get("access_token")
    if not isinstance(value, str) or not value.strip():
        raise BadResponse(f"Zendesk answered {TOKEN_PATH} without an access token", path=TOKEN_PATH)
    token_type = str(data.get("token_type") or "bearer")
    if token_type.lower() != "bearer":
        raise BadResponse(f"Zendesk issued a {token_type!r} token on {TOKEN_PATH}; expected bearer", path=TOKEN_PATH)
    expires_in = data.get("expires_in")
    if isinstance(expires_in, bool) or not isinstance(expires_in, (int, float)) or expires_in <= 0:
        expires_in = None
    return AccessToken(value.strip(), float(expires_in) if expires_in else None, str(data.get("scope") or ""))


def client_refused(status: int, error: str | None) -> str:
    """The message for a token request Zendesk refused (400/401/403): what to check, no values."""
    code = f" {error}" if error in OAUTH_ERRORS else ""
    if error == "invalid_scope":
        fix = "check ZENDESK_OAUTH_SCOPE (default read) against the client's allowed scopes"
    else:
        fix = (
            "check ZENDESK_CLIENT_ID (the client's unique identifier) and ZENDESK_CLIENT_SECRET, and that the "
            "client is confidential (Admin Center > Apps and integrations > APIs > OAuth clients)"
        )
    return f"Zendesk refused the OAuth client credentials ({status}{code}) on {TOKEN_PATH}: {fix}; {SETUP_HINT}"


# Posts the token request's JSON body and returns the decoded answer; raises exporter errors.
TokenFetcher = Callable[[dict[str, str]], Mapping[str, Any]]


class ClientCredentialsToken:
    """Tokens from `grant_type=client_credentials`, fetched when needed and shared by all threads."""

    kind = "client credentials"

    def __init__(
        self,
        credentials: ClientCredentials,
        fetch: TokenFetcher,
        *,
        clock: Callable[[], float] = time.monotonic,
        margin: float = RENEW_MARGIN,
    ) -> None:
        self._credentials = credentials
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self._renew_at: float | None = None
        self._serial = 0
        self.refusals = 0  # 401s answered with a renewal

    def __repr__(self) -> str:
        return f"ClientCredentialsToken(client_id={self._credentials.client_id!r}, scope={self._credentials.scope!r})"

    @property
    def tokens_obtained(self) -> int:
        return self._serial

    @property
    def current(self) -> AccessToken | None:
        """The token in use (for `check`: its lifetime and scope); None before the first request."""
        return self._token

    def credential(self) -> Credential:
        with self._lock:
            if self._token is None or (self._renew_at is not None and self._clock() >= self._renew_at):
                self._obtain()
            assert self._token is not None
            return Credential(f"Bearer {self._token.value}", self._serial)

    def refused(self, credential: Credential) -> bool:
        with self._lock:
            # Threads that sent the same token all hear 401; only the first drops it, so a
            # dead token costs one renewal, not one per thread.
            if credential.serial == self._serial and self._token is not None:
                self._token = None
                self.refusals += 1
                log.info("Zendesk refused OAuth token #%d (401); getting a new one", credential.serial)
            return True

    def refusal(self, status: int, path: str) -> str:
        if status == 403:
            return _forbidden(path)
        return (
            f"Zendesk refused a newly issued OAuth access token with 401 on {path}; check that the OAuth client "
            f"is active and that ZENDESK_OAUTH_SCOPE (now {self._credentials.scope!r}) can read tickets and users; "
            f"{SETUP_HINT}"
        )

    def _obtain(self) -> None:
        asked = self._clock()
        token = parse_token(
            self._fetch(
                {
                    "grant_type": "client_credentials",
                    "client_id": self._credentials.client_id,
                    "client_secret": self._credentials.client_secret,
                    "scope": self._credentials.scope,
                }
            )
        )
        self._token = token
        self._serial += 1
        if token.expires_in is None:
            # No announced expiry: the 401 path renews it when Zendesk refuses it.
            self._renew_at = None
        else:
            # From when we asked, not when the answer came: errs on the early side.
            margin = min(self._margin, token.expires_in * RENEW_SHARE)
            self._renew_at = asked + token.expires_in - margin
        lifetime = f"{token.expires_in:.0f} s" if token.expires_in is not None else "an unannounced time"
        log.info("obtained OAuth token #%d (scope %s) for %s", self._serial, token.scope or "?", lifetime)


def token_source(credentials: Credentials, fetch: TokenFetcher, *, clock: Callable[[], float] = time.monotonic) -> TokenSource:
    if isinstance(credentials, ClientCredentials):
        return ClientCredentialsToken(credentials, fetch, clock=clock)
    return StaticToken(credentials)
