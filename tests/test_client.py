"""Unit tests of the Zendesk HTTP client, with `responses` standing in for Zendesk."""

from __future__ import annotations

import base64
import logging

import pytest
import requests
import responses
from responses import matchers

from tests.support import FakeTime
from exporter.client import RetryPolicy, ZendeskClient, parse_retry_after
from exporter.config import ZendeskConfig
from exporter.solved import find_solved_at
from exporter.errors import (
    AuthenticationError,
    BadResponse,
    ConfigError,
    InvalidCursor,
    NotFound,
    ZendeskServerError,
    ZendeskUnreachable,
)

BASE = "https://acme.zendesk.com"
TOKEN = "s3cr3t-api-token-value"
EXPORT = f"{BASE}/api/v2/incremental/tickets/cursor.json"


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def make_client(fake_time: FakeTime, **policy: float) -> ZendeskClient:
    config = ZendeskConfig.from_env(
        {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "agent@acme.test", "ZENDESK_API_TOKEN": TOKEN}
    )
    return ZendeskClient(
        config,
        policy=RetryPolicy(**{"max_attempts": 5, "jitter": 0.0, **policy}),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )


# -- configuration ---------------------------------------------------------------


def test_basic_auth_uses_email_slash_token() -> None:
    config = ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@b.c", "ZENDESK_API_TOKEN": "t"})
    assert config.base_url == BASE
    assert config.authorization == "Basic " + base64.b64encode(b"a@b.c/token:t").decode()
    assert "token" not in repr(config).lower().replace("zendeskconfig", "")


def test_oauth_token_is_bearer_and_base_url_overrides() -> None:
    config = ZendeskConfig.from_env(
        {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_TOKEN": "oauth1", "ZENDESK_BASE_URL": "http://127.0.0.1:9/"}
    )
    assert config.authorization == "Bearer oauth1"
    assert config.base_url == "http://127.0.0.1:9"
    assert config.agent_url == BASE


@pytest.mark.parametrize(
    "env, says",
    [
        ({}, "ZENDESK_SUBDOMAIN"),
        ({"ZENDESK_SUBDOMAIN": "acme"}, "ZENDESK_EMAIL and ZENDESK_API_TOKEN"),
        ({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@b.c"}, "set ZENDESK_API_TOKEN"),
        ({"ZENDESK_SUBDOMAIN": "acme.zendesk.com", "ZENDESK_OAUTH_TOKEN": "x"}, "account name only"),
        ({"ZENDESK_BASE_URL": "ftp://x", "ZENDESK_OAUTH_TOKEN": "x"}, "http(s) URL"),
    ],
)
def test_missing_or_invalid_configuration_says_what_to_set(env: dict, says: str) -> None:
    with pytest.raises(ConfigError, match=None) as info:
        ZendeskConfig.from_env(env)
    assert says in str(info.value)


# -- pagination ------------------------------------------------------------------


@responses.activate
def test_cursor_export_follows_after_cursor_until_end_of_stream(fake_time: FakeTime) -> None:
    responses.get(
        EXPORT,
        match=[matchers.query_param_matcher({"include": "users,organizations,metric_sets", "per_page": "1000", "start_time": "0"})],
        json={"tickets": [{"id": 1}], "users": [{"id": 7}], "after_cursor": "c1", "end_of_stream": False},
    )
    responses.get(
        EXPORT,
        match=[matchers.query_param_matcher({"include": "users,organizations,metric_sets", "per_page": "1000", "cursor": "c1"})],
        json={"tickets": [{"id": 2}], "after_cursor": "c2", "end_of_stream": True},
    )
    pages = list(make_client(fake_time).iter_ticket_export())
    assert [[t["id"] for t in p.tickets] for p in pages] == [[1], [2]]
    assert pages[0].users == [{"id": 7}]
    assert [p.after_cursor for p in pages] == ["c1", "c2"]
    assert pages[-1].end_of_stream


@responses.activate
def test_export_resumes_from_saved_cursor(fake_time: FakeTime) -> None:
    responses.get(
        EXPORT,
        match=[matchers.query_param_matcher({"include": "users,organizations,metric_sets", "per_page": "1000", "cursor": "saved"})],
        json={"tickets": [], "after_cursor": "saved", "end_of_stream": True},
    )
    pages = list(make_client(fake_time).iter_ticket_export(cursor="saved"))
    assert len(pages) == 1 and pages[0].after_cursor == "saved"


@responses.activate
def test_comments_follow_links_next_while_has_more(fake_time: FakeTime) -> None:
    url = f"{BASE}/api/v2/tickets/5/comments.json"
    responses.get(
        url,
        match=[matchers.query_param_matcher({"page[size]": "100", "include": "users"})],
        json={
            "comments": [{"id": 1}, {"id": 2}],
            "users": [{"id": 9}],
            "meta": {"has_more": True, "after_cursor": "a"},
            "links": {"next": f"{url}?page[size]=100&page[after]=a&include=users"},
        },
    )
    responses.get(
        url,
        match=[matchers.query_param_matcher({"page[size]": "100", "page[after]": "a", "include": "users"})],
        json={"comments": [{"id": 3}], "meta": {"has_more": False}, "links": {"next": None}},
    )
    comments, users = make_client(fake_time).fetch_comments(5)
    assert [c["id"] for c in comments] == [1, 2, 3]
    assert users == [{"id": 9}]


@responses.activate
def test_offset_pagination_follows_next_page(fake_time: FakeTime) -> None:
    url = f"{BASE}/api/v2/ticket_fields.json"
    responses.get(url, match=[matchers.query_param_matcher({"page[size]": "100"})],
                  json={"ticket_fields": [{"id": 1, "title": "Version"}], "next_page": f"{url}?page=2"})
    responses.get(url, match=[matchers.query_param_matcher({"page": "2"})],
                  json={"ticket_fields": [{"id": 2, "title": "Deployment"}], "next_page": None})
    assert make_client(fake_time).ticket_field_titles() == {1: "Version", 2: "Deployment"}


@responses.activate
def test_deleted_ticket_comments_raise_not_found(fake_time: FakeTime) -> None:
    responses.get(f"{BASE}/api/v2/tickets/5/comments.json", status=404, json={"error": "RecordNotFound"})
    with pytest.raises(NotFound):
        make_client(fake_time).fetch_comments(5)
    assert len(responses.calls) == 1


# -- retries -----------------------------------------------------------------------


@responses.activate
def test_429_waits_exactly_retry_after_then_succeeds(fake_time: FakeTime) -> None:
    responses.get(EXPORT, status=429, headers={"Retry-After": "7"})
    responses.get(EXPORT, status=429, headers={"Retry-After": "3"})
    responses.get(EXPORT, json={"tickets": [], "end_of_stream": True})
    client = make_client(fake_time)
    list(client.iter_ticket_export())
    assert fake_time.sleeps == [7.0, 3.0]
    assert client.stats.rate_limited == 2 and client.stats.retries == 2


@responses.activate
def test_429_without_retry_after_waits_the_default(fake_time: FakeTime) -> None:
    responses.get(EXPORT, status=429)
    responses.get(EXPORT, json={"tickets": [], "end_of_stream": True})
    list(make_client(fake_time, default_retry_after=45.0).iter_ticket_export())
    assert fake_time.sleeps == [45.0]


@responses.activate
def test_no_request_is_sent_before_retry_after_expires(fake_time: FakeTime) -> None:
    sent_at: list[float] = []

    def record(request: requests.PreparedRequest):
        sent_at.append(fake_time.now)
        if len(sent_at) == 1:
            return (429, {"Retry-After": "30"}, "{}")
        return (200, {}, '{"tickets": [], "end_of_stream": true}')

    responses.add_callback(responses.GET, EXPORT, callback=record)
    list(make_client(fake_time).iter_ticket_export())
    assert sent_at[1] - sent_at[0] >= 30


@responses.activate
def test_5xx_backs_off_exponentially_and_is_bounded(fake_time: FakeTime) -> None:
    for _ in range(5):
        responses.get(EXPORT, status=503)
    client = make_client(fake_time, backoff_initial=1.0, backoff_max=5.0)
    with pytest.raises(ZendeskServerError) as info:
        list(client.iter_ticket_export())
    assert info.value.status == 503
    assert fake_time.sleeps == [1.0, 2.0, 4.0, 5.0]
    assert len(responses.calls) == 5


@responses.activate
def test_connection_reset_is_retried_and_translated(fake_time: FakeTime) -> None:
    responses.get(EXPORT, body=requests.ConnectionError("Connection reset by peer"))
    responses.get(EXPORT, json={"tickets": [{"id": 1}], "end_of_stream": True})
    pages = list(make_client(fake_time).iter_ticket_export())
    assert pages[0].tickets == [{"id": 1}]


@responses.activate
def test_unreachable_after_retries_raises_our_error(fake_time: FakeTime) -> None:
    for _ in range(5):
        responses.get(EXPORT, body=requests.ConnectionError("refused"))
    with pytest.raises(ZendeskUnreachable) as info:
        list(make_client(fake_time).iter_ticket_export())
    assert "cannot reach Zendesk" in str(info.value)
    assert info.value.__cause__ is None


@responses.activate
def test_timeout_on_big_page_retries_with_smaller_page(fake_time: FakeTime) -> None:
    seen: list[str] = []

    def answer(request: requests.PreparedRequest):
        size = request.params["per_page"]
        seen.append(size)
        if int(size) > 250:
            raise requests.ReadTimeout("read timed out")
        return (200, {}, '{"tickets": [], "end_of_stream": true}')

    responses.add_callback(responses.GET, EXPORT, callback=answer)
    list(make_client(fake_time).iter_ticket_export())
    assert seen == ["1000", "500", "250"]


@responses.activate
def test_504_also_shrinks_the_page(fake_time: FakeTime) -> None:
    responses.get(EXPORT, status=504)
    responses.get(
        EXPORT,
        match=[matchers.query_param_matcher({"include": "users,organizations,metric_sets", "per_page": "500", "start_time": "0"})],
        json={"tickets": [], "end_of_stream": True},
    )
    list(make_client(fake_time).iter_ticket_export())


@responses.activate
def test_truncated_json_is_retried(fake_time: FakeTime) -> None:
    responses.get(EXPORT, body='{"tickets": [{"id": 1}, {"id"', content_type="application/json")
    responses.get(EXPORT, json={"tickets": [{"id": 1}], "end_of_stream": True})
    assert list(make_client(fake_time).iter_ticket_export())[0].tickets == [{"id": 1}]


@responses.activate
def test_truncated_json_every_time_is_a_clear_error(fake_time: FakeTime) -> None:
    for _ in range(5):
        responses.get(EXPORT, body='{"tick', content_type="application/json")
    with pytest.raises(BadResponse, match="not a JSON object"):
        list(make_client(fake_time).iter_ticket_export())


@pytest.mark.parametrize("status", [401, 403])
@responses.activate
def test_auth_errors_are_not_retried_and_never_show_the_token(fake_time: FakeTime, status: int, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    responses.get(EXPORT, status=status, json={"error": "Couldn't authenticate you"})
    with pytest.raises(AuthenticationError) as info:
        list(make_client(fake_time).iter_ticket_export())
    assert len(responses.calls) == 1 and fake_time.sleeps == []
    assert str(status) in str(info.value)
    basic = base64.b64encode(f"agent@acme.test/token:{TOKEN}".encode()).decode()
    for text in (str(info.value), repr(info.value), caplog.text):
        assert TOKEN not in text and basic not in text


@responses.activate
def test_every_request_carries_auth_and_a_timeout(fake_time: FakeTime) -> None:
    responses.get(EXPORT, json={"tickets": [], "end_of_stream": True})
    client = make_client(fake_time)
    list(client.iter_ticket_export())
    request = responses.calls[0].request
    assert request.headers["Authorization"].startswith("Basic ")
    assert request.req_kwargs["timeout"] == (client.policy.connect_timeout, client.policy.read_timeout)


@responses.activate
def test_refused_cursor_is_invalid_cursor(fake_time: FakeTime) -> None:
    responses.get(EXPORT, status=400, json={"error": "InvalidCursor"})
    with pytest.raises(InvalidCursor):
        list(make_client(fake_time).iter_ticket_export(cursor="stale"))


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412470.0) == 10.0


@responses.activate
def test_verbose_log_shows_requests_with_authorization_masked(fake_time: FakeTime, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="ticket_archive.http")
    responses.get(EXPORT, json={"tickets": [], "end_of_stream": True})
    list(make_client(fake_time).iter_ticket_export())
    assert "GET /api/v2/incremental/tickets/cursor.json" in caplog.text
    assert "Authorization: Basic ****" in caplog.text
    assert TOKEN not in caplog.text
    assert base64.b64encode(f"agent@acme.test/token:{TOKEN}".encode()).decode() not in caplog.text


@responses.activate
def test_lookups_of_what_side_loads_left_out(fake_time: FakeTime) -> None:
    client = make_client(fake_time)
    responses.get(f"{BASE}/api/v2/organizations/show_many.json", match=[matchers.query_param_matcher({"ids": "7,8"})],
                  json={"organizations": [{"id": 7}, {"id": 8}]})
    assert client.show_many_organizations([7, 8]) == [{"id": 7}, {"id": 8}]
    metric = {"ticket_id": 5, "solved_at": "2024-01-02T03:04:05Z"}
    responses.get(f"{BASE}/api/v2/tickets/5/metrics.json", json={"ticket_metric": metric})
    responses.get(f"{BASE}/api/v2/tickets/6/metrics.json", json={"ticket_metric": [metric]})  # the schema's list of one
    responses.get(f"{BASE}/api/v2/tickets/9/metrics.json", json={})
    assert client.ticket_metric(5) == metric and client.ticket_metric(6) == metric and client.ticket_metric(9) == {}
    audits = f"{BASE}/api/v2/tickets/5/audits.json"
    responses.get(audits, match=[matchers.query_param_matcher({"page[size]": "100"})],
                  json={"audits": [{"id": 1}], "meta": {"has_more": True}, "links": {"next": f"{audits}?page[after]=x"}})
    responses.get(audits, match=[matchers.query_param_matcher({"page[after]": "x"})],
                  json={"audits": [{"id": 2}], "meta": {"has_more": False}, "links": {"next": None}})
    assert [a["id"] for a in client.iter_ticket_audits(5)] == [1, 2]


@responses.activate
def test_a_solve_date_comes_from_the_audits_when_the_metrics_have_none_or_answer_404(fake_time: FakeTime) -> None:
    client = make_client(fake_time)
    responses.get(f"{BASE}/api/v2/tickets/5/metrics.json", json={"ticket_metric": {"solved_at": "2024-01-02T03:04:05Z"}})
    responses.get(f"{BASE}/api/v2/tickets/6/metrics.json", status=404, json={"error": "RecordNotFound"})
    solved = {"created_at": "2024-02-03T04:05:06Z", "events": [{"type": "Change", "field_name": "status", "value": "solved"}]}
    responses.get(f"{BASE}/api/v2/tickets/6/audits.json", json={"audits": [solved], "meta": {"has_more": False}, "links": {}})
    responses.get(f"{BASE}/api/v2/tickets/7/metrics.json", status=404, json={"error": "RecordNotFound"})
    responses.get(f"{BASE}/api/v2/tickets/7/audits.json", status=404, json={"error": "RecordNotFound"})
    assert find_solved_at(client, 5).isoformat() == "2024-01-02T03:04:05+00:00"
    assert find_solved_at(client, 6).isoformat() == "2024-02-03T04:05:06+00:00"
    assert find_solved_at(client, 7) is None
