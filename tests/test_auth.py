"""Signing in: which credentials win, OAuth client credentials in the client (with `responses`), the token source."""

from __future__ import annotations

import base64
import json
import logging
import threading
import time

import pytest
import responses

from exporter.auth import ClientCredentialsToken, StaticToken
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import ApiToken, ClientCredentials, OAuthToken, ZendeskConfig
from exporter.errors import AuthenticationError, BadResponse, ConfigError, InvalidClient, TokenUnavailable
from tests.support import FakeTime

BASE = "https://acme.zendesk.com"
TOKEN_URL = f"{BASE}/oauth/tokens"
ME = f"{BASE}/api/v2/users/me.json"
FIELDS = f"{BASE}/api/v2/ticket_fields.json"
SECRET = "cs-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
CLIENT = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_CLIENT_ID": "archive-job", "ZENDESK_CLIENT_SECRET": SECRET}
API = {"ZENDESK_EMAIL": "bot@acme.test", "ZENDESK_API_TOKEN": "api-tok-1"}


def token_answer(value: str, expires_in: int | None = 600) -> dict:
    answer = {"access_token": value, "token_type": "bearer", "scope": "read"}
    if expires_in is not None:
        answer["expires_in"] = expires_in
    return answer


def oauth_client(fake_time: FakeTime, env: dict | None = None, **policy: float) -> ZendeskClient:
    return ZendeskClient(
        ZendeskConfig.from_env(env or CLIENT),
        policy=RetryPolicy(**{"max_attempts": 4, "jitter": 0.0, **policy}),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )


def bearer(call) -> str:
    return call.request.headers["Authorization"]


# -- which credentials, and what wins ----------------------------------------------------------


def test_client_credentials_are_read_with_scope_read_by_default() -> None:
    config = ZendeskConfig.from_env(CLIENT)
    assert config.credentials == ClientCredentials("archive-job", SECRET, "read")
    assert config.authorization is None and config.notices == ()
    assert SECRET not in repr(config) and SECRET not in repr(config.credentials)
    scoped = ZendeskConfig.from_env({**CLIENT, "ZENDESK_OAUTH_SCOPE": " tickets:read   users:read "})
    assert scoped.credentials.scope == "tickets:read users:read"


@pytest.mark.parametrize(
    "extra, wins, ignored",
    [
        (API, ClientCredentials, "ZENDESK_EMAIL, ZENDESK_API_TOKEN"),
        ({"ZENDESK_OAUTH_TOKEN": "hand-made"}, ClientCredentials, "ZENDESK_OAUTH_TOKEN"),
        ({**API, "ZENDESK_OAUTH_TOKEN": "hand-made"}, ClientCredentials, "ZENDESK_OAUTH_TOKEN, ZENDESK_EMAIL, ZENDESK_API_TOKEN"),
        ({"ZENDESK_EMAIL": "left@over.test"}, ClientCredentials, "ZENDESK_EMAIL"),
    ],
)
def test_client_credentials_win_and_the_ignored_variables_are_named(extra: dict, wins: type, ignored: str) -> None:
    config = ZendeskConfig.from_env({**CLIENT, **extra})
    assert isinstance(config.credentials, wins)
    (notice,) = config.notices
    assert notice == f"using the OAuth client credentials; ignoring {ignored} (remove them from the environment)"
    assert "hand-made" not in notice and "api-tok-1" not in notice


def test_a_hand_made_oauth_token_wins_over_an_api_token() -> None:
    config = ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_TOKEN": "hand-made", **API})
    assert config.credentials == OAuthToken("hand-made")
    assert config.notices == ("using ZENDESK_OAUTH_TOKEN; ignoring ZENDESK_EMAIL, ZENDESK_API_TOKEN (remove them from the environment)",)


def test_api_token_alone_works_with_the_deprecation_notice() -> None:
    config = ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", **API})
    assert config.credentials == ApiToken("bot@acme.test", "api-tok-1")
    (notice,) = config.notices
    assert "2027-04-30" in notice and "ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET" in notice
    assert "api-tok-1" not in notice


@pytest.mark.parametrize(
    "env, says",
    [
        ({"ZENDESK_CLIENT_ID": "archive-job"}, "set ZENDESK_CLIENT_SECRET too"),
        ({"ZENDESK_CLIENT_SECRET": SECRET, **API}, "set ZENDESK_CLIENT_ID too"),
        ({**CLIENT, "ZENDESK_OAUTH_SCOPE": "read,write"}, "ZENDESK_OAUTH_SCOPE must be space-separated"),
        ({}, "set ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET"),
    ],
)
def test_half_a_client_is_an_error_even_when_an_api_token_is_set(env: dict, says: str) -> None:
    with pytest.raises(ConfigError) as info:
        ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", **env})
    assert says in str(info.value) and SECRET not in str(info.value)


# -- client credentials in the client ---------------------------------------------------------------


@responses.activate
def test_the_token_request_is_json_on_the_account_host_and_requests_carry_the_bearer_token() -> None:
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-1"))
    responses.get(ME, json={"user": {"id": 7, "role": "admin"}})
    client = oauth_client(FakeTime())
    assert client.current_user() == {"id": 7, "role": "admin"}

    post, get = responses.calls
    assert json.loads(post.request.body) == {
        "grant_type": "client_credentials", "client_id": "archive-job", "client_secret": SECRET, "scope": "read",
    }
    assert post.request.headers["Content-Type"] == "application/json"
    assert "Authorization" not in post.request.headers
    assert bearer(get) == "Bearer tok-1"


@responses.activate
def test_the_base_url_override_is_the_token_host_too() -> None:
    responses.post("http://127.0.0.1:9/oauth/tokens", status=201, json=token_answer("tok-1"))
    responses.get("http://127.0.0.1:9/api/v2/users/me.json", json={"user": {"id": 7}})
    oauth_client(FakeTime(), {**CLIENT, "ZENDESK_BASE_URL": "http://127.0.0.1:9"}).current_user()
    assert len(responses.calls) == 2


@responses.activate
def test_the_token_is_reused_then_renewed_before_it_expires() -> None:
    fake_time = FakeTime()
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-1", expires_in=600))
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-2", expires_in=600))
    responses.get(FIELDS, json={"ticket_fields": []})
    client = oauth_client(fake_time)

    client.get_json("/api/v2/ticket_fields.json")
    fake_time.now += 539  # 61 s left: more than the 60 s margin
    client.get_json("/api/v2/ticket_fields.json")
    fake_time.now += 1  # 60 s left: renewed before the request leaves
    client.get_json("/api/v2/ticket_fields.json")

    gets = [bearer(c) for c in responses.calls if c.request.method == "GET"]
    assert gets == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    assert client.auth.tokens_obtained == 2


@responses.activate
def test_a_short_lived_token_is_renewed_at_three_quarters_of_its_life() -> None:
    fake_time = FakeTime()
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-1", expires_in=1))
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-2", expires_in=1))
    responses.get(FIELDS, json={"ticket_fields": []})
    client = oauth_client(fake_time)
    client.get_json("/api/v2/ticket_fields.json")
    fake_time.now += 0.7
    client.get_json("/api/v2/ticket_fields.json")
    fake_time.now += 0.05
    client.get_json("/api/v2/ticket_fields.json")
    assert [bearer(c) for c in responses.calls if c.request.method == "GET"] == ["Bearer tok-1"] * 2 + ["Bearer tok-2"]


@responses.activate
def test_a_401_renews_the_token_once_and_the_request_succeeds(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-1", expires_in=None))
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-2", expires_in=None))
    responses.get(FIELDS, status=401, json={"error": "invalid_token"})
    responses.get(FIELDS, json={"ticket_fields": []})
    fake_time = FakeTime()
    client = oauth_client(fake_time)

    assert client.get_json("/api/v2/ticket_fields.json") == {"ticket_fields": []}

    assert [bearer(c) for c in responses.calls if c.request.method == "GET"] == ["Bearer tok-1", "Bearer tok-2"]
    assert client.auth.refusals == 1 and fake_time.sleeps == []
    for secret in (SECRET, "tok-1", "tok-2"):
        assert secret not in caplog.text


@responses.activate
def test_a_new_token_refused_too_is_final_after_one_renewal() -> None:
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-1"))
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-2"))
    responses.get(FIELDS, status=401, json={"error": "invalid_token"})
    with pytest.raises(AuthenticationError) as info:
        oauth_client(FakeTime()).get_json("/api/v2/ticket_fields.json")
    assert [c.request.method for c in responses.calls] == ["POST", "GET", "POST", "GET"]
    assert "refused a newly issued OAuth access token with 401" in str(info.value)
    assert "tok-2" not in str(info.value)


@pytest.mark.parametrize("status, error", [(401, "invalid_client"), (400, "invalid_client"), (400, "invalid_scope")])
@responses.activate
def test_a_refused_client_is_exit_3_at_once_and_never_echoes_the_secret(status: int, error: str, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    responses.post(TOKEN_URL, status=status, json={"error": error, "error_description": f"bad {SECRET}"})
    fake_time = FakeTime()
    with pytest.raises(InvalidClient) as info:
        oauth_client(fake_time).get_json("/api/v2/ticket_fields.json")
    assert len(responses.calls) == 1 and fake_time.sleeps == []
    assert f"({status} {error})" in str(info.value)
    assert ("ZENDESK_OAUTH_SCOPE" if error == "invalid_scope" else "ZENDESK_CLIENT_SECRET") in str(info.value)
    for text in (str(info.value), repr(info.value), caplog.text):
        assert SECRET not in text


@responses.activate
def test_the_token_request_is_retried_on_5xx_with_the_policy() -> None:
    responses.post(TOKEN_URL, status=503)
    responses.post(TOKEN_URL, status=201, json=token_answer("tok-1"))
    responses.get(FIELDS, json={"ticket_fields": []})
    fake_time = FakeTime()
    oauth_client(fake_time, backoff_initial=2.0).get_json("/api/v2/ticket_fields.json")
    assert fake_time.sleeps == [2.0]
    assert [c.request.method for c in responses.calls] == ["POST", "POST", "GET"]


@responses.activate
def test_a_token_endpoint_that_stays_down_is_not_retried_again_by_the_request() -> None:
    responses.post(TOKEN_URL, status=502)
    with pytest.raises(TokenUnavailable) as info:
        oauth_client(FakeTime(), max_attempts=3).get_json("/api/v2/ticket_fields.json")
    # Three token attempts, not three for each of the request's own three attempts.
    assert [c.request.method for c in responses.calls] == ["POST"] * 3
    assert "could not get an OAuth access token" in str(info.value) and "502" in str(info.value)


@responses.activate
def test_an_answer_without_an_access_token_is_a_bad_response() -> None:
    responses.post(TOKEN_URL, status=201, json={"token_type": "bearer"})
    with pytest.raises(BadResponse, match="without an access token"):
        ZendeskClient(ZendeskConfig.from_env(CLIENT), policy=RetryPolicy(max_attempts=1)).get_json("/api/v2/ticket_fields.json")


# -- static credentials: a 401 says what to do ------------------------------------------------------


@responses.activate
def test_a_401_under_an_api_token_points_to_the_oauth_client_set_up() -> None:
    responses.get(FIELDS, status=401, json={"error": "Couldn't authenticate you"})
    client = oauth_client(FakeTime(), {"ZENDESK_SUBDOMAIN": "acme", **API})
    with pytest.raises(AuthenticationError) as info:
        client.get_json("/api/v2/ticket_fields.json")
    message = str(info.value)
    assert "API tokens are being retired" in message and "2027-04-30" in message
    assert "Create an OAuth client and set ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET" in message
    assert len(responses.calls) == 1 and "api-tok-1" not in message
    assert base64.b64encode(b"bot@acme.test/token:api-tok-1").decode() not in message


@responses.activate
def test_a_401_under_a_hand_made_token_says_such_tokens_expire() -> None:
    responses.get(FIELDS, status=401, json={"error": "invalid_token"})
    client = oauth_client(FakeTime(), {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_TOKEN": "hand-made"})
    with pytest.raises(AuthenticationError, match="tokens made by hand expire"):
        client.get_json("/api/v2/ticket_fields.json")
    assert len(responses.calls) == 1


def test_the_deprecation_warning_is_logged_once_per_client(caplog) -> None:
    caplog.set_level(logging.INFO, logger="ticket_archive")
    config = ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", **API})
    client = ZendeskClient(config)
    assert isinstance(client.auth, StaticToken)
    warnings = [r for r in caplog.records if "retiring API tokens" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING


# -- the token source on its own: one fetch for many threads -------------------------------------------


class SlowTokenEndpoint:
    """Our own token fetcher interface, answering after a pause, counting calls."""

    def __init__(self, pause: float = 0.05, expires_in: int = 600) -> None:
        self.calls = 0
        self.pause = pause
        self.expires_in = expires_in
        self.lock = threading.Lock()

    def __call__(self, body: dict[str, str]) -> dict:
        with self.lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.pause)
        return token_answer(f"tok-{n}", self.expires_in)


def run_threads(n: int, target) -> list:
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def work(i: int) -> None:
        barrier.wait()
        results[i] = target()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_threads_share_one_token_fetch() -> None:
    endpoint = SlowTokenEndpoint()
    source = ClientCredentialsToken(ClientCredentials("c", SECRET), endpoint)
    headers = run_threads(8, lambda: source.credential().header)
    assert endpoint.calls == 1 and set(headers) == {"Bearer tok-1"}


def test_a_token_refused_on_eight_threads_is_renewed_once() -> None:
    endpoint = SlowTokenEndpoint()
    source = ClientCredentialsToken(ClientCredentials("c", SECRET), endpoint)
    stale = source.credential()
    retry = run_threads(8, lambda: source.refused(stale) and source.credential().header)
    assert endpoint.calls == 2 and set(retry) == {"Bearer tok-2"}
    assert source.refusals == 1
    # A late 401 for the old token does not throw away the new one.
    assert source.refused(stale) and source.credential().header == "Bearer tok-2" and endpoint.calls == 2
