"""OAuth end to end over loopback: the fake's token endpoint, tokens that expire mid-run, renewal on a 401,
retired API tokens and a wrong secret through the real command line, and no secret in any output or file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
import requests

from archive.store import Archive
from exporter.budget import RateBudget
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import ZendeskConfig
from exporter.fake import build_dataset
from exporter.fake import FakeOAuth, FakeZendesk
from exporter.jobs import run_export
from tests.conftest import git
from tests.support import oauth_env

ROOT = Path(__file__).resolve().parents[1]
TOKENS = "/oauth/tokens"


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


@pytest.fixture
def oauth() -> FakeOAuth:
    return FakeOAuth(client_secret="cs-5ecret-1a2b3c4d5e6f7a8b9c0d")


@pytest.fixture
def server(oauth: FakeOAuth) -> Iterator[FakeZendesk]:
    with FakeZendesk(dataset=build_dataset(tickets=40, seed=11, big_log=False), oauth=oauth) as fake:
        yield fake


def oauth_client(fake: FakeZendesk, oauth: FakeOAuth) -> ZendeskClient:
    policy = RetryPolicy(backoff_initial=0.01, backoff_max=0.05, default_retry_after=0.2, read_timeout=5.0)
    return ZendeskClient(
        ZendeskConfig.from_env(oauth_env(fake)), policy=policy, budget=RateBudget(minute=fake.rate_window_seconds)
    )


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TICKET_ARCHIVE_"))}
    return subprocess.run(
        [sys.executable, "-m", "exporter.cli", *args],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=180,
    )


def archived_ids(path: Path) -> set[int]:
    return {int(p.stem) for p in path.glob("tickets/*/*/*.md")}


def everything_written(path: Path) -> str:
    files = "\n".join(p.read_text("utf-8", "replace") for p in path.rglob("*") if p.is_file() and ".git" not in p.parts)
    return files + "\n" + git(path, "log", "-p", "--all")


# -- the fake's token endpoint ------------------------------------------------------------------


def test_the_token_endpoint_issues_bearer_tokens_to_the_client_only(server: FakeZendesk, oauth: FakeOAuth) -> None:
    url = server.base_url + TOKENS
    good = {"grant_type": "client_credentials", "client_id": oauth.client_id, "client_secret": oauth.client_secret, "scope": "read"}
    issued = requests.post(url, json=good)
    assert issued.status_code == 201
    assert issued.json() == {"access_token": oauth.issued[0], "token_type": "bearer", "scope": "read", "expires_in": 7200}

    for body, status, error in [
        ({**good, "client_secret": "wrong"}, 401, "invalid_client"),
        ({**good, "client_id": "other"}, 401, "invalid_client"),
        ({**good, "grant_type": "password"}, 400, "unsupported_grant_type"),
        ({**good, "scope": ""}, 400, "invalid_scope"),
    ]:
        answer = requests.post(url, json=body)
        assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert requests.post(url, data="grant_type=client_credentials").status_code == 400
    assert len(oauth.issued) == 1

    api = server.base_url + "/api/v2/ticket_fields.json"
    assert requests.get(api, headers={"Authorization": f"Bearer {oauth.issued[0]}"}).status_code == 200
    refused = requests.get(api, headers={"Authorization": "Bearer not-issued"})
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_tokens_expire_and_api_tokens_can_be_retired(server: FakeZendesk) -> None:
    clock = [0.0]
    oauth = FakeOAuth(token_lifetime=1.0, clock=lambda: clock[0])
    server.oauth = oauth
    body = {"grant_type": "client_credentials", "client_id": oauth.client_id, "client_secret": oauth.client_secret, "scope": "read"}
    token = requests.post(server.base_url + TOKENS, json=body).json()["access_token"]
    api = server.base_url + "/api/v2/ticket_fields.json"
    assert requests.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    clock[0] = 1.0
    assert requests.get(api, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert oauth.refusals == {token: 1}

    assert requests.get(api, auth=(f"{server.email}/token", server.api_token)).status_code == 200
    oauth.retire_api_tokens()
    assert requests.get(api, auth=(f"{server.email}/token", server.api_token)).status_code == 401


def test_users_me_answers_anonymous_callers_and_tells_the_role(server: FakeZendesk, oauth: FakeOAuth) -> None:
    me = server.base_url + "/api/v2/users/me.json"
    anonymous = requests.get(me).json()["user"]
    assert anonymous["id"] is None and anonymous["role"] == "end-user"
    assert requests.get(server.base_url + "/api/v2/ticket_fields.json").status_code == 401
    oauth.role = "agent"
    with oauth_client(server, oauth) as client:
        assert client.current_user()["role"] == "agent"
        with pytest.raises(Exception, match="403"):
            next(client.iter_ticket_export())


# -- expiry and renewal during an export ------------------------------------------------------


def test_tokens_living_one_second_expire_mid_run_and_are_renewed_before_zendesk_refuses_them(
    redactor, tmp_path: Path
) -> None:
    oauth = FakeOAuth(token_lifetime=1.0)
    with FakeZendesk(dataset=build_dataset(tickets=40, seed=11, big_log=False), oauth=oauth) as fake:
        fake.fail_next(100_000, kind="timeout", delay=0.5, path="/api/v2/")  # every request takes half a second
        archive = Archive(tmp_path / "archive")
        with oauth_client(fake, oauth) as client:
            summary = run_export(client, redactor, archive, comments="per-ticket")

    assert archived_ids(archive.path) == fake.dataset.expected_archived_ids()
    assert summary.withheld == set()
    assert len(oauth.issued) >= 3, "the run outlived several tokens"
    assert all(count <= 1 for count in oauth.refusals.values()), oauth.refusals
    assert not any(r.status == 401 for r in fake.requests), "renewed before expiry, never refused"


def test_a_token_revoked_mid_run_is_renewed_once_and_the_requests_retried(redactor, tmp_path: Path) -> None:
    # The token is announced to live two hours, and revoked after ten requests.
    oauth = FakeOAuth(revoke_after=10)
    with FakeZendesk(dataset=build_dataset(tickets=40, seed=11, big_log=False), oauth=oauth) as fake:
        archive = Archive(tmp_path / "archive")
        with oauth_client(fake, oauth) as client:
            run_export(client, redactor, archive, comments="per-ticket")
            renewals = client.auth.refusals

    assert archived_ids(archive.path) == fake.dataset.expected_archived_ids()
    first, second = oauth.issued
    # Comments come on eight threads: several may meet the dead token; one renews it, each retries once.
    assert set(oauth.refusals) == {first} and renewals == 1
    assert sum(1 for r in fake.requests if r.status == 401) == oauth.refusals[first]


def test_one_request_at_a_time_each_token_is_refused_exactly_once(server: FakeZendesk, oauth: FakeOAuth) -> None:
    with oauth_client(server, oauth) as client:
        for n, ticket_id in enumerate(sorted(server.dataset.expected_archived_ids())[:12]):
            if n % 3 == 2:
                oauth.revoke_tokens()
            client.fetch_comments(ticket_id)
    assert len(oauth.issued) == 5
    assert oauth.refusals == {token: 1 for token in oauth.issued[:-1]}
    assert [r.status for r in server.requests if r.path != TOKENS].count(401) == 4


# -- through the command line ---------------------------------------------------------------------


def test_an_export_with_only_client_credentials_survives_expiry_and_leaks_no_secret(tmp_path: Path) -> None:
    oauth = FakeOAuth(token_lifetime=1.0, client_secret="cs-5ecret-1a2b3c4d5e6f7a8b9c0d")
    with FakeZendesk(dataset=build_dataset(tickets=40, seed=11, big_log=False), oauth=oauth) as fake:
        fake.fail_next(100_000, kind="timeout", delay=0.3, path="/api/v2/")
        env = oauth_env(fake)
        work = tmp_path / "archive"
        result = cli("export", "--archive", str(work), "--workers", "1", "--verbose", "--log-format", "json", env=env)

    assert result.returncode == 0, result.stderr
    assert archived_ids(work) == fake.dataset.expected_archived_ids()
    assert len(oauth.issued) >= 2 and all(count <= 1 for count in oauth.refusals.values())
    logs = [json.loads(line) for line in result.stderr.splitlines()]
    messages = [entry["message"] for entry in logs]
    assert any("(Authorization: Bearer ****)" in m for m in messages)
    assert any(m.startswith("POST /oauth/tokens (client_secret ****) -> 201") for m in messages)
    assert not any("retiring API tokens" in m for m in messages)
    written = everything_written(work)
    for secret in (oauth.client_secret, *oauth.issued):
        assert secret not in result.stdout and secret not in result.stderr
        assert secret not in written


def test_a_wrong_secret_exits_3_at_once_without_echoing_it(server: FakeZendesk, oauth: FakeOAuth, tmp_path: Path) -> None:
    wrong = "cs-typo-0f9e8d7c6b5a49382716"
    result = cli(
        "export", "--archive", str(tmp_path / "a"), "--verbose",
        env=oauth_env(server, ZENDESK_CLIENT_SECRET=wrong),
    )
    assert result.returncode == 3, result.stderr
    assert "Zendesk refused the OAuth client credentials (401 invalid_client)" in result.stderr
    assert "ZENDESK_CLIENT_SECRET" in result.stderr and "Traceback" not in result.stderr
    assert wrong not in result.stdout + result.stderr and oauth.client_secret not in result.stdout + result.stderr
    assert [r.path for r in server.requests] == [TOKENS], "no retry, no API request"


def test_with_api_tokens_retired_an_api_token_run_exits_3_naming_oauth(server: FakeZendesk, oauth: FakeOAuth, tmp_path: Path) -> None:
    oauth.retire_api_tokens()
    env = {
        "ZENDESK_SUBDOMAIN": server.subdomain,
        "ZENDESK_BASE_URL": server.base_url,
        "ZENDESK_EMAIL": server.email,
        "ZENDESK_API_TOKEN": server.api_token or "",
    }
    result = cli("export", "--archive", str(tmp_path / "a"), env=env)
    assert result.returncode == 3, result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("ticket-archive: error: Zendesk refused the API token with 401")
    assert "OAuth client" in error and "ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET" in error
    assert result.stderr.count("Zendesk is retiring API tokens") == 1, "the deprecation warning, once"
    assert server.api_token not in result.stderr
