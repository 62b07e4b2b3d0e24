"""Zendesk connection settings, read from the environment."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from typing import Mapping

from exporter.errors import ConfigError

_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$", re.IGNORECASE)


@dataclass(frozen=True)
class ZendeskConfig:
    base_url: str
    # repr=False keeps credentials out of reprs, logs and tracebacks.
    authorization: str = field(repr=False)
    agent_url: str = ""

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

        oauth = env.get("ZENDESK_OAUTH_TOKEN", "").strip()
        email = env.get("ZENDESK_EMAIL", "").strip()
        token = env.get("ZENDESK_API_TOKEN", "").strip()
        if oauth:
            authorization = f"Bearer {oauth}"
        elif email and token:
            if "@" not in email:
                raise ConfigError("ZENDESK_EMAIL must be the agent's email address")
            basic = base64.b64encode(f"{email}/token:{token}".encode()).decode("ascii")
            authorization = f"Basic {basic}"
        elif email or token:
            missing = "ZENDESK_API_TOKEN" if email else "ZENDESK_EMAIL"
            raise ConfigError(f"set {missing} too (API token auth needs ZENDESK_EMAIL and ZENDESK_API_TOKEN)")
        else:
            raise ConfigError("set ZENDESK_EMAIL and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN")
        return cls(base_url=base_url, authorization=authorization, agent_url=agent_url)
