"""Zendesk connection settings, read from the environment.

Three ways to authenticate, and which one wins when several are set:

1. OAuth client credentials: `ZENDESK_CLIENT_ID` + `ZENDESK_CLIENT_SECRET`
   (+ `ZENDESK_OAUTH_SCOPE`, default `read`). The recommended way: the job gets
   its own expiring tokens (see `exporter.auth`).
2. `ZENDESK_OAUTH_TOKEN`: an OAuth access token made by hand. It expires.
3. `ZENDESK_EMAIL` + `ZENDESK_API_TOKEN`: API-token auth, which Zendesk retires
   (see `API_TOKENS_END`); accepted with a warning.

The first complete set in that order is used; the variables of the others are
ignored with a warning naming them, since an env file in the middle of the move to
OAuth still holds the old lines. Half a client (an id without a secret, or the
reverse) is an error even when another set is complete: falling back to a
retiring API token because of a typo would hide the mistake until 2027. Values
never appear in reprs, notices or errors.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from typing import Mapping, Union

from exporter.errors import ConfigError

_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$", re.IGNORECASE)
# Space-separated scopes: `read`, `write`, `impersonate`, or `resource:read` / `resource:write`.
_SCOPE = re.compile(r"^[a-z_]+(?::[a-z_]+)?(?: [a-z_]+(?::[a-z_]+)?)*$")

# Zendesk's "Migrating from API tokens to OAuth access tokens" guide.
API_TOKENS_NO_NEW = "2026-10-27"  # no account can create an API token from this day
API_TOKENS_END = "2027-04-30"  # every API token is deactivated on this day
DEFAULT_SCOPE = "read"
OAUTH_VARIABLES = "ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET"


@dataclass(frozen=True)
class ApiToken:
    """`{email}/token:{api_token}` as HTTP Basic auth; retiring."""

    email: str
    token: str = field(repr=False)

    @property
    def authorization(self) -> str:
        return "Basic " + base64.b64encode(f"{self.email}/token:{self.token}".encode()).decode("ascii")


@dataclass(frozen=True)
class OAuthToken:
    """An access token made by hand (ZENDESK_OAUTH_TOKEN); it expires and is not renewed."""

    token: str = field(repr=False)

    @property
    def authorization(self) -> str:
        return f"Bearer {self.token}"


@dataclass(frozen=True)
class ClientCredentials:
    """A confidential OAuth client: the job asks /oauth/tokens for its own tokens."""

    client_id: str
    client_secret: str = field(repr=False)
    scope: str = DEFAULT_SCOPE


Credentials = Union[ApiToken, OAuthToken, ClientCredentials]


@dataclass(frozen=True)
class ZendeskConfig:
    base_url: str
    # repr=False keeps credentials out of reprs, logs and tracebacks.
    credentials: Credentials = field(repr=False)
    agent_url: str = ""
    # Credential variables that were set but lose to the credentials used (names only).
    ignored: tuple[str, ...] = ()

    @property
    def notices(self) -> tuple[str, ...]:
        """Warnings for the run's log: a deprecated way of signing in, ignored variables; never values."""
        notices = [API_TOKEN_DEPRECATION] if isinstance(self.credentials, ApiToken) else []
        if self.ignored:
            notices.append(f"using {self.method}; ignoring {', '.join(self.ignored)} (remove them from the environment)")
        return tuple(notices)

    @property
    def method(self) -> str:
        """How the run signs in, in words."""
        if isinstance(self.credentials, ClientCredentials):
            return "the OAuth client credentials"
        if isinstance(self.credentials, OAuthToken):
            return "ZENDESK_OAUTH_TOKEN"
        return "the API token"

    @property
    def authorization(self) -> str | None:
        """The fixed Authorization header, or None when tokens are fetched (client credentials)."""
        if isinstance(self.credentials, ClientCredentials):
            return None
        return self.credentials.authorization

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ZendeskConfig":
        env = os.environ if env is None else env
        subdomain = env.get("ZENDESK_SUBDOMAIN", "").strip()
        base_url = env.get("ZENDESK_BASE_URL", "").strip().rstrip("/")
        if subdomain and not _SUBDOMAIN.match(subdomain):
            raise ConfigError(
                "ZENDESK_SUBDOMAIN must be the account name only (for acme.zendesk.com set ZENDESK_SUBDOMAIN=acme)"
            )
        if not base_url:
            if not subdomain:
                raise ConfigError("set ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL) to your Zendesk account")
            base_url = f"https://{subdomain}.zendesk.com"
        elif not re.match(r"^https?://[^/\s]+", base_url):
            raise ConfigError("ZENDESK_BASE_URL must be an http(s) URL such as https://acme.zendesk.com")
        agent_url = f"https://{subdomain}.zendesk.com" if subdomain else base_url
        credentials, ignored = _credentials(env)
        return cls(base_url=base_url, credentials=credentials, agent_url=agent_url, ignored=ignored)


def _credentials(env: Mapping[str, str]) -> tuple[Credentials, tuple[str, ...]]:
    """The credentials that win, and the names of the set variables that lose."""
    value = {name: env.get(name, "").strip() for name in (
        "ZENDESK_CLIENT_ID", "ZENDESK_CLIENT_SECRET", "ZENDESK_OAUTH_SCOPE",
        "ZENDESK_OAUTH_TOKEN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN",
    )}
    client_id, secret = value["ZENDESK_CLIENT_ID"], value["ZENDESK_CLIENT_SECRET"]
    if bool(client_id) != bool(secret):
        missing = "ZENDESK_CLIENT_SECRET" if client_id else "ZENDESK_CLIENT_ID"
        raise ConfigError(f"set {missing} too (OAuth client credentials need {OAUTH_VARIABLES})")

    if client_id:
        scope = " ".join(value["ZENDESK_OAUTH_SCOPE"].split()) or DEFAULT_SCOPE
        if not _SCOPE.match(scope):
            raise ConfigError(
                "ZENDESK_OAUTH_SCOPE must be space-separated scopes such as `read` or `tickets:read users:read`"
            )
        ignored = tuple(n for n in ("ZENDESK_OAUTH_TOKEN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN") if value[n])
        return ClientCredentials(client_id, secret, scope), ignored

    scope_ignored = ("ZENDESK_OAUTH_SCOPE",) if value["ZENDESK_OAUTH_SCOPE"] else ()
    if value["ZENDESK_OAUTH_TOKEN"]:
        ignored = tuple(n for n in ("ZENDESK_EMAIL", "ZENDESK_API_TOKEN") if value[n]) + scope_ignored
        return OAuthToken(value["ZENDESK_OAUTH_TOKEN"]), ignored

    email, token = value["ZENDESK_EMAIL"], value["ZENDESK_API_TOKEN"]
    if email and token:
        if "@" not in email:
            raise ConfigError("ZENDESK_EMAIL must be the agent's email address")
        return ApiToken(email, token), scope_ignored
    if email or token:
        missing = "ZENDESK_API_TOKEN" if email else "ZENDESK_EMAIL"
        raise ConfigError(
            f"set {missing} too (API token auth needs ZENDESK_EMAIL and ZENDESK_API_TOKEN), "
            f"or better {OAUTH_VARIABLES}: Zendesk retires API tokens on {API_TOKENS_END}"
        )
    raise ConfigError(
        f"set {OAUTH_VARIABLES} (an OAuth client; see the README), or ZENDESK_OAUTH_TOKEN, "
        "or ZENDESK_EMAIL and ZENDESK_API_TOKEN"
    )


API_TOKEN_DEPRECATION = (
    f"ZENDESK_EMAIL + ZENDESK_API_TOKEN: Zendesk is retiring API tokens (none can be created since "
    f"{API_TOKENS_NO_NEW}, unused ones are deactivated after 30 days, all stop working on {API_TOKENS_END}); "
    f"create an OAuth client and set {OAUTH_VARIABLES} instead (README: Zendesk credentials)"
)
