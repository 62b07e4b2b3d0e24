"""OAuth for the fake Zendesk: the token endpoint, bearer tokens that expire, retired API tokens, roles.

    oauth = FakeOAuth(token_lifetime=1.0)           # tokens live one second
    with FakeZendesk(tickets=40, oauth=oauth) as fake:
        ...  # ZENDESK_CLIENT_ID=oauth.client_id, ZENDESK_CLIENT_SECRET=oauth.client_secret

`POST /oauth/tokens` takes a JSON body as Zendesk's does: `grant_type=client_credentials`,
`client_id` (the client's unique identifier), `client_secret`, `scope`. A wrong
id or secret is a 401 `invalid_client`; a missing or malformed scope a 400
`invalid_scope`; any other grant a 400 `unsupported_grant_type`. The answer is a
201 with `access_token`, `token_type: bearer`, `scope` and `expires_in`.

A bearer token is accepted until its lifetime has passed (the fake's own clock),
then refused with 401 `invalid_token` and a `WWW-Authenticate: Bearer ... error="invalid_token"`
header. Tests can make tokens die earlier than announced (`reported_lifetime`,
`revoke_after`, `revoke_tokens`) to exercise the client's renewal on a 401.
`retire_api_tokens()` makes every Basic `email/token:...` request a 401, as after
Zendesk's retirement date; Zendesk's wording for that answer is not documented,
so the fake uses its usual "Couldn't authenticate you". `role="agent"` makes the
credentials act as a non-admin: `/users/me` says so and the incremental exports
answer 403. `/users/me` answers a request without credentials as Zendesk answers
anonymous callers: 200, `id: null`.

Independent of the server's internals: the server passes what it received and
turns each `OAuthAnswer` into its reply. The secret is compared in constant time;
nothing here logs.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

_SCOPE = re.compile(r"^[a-z_]+(?::(?:read|write))?$")
_ADMIN_ONLY = ("/api/v2/incremental/",)
INVALID_TOKEN = "The access token provided is expired, revoked, malformed or invalid for other reasons."


@dataclass(frozen=True)
class OAuthAnswer:
    status: int
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Token:
    expires_at: float
    revoked: bool = False


def _oauth_error(status: int, error: str, description: str) -> OAuthAnswer:
    return OAuthAnswer(status, {"error": error, "error_description": description})


class FakeOAuth:
    """One confidential OAuth client of the fake account, and the tokens issued to it."""

    def __init__(
        self,
        *,
        client_id: str = "ticket-archive-demo",
        client_secret: str | None = None,
        token_lifetime: float = 7200.0,
        reported_lifetime: float | None = None,
        revoke_after: int | None = None,
        role: str = "admin",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`token_lifetime`: seconds a token is accepted; `reported_lifetime`: the `expires_in`
        announced (default: the lifetime); `revoke_after`: once this many requests were
        accepted, every token issued so far is revoked (once, as an admin revoking them);
        `role`: admin or agent."""
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.token_lifetime = token_lifetime
        self.reported_lifetime = reported_lifetime
        self.revoke_after = revoke_after
        self.role = role
        self.api_tokens_retired = False
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, _Token] = {}
        self._issued: list[str] = []
        self._refusals: Counter[str] = Counter()
        self._accepted = 0
        self.token_requests = 0

    def __repr__(self) -> str:
        return f"FakeOAuth(client_id={self.client_id!r}, role={self.role!r})"

    # -- what tests look at ---------------------------------------------------------

    @property
    def issued(self) -> list[str]:
        """Every access token issued, oldest first (to search outputs for leaks)."""
        with self._lock:
            return list(self._issued)

    @property
    def refusals(self) -> dict[str, int]:
        """How often each token was refused (401 invalid_token)."""
        with self._lock:
            return dict(self._refusals)

    def retire_api_tokens(self) -> None:
        with self._lock:
            self.api_tokens_retired = True

    def revoke_tokens(self) -> None:
        """Every token issued so far is refused from now on."""
        with self._lock:
            for token in self._tokens.values():
                token.revoked = True

    # -- the server's hooks ---------------------------------------------------------

    def token_request(self, body: bytes) -> OAuthAnswer:
        """POST /oauth/tokens."""
        with self._lock:
            self.token_requests += 1
        try:
            data = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return _oauth_error(400, "invalid_request", "The request body must be a JSON object.")
        if data.get("grant_type") != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "The fake Zendesk issues client_credentials tokens only.")
        client_id, secret = str(data.get("client_id") or ""), str(data.get("client_secret") or "")
        known = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        if not (hmac.compare_digest(secret.encode(), self.client_secret.encode()) and known):
            return _oauth_error(
                401,
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, "
                "or unsupported authentication method.",
            )
        scope = str(data.get("scope") or "")
        if not scope or not all(_SCOPE.match(part) for part in scope.split()):
            return _oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
        value = secrets.token_hex(24)
        with self._lock:
            self._tokens[value] = _Token(expires_at=self._clock() + self.token_lifetime)
            self._issued.append(value)
        reported = self.token_lifetime if self.reported_lifetime is None else self.reported_lifetime
        return OAuthAnswer(
            201,
            {"access_token": value, "token_type": "bearer", "scope": scope, "expires_in": max(1, round(reported))},
        )

    def check(self, authorization: str | None, path: str, legacy: Callable[[str | None], bool]) -> OAuthAnswer | None:
        """None lets the request through; otherwise the 401/403 to answer.

        `legacy` is the server's own check of API tokens and its fixed OAuth token."""
        route = path[: -len(".json")] if path.endswith(".json") else path
        if not authorization and route == "/api/v2/users/me":
            return None  # anonymous callers are allowed here
        scheme, _, value = (authorization or "").partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and value:
            with self._lock:
                token = self._tokens.get(value)
                if token is None:
                    accepted = legacy(authorization)
                else:
                    accepted = not token.revoked and self._clock() < token.expires_at
                    if accepted:
                        self._accepted += 1
                        if self._accepted == self.revoke_after:
                            for known in self._tokens.values():
                                known.revoked = True
                    else:
                        self._refusals[value] += 1
            if not accepted:
                return OAuthAnswer(
                    401,
                    {"error": "invalid_token", "error_description": INVALID_TOKEN},
                    {"WWW-Authenticate": f'Bearer realm="Zendesk", error="invalid_token", error_description="{INVALID_TOKEN}"'},
                )
        elif scheme.lower() == "basic" and self.api_tokens_retired:
            return _couldnt_authenticate()
        elif not legacy(authorization):
            return _couldnt_authenticate()
        if self.role != "admin" and route.startswith(_ADMIN_ONLY):
            return OAuthAnswer(403, {"error": "Forbidden", "description": "You do not have access to this page."})
        return None

    def current_user(self, authorization: str | None, user: dict[str, Any]) -> dict[str, Any]:
        """What /users/me says: the caller's user with this client's role, or the anonymous user."""
        if not authorization:
            return {"id": None, "url": None, "name": "Anonymous user", "email": "invalid@example.com",
                    "role": "end-user", "active": True, "verified": False}
        return {**user, "role": self.role}


def _couldnt_authenticate() -> OAuthAnswer:
    return OAuthAnswer(401, {"error": "Couldn't authenticate you"}, {"WWW-Authenticate": 'Basic realm="Web Password"'})
