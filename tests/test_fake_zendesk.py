"""Tests of the fake Zendesk itself: the API shapes clients rely on, faults, and the dataset's ground truth."""

from __future__ import annotations

import json
import re
import time
from typing import Any, Iterator

import pytest
import requests

from exporter.fake import ARCHIVED_STATUSES, FakeZendesk, build_dataset, encode_cursor
from exporter.fake.catalog import load_catalog, parse_scenario

INCREMENTAL = "/api/v2/incremental/tickets/cursor.json"
INCLUDE = "users,organizations,metric_sets"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeZendesk]:
    """Read-only tests share one server; tests that mutate or inject faults use `fresh`."""
    with FakeZendesk(tickets=40, seed=7, big_log=False) as server:
        yield server


@pytest.fixture
def fresh() -> Iterator[FakeZendesk]:
    with FakeZendesk(tickets=20, seed=11, big_log=False) as server:
        yield server


def session(server: FakeZendesk) -> requests.Session:
    s = requests.Session()
    s.auth = (f"{server.email}/token", server.api_token or "")
    return s


def export(server: FakeZendesk, *, per_page: int = 7, cursor: str | None = None) -> tuple[list[list[dict]], str]:
    """Every page of the incremental export from the start (or `cursor`); returns pages and the final cursor."""
    s = session(server)
    params: dict[str, Any] = {"include": INCLUDE, "per_page": per_page}
    params.update({"cursor": cursor} if cursor else {"start_time": 0})
    pages: list[list[dict]] = []
    while True:
        response = s.get(server.base_url + INCREMENTAL, params=params, timeout=5)
        assert response.status_code == 200, response.text
        data = response.json()
        pages.append(data["tickets"])
        if data["end_of_stream"]:
            return pages, data["after_cursor"]
        params = {"include": INCLUDE, "per_page": per_page, "cursor": data["after_cursor"]}


# -- incremental export ------------------------------------------------------


def test_export_pages_to_end_of_stream_with_latest_states(fake: FakeZendesk) -> None:
    pages, _ = export(fake)
    assert len(pages) > 3
    seen = [t for page in pages for t in page]
    latest: dict[int, dict] = {}
    for ticket in seen:
        latest[ticket["id"]] = ticket
    assert latest == fake.dataset.tickets
    ids = [t["id"] for t in seen]
    repeated = fake.dataset.repeated_ticket_id
    assert ids.count(repeated) == 2 and len(ids) == len(set(ids)) + 1
    positions = [(n, t) for n, page in enumerate(pages) for t in page if t["id"] == repeated]
    (first_page, older), (last_page, newer) = positions
    assert first_page < last_page
    assert older["status"] == "solved" and newer["status"] == "closed"
    assert older["updated_at"] < newer["updated_at"]
    keys = [(t["generated_timestamp"], t["id"]) for t in seen]
    assert keys == sorted(keys)


def test_export_response_shape_and_sideloads(fake: FakeZendesk) -> None:
    s = session(fake)
    data = s.get(fake.base_url + INCREMENTAL, params={"start_time": 0, "per_page": 5, "include": INCLUDE}).json()
    assert set(data) == {"tickets", "after_cursor", "after_url", "before_cursor", "before_url", "end_of_stream",
                         "users", "organizations", "metric_sets"}
    assert data["after_url"].startswith(fake.base_url + INCREMENTAL + "?cursor=")
    tickets = data["tickets"]
    wanted_users = {u for t in tickets for u in (t["requester_id"], t["submitter_id"], t["assignee_id"],
                                                  *t["collaborator_ids"], *t["follower_ids"]) if u}
    assert {u["id"] for u in data["users"]} == wanted_users
    assert {o["id"] for o in data["organizations"]} == {t["organization_id"] for t in tickets}
    assert {m["ticket_id"] for m in data["metric_sets"]} == {t["id"] for t in tickets}
    only_users = s.get(fake.base_url + INCREMENTAL, params={"start_time": 0, "per_page": 5, "include": "users"}).json()
    assert "users" in only_users and "organizations" not in only_users and "metric_sets" not in only_users
    bare = s.get(fake.base_url + "/api/v2/incremental/tickets/cursor", params={"start_time": 0, "per_page": 5}).json()
    assert "users" not in bare and "count" not in bare and "end_time" not in bare


def test_final_cursor_returns_nothing_and_the_same_cursor(fake: FakeZendesk) -> None:
    _, final = export(fake, per_page=1000)
    s = session(fake)
    for _ in range(2):
        data = s.get(fake.base_url + INCREMENTAL, params={"cursor": final, "include": INCLUDE}).json()
        assert data["tickets"] == [] and data["end_of_stream"] is True and data["after_cursor"] == final


def test_changes_after_the_final_cursor_are_exported_next_time(fresh: FakeZendesk) -> None:
    _, final = export(fresh)
    ds = fresh.dataset
    open_id = next(tid for tid, t in ds.tickets.items() if t["status"] == "open")
    solved_id, commented_id = sorted(ds.expected_archived_ids())[:2]
    fresh.solve(open_id)
    fresh.reopen(solved_id)
    before = ds.public_comment_count(commented_id)
    fresh.add_comment(commented_id, "Follow-up from the agent.")
    new_id = fresh.add_ticket(subject="searcher timeouts on 5.1.2", status="solved")
    pages, newer = export(fresh, cursor=final)
    assert [t["id"] for page in pages for t in page] == [open_id, solved_id, commented_id, new_id]
    assert newer != final
    # An agent's comment leaves a solved ticket solved; the new ticket starts with the requester's.
    assert commented_id in ds.expected_archived_ids() and ds.public_comment_count(commented_id) == before + 1
    assert new_id in ds.expected_archived_ids() and ds.public_comment_count(new_id) == 1
    assert ds.created_at(new_id) > ds.created_at(commented_id)
    # Like Zendesk, a customer's reply reopens a solved ticket but never a closed one.
    solved = next(tid for tid in sorted(ds.expected_archived_ids()) if ds.tickets[tid]["status"] == "solved")
    closed = next(tid for tid in sorted(ds.expected_archived_ids()) if ds.tickets[tid]["status"] == "closed")
    for tid in (solved, closed):
        fresh.add_comment(tid, "It broke again.", author_id=ds.tickets[tid]["requester_id"])
    assert ds.tickets[solved]["status"] == "open" and ds.solved_at(solved) is None
    assert ds.tickets[closed]["status"] == "closed"
    assert open_id in fresh.dataset.expected_archived_ids() and solved_id not in fresh.dataset.expected_archived_ids()
    assert fresh.dataset.solved_at(open_id) is not None and fresh.dataset.solved_at(solved_id) is None


def test_deleted_ticket_is_in_the_stream_and_its_comments_are_gone(fake: FakeZendesk) -> None:
    deleted = fake.dataset.deleted_ticket_id
    pages, _ = export(fake, per_page=1000)
    assert [t["status"] for t in pages[0] if t["id"] == deleted] == ["deleted"]
    s = session(fake)
    response = s.get(f"{fake.base_url}/api/v2/tickets/{deleted}/comments.json")
    assert response.status_code == 404
    assert response.json() == {"error": "RecordNotFound", "description": "Not found"}
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert s.get(f"{fake.base_url}/api/v2/tickets/{deleted}.json").status_code == 404
    assert s.get(f"{fake.base_url}/api/v2/tickets/999999/comments.json").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor!"},
        {"cursor": encode_cursor("tickets", (1, 1))[:-6] + "AAAA"},
        {"cursor": encode_cursor("comments:1001", (1, 1))},
        {"start_time": str(int(time.time()) + 3600)},
        {"start_time": "yesterday"},
        {},
    ],
)
def test_bad_export_parameters_are_400(fake: FakeZendesk, params: dict) -> None:
    response = session(fake).get(fake.base_url + INCREMENTAL, params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["description"]
    if "cursor" in params:
        assert body["error"] == "InvalidCursor"


# -- other endpoints -----------------------------------------------------------


def test_comments_paginate_in_order(fake: FakeZendesk) -> None:
    ds = fake.dataset
    ticket_id = max(ds.comments, key=lambda t: len(ds.comments[t]) if t != ds.deleted_ticket_id else 0)
    expected = fake.dataset.comments[ticket_id]
    assert len(expected) > 4
    s = session(fake)
    url: str | None = f"{fake.base_url}/api/v2/tickets/{ticket_id}/comments.json"
    params: dict | None = {"page[size]": 2, "include": "users"}
    got, pages = [], 0
    while url:
        data = s.get(url, params=params).json()
        pages += 1
        got.extend(data["comments"])
        assert {u["id"] for u in data["users"]} == {c["author_id"] for c in data["comments"]}
        assert data["links"]["next"].startswith(fake.base_url)
        url, params = (data["links"]["next"], None) if data["meta"]["has_more"] else (None, None)
    assert got == expected and pages == (len(expected) + 1) // 2
    stamps = [c["created_at"] for c in got]
    assert stamps == sorted(stamps)
    first = got[0]
    assert first["type"] == "Comment" and first["body"] == fake.dataset.tickets[ticket_id]["description"]
    shape = {"id", "author_id", "body", "html_body", "plain_body", "public", "created_at", "attachments", "via"}
    assert shape <= set(first)
    assert any(not c["public"] for c in got)


def test_ticket_show_many_fields_and_search(fake: FakeZendesk) -> None:
    s = session(fake)
    ids = sorted(fake.dataset.tickets)[:3]
    one = s.get(f"{fake.base_url}/api/v2/tickets/{ids[0]}", params={"include": "metric_sets"}).json()
    assert one["ticket"]["id"] == ids[0] and one["metric_sets"][0]["ticket_id"] == ids[0]
    many = s.get(f"{fake.base_url}/api/v2/tickets/show_many.json", params={"ids": ",".join(map(str, ids))}).json()
    assert [t["id"] for t in many["tickets"]] == ids

    fields = s.get(f"{fake.base_url}/api/v2/ticket_fields.json").json()["ticket_fields"]
    titles = {f["title"] for f in fields}
    assert {"Product version", "Deployment type", "Product area"} <= titles
    paged = s.get(f"{fake.base_url}/api/v2/ticket_fields.json", params={"page[size]": 100}).json()
    assert paged["meta"]["has_more"] is False and len(paged["ticket_fields"]) == len(fields)

    query = "type:ticket status>=solved solved>=2022-01-01 solved<=2023-12-31"
    params: dict | None = {"query": query, "filter[type]": "ticket", "page[size]": 4}
    url: str | None = f"{fake.base_url}/api/v2/search/export.json"
    found: list[dict] = []
    while url:
        data = s.get(url, params=params).json()
        found.extend(data["results"])
        url, params = (data["links"]["next"], None) if data["meta"]["has_more"] else (None, None)
    expected = {
        tid for tid in fake.dataset.expected_archived_ids()
        if "2022-01-01" <= fake.dataset.solved_at(tid).strftime("%Y-%m-%d") <= "2023-12-31"
    }
    assert {r["id"] for r in found} == expected and expected
    assert {r["result_type"] for r in found} == {"ticket"}
    assert s.get(f"{fake.base_url}/api/v2/search/export.json", params={"query": "x"}).status_code == 400


def test_unknown_path_is_json_404(fake: FakeZendesk) -> None:
    response = session(fake).get(f"{fake.base_url}/api/v2/macros.json")
    assert response.status_code == 404 and response.json()["error"] == "InvalidEndpoint"


# -- auth, faults, rate limits ------------------------------------------------------


def test_bad_credentials_are_401(fake: FakeZendesk) -> None:
    wrong = requests.get(fake.base_url + INCREMENTAL, params={"start_time": 0}, auth=(f"{fake.email}/token", "nope"))
    assert wrong.status_code == 401 and wrong.json() == {"error": "Couldn't authenticate you"}
    # The token must come as "{email}/token"; the bare email is password auth, which Zendesk refuses.
    password_style = requests.get(
        fake.base_url + INCREMENTAL, params={"start_time": 0}, auth=(fake.email, fake.api_token or "")
    )
    assert password_style.status_code == 401
    assert requests.get(fake.base_url + INCREMENTAL, params={"start_time": 0}).status_code == 401


def test_oauth_bearer_token() -> None:
    with FakeZendesk(tickets=5, big_log=False, api_token=None, oauth_token="oauth-123") as server:
        url = server.base_url + "/api/v2/users/me.json"
        assert requests.get(url, headers={"Authorization": "Bearer oauth-123"}).status_code == 200
        assert requests.get(url, headers={"Authorization": "Bearer other"}).status_code == 401


def test_fail_next_429_with_and_without_retry_after(fresh: FakeZendesk) -> None:
    s = session(fresh)
    url = fresh.base_url + "/api/v2/ticket_fields.json"
    fresh.fail_next(1, status=429, retry_after=3)
    fresh.fail_next(1, status=429, retry_after=None, path="ticket_fields")
    first, second, third = (s.get(url) for _ in range(3))
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    assert first.json()["error"] == "APIRateLimitExceeded"
    assert second.status_code == 429 and "Retry-After" not in second.headers
    assert third.status_code == 200
    assert "X-Rate-Limit" in third.headers and "X-Rate-Limit-Remaining" in third.headers
    assert [r.status for r in fresh.requests] == [429, 429, 200]
    # Both requests after the first 429 came before its Retry-After expired.
    assert fresh.early_requests == 2


def test_early_requests_count_only_before_retry_after_expires(fresh: FakeZendesk) -> None:
    s = session(fresh)
    url = fresh.base_url + "/api/v2/users/me.json"
    fresh.fail_next(1, status=429, retry_after=1)
    assert s.get(url).status_code == 429
    assert s.get(url).status_code == 200
    assert fresh.early_requests == 1
    time.sleep(1.05)
    assert s.get(url).status_code == 200
    assert fresh.early_requests == 1


def test_path_filter_and_connection_faults(fresh: FakeZendesk) -> None:
    s = session(fresh)
    me = fresh.base_url + "/api/v2/users/me.json"
    fresh.fail_next(1, status=503, path="/comments")
    fresh.fail_next(1, status=503, retry_after=2, path="/comments")
    assert s.get(me).status_code == 200
    comments = fresh.base_url + "/api/v2/tickets/1001/comments.json"
    plain, with_header = s.get(comments), s.get(comments)
    assert plain.status_code == 503 and "Retry-After" not in plain.headers
    assert with_header.status_code == 503 and with_header.headers["Retry-After"] == "2"

    fresh.fail_next(1, kind="reset")
    with pytest.raises(requests.ConnectionError):
        s.get(me)
    fresh.fail_next(1, kind="timeout", delay=0.5)
    with pytest.raises(requests.ReadTimeout):
        s.get(me, timeout=0.1)
    fresh.fail_next(1, kind="truncated")
    cut = s.get(me)
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()
    assert s.get(me).json()["user"]["email"] == fresh.email


def test_sliding_window_rate_limit(fresh: FakeZendesk) -> None:
    fresh.rate_limit_per_minute = 3
    s = session(fresh)
    url = fresh.base_url + "/api/v2/users/me.json"
    statuses = [s.get(url) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[2].headers["X-Rate-Limit-Remaining"] == "0"
    retry_after = statuses[3].headers["Retry-After"]
    assert re.fullmatch(r"\d+", retry_after) and 1 <= int(retry_after) <= 60
    fresh.reset_faults()
    assert s.get(url).status_code == 200


def test_incremental_limit_only_when_set(fresh: FakeZendesk) -> None:
    s = session(fresh)
    params = {"start_time": 0, "per_page": 1}
    assert all(s.get(fresh.base_url + INCREMENTAL, params=params).status_code == 200 for _ in range(12))
    fresh.incremental_limit_per_minute = 10
    fresh.reset_faults()
    codes = [s.get(fresh.base_url + INCREMENTAL, params=params).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]
    assert s.get(fresh.base_url + "/api/v2/users/me.json").status_code == 200


def test_error_rate_is_seeded(fresh: FakeZendesk) -> None:
    fresh.error_rate = 0.5
    s = session(fresh)
    codes = [s.get(fresh.base_url + "/api/v2/users/me.json").status_code for _ in range(20)]
    assert set(codes) - {200} <= {500, 502, 503} and 200 in codes and len(set(codes)) > 1


# -- the dataset -------------------------------------------------------------------


def test_dataset_is_deterministic_per_seed() -> None:
    a, b = build_dataset(30, seed=3), build_dataset(30, seed=3)
    assert a.dumps() == b.dumps()
    assert build_dataset(30, seed=4, big_log=False).dumps() != build_dataset(30, seed=3, big_log=False).dumps()
    big = a.comments[a.big_log_ticket_id]
    assert max(len(c["body"]) for c in big) > 1_900_000


def test_dataset_features(fake: FakeZendesk) -> None:
    ds = fake.dataset
    statuses = {t["status"] for t in ds.tickets.values()}
    assert {"new", "open", "pending", "hold", "solved", "closed", "deleted"} <= statuses
    archived = ds.expected_archived_ids()
    assert 0.6 <= len(archived) / len(ds.tickets) <= 0.8
    assert archived == {tid for tid, t in ds.tickets.items() if t["status"] in ARCHIVED_STATUSES}
    subjects = {ds.tickets[tid]["subject"] for tid in ds.yaml_trap_ticket_ids}
    assert {"---", "yes", "null", "1e3"} <= subjects and subjects <= set(load_catalog().shapes.trap_subjects)
    assert set(ds.yaml_trap_ticket_ids) <= archived
    assert {u["role"] for u in ds.users.values()} == {"end-user", "agent", "admin"}
    account = load_catalog().account
    assert len(ds.organizations) == 8 + 1 + len(account.organizations)
    assert any(t["collaborator_ids"] for t in ds.tickets.values())
    notes = [c for cs in ds.comments.values() for c in cs if not c["public"]]
    assert any(c["body"].startswith("Resolution:") for c in notes)
    for tid in ds.metric_sets:
        assert (ds.solved_at(tid) is None) == (ds.tickets[tid]["status"] not in (*ARCHIVED_STATUSES, "deleted"))
    years = {t["created_at"][:4] for t in ds.tickets.values()}
    assert years <= {"2021", "2022", "2023", "2024"} and len(years) >= 3


def test_planted_values_occur_in_the_raw_data(fake: FakeZendesk) -> None:
    ds = fake.dataset
    raw = json.dumps(ds.to_json(), ensure_ascii=False)
    planted = ds.planted_sensitive()
    assert planted == sorted(set(planted))
    missing = [value for value in planted if value not in raw]
    assert missing == []
    kinds = ds.planted_by_kind()
    for kind in ("person_name", "email", "phone", "organization", "org_tag", "hostname", "ip", "token",
                 "password", "connection_string", "license_key", "attachment_token"):
        assert kinds.get(kind), kind
    tokens = kinds["token"]
    assert any(re.fullmatch(r"sgp_[0-9a-f]{40}", t) for t in tokens)
    assert any(re.fullmatch(r"sgp_[0-9a-f]{16}_[0-9a-f]{40}", t) for t in tokens)
    assert any(re.fullmatch(r"ghp_[A-Za-z0-9]{36}", t) for t in tokens)
    assert any(re.fullmatch(r"AKIA[A-Z2-7]{16}", t) for t in tokens)
    assert all(c.startswith("postgres://sg:") for c in kinds["connection_string"])
    # Sensitive values are spread over the places a redactor must look.
    tickets = ds.tickets.values()
    assert any(v in t["subject"] for t in tickets for v in kinds["organization"] + kinds["hostname"])
    assert any(v in t["tags"] for t in tickets for v in kinds["org_tag"])
    assert any(v in str(cf["value"]) for t in tickets for cf in t["custom_fields"] for v in kinds["hostname"])
    attachments = [a for cs in ds.comments.values() for c in cs for a in c["attachments"]]
    assert any("?token=" in a["content_url"] for a in attachments)
    assert any(v in a["file_name"] for a in attachments for v in kinds["hostname"] + kinds["org_label"])
    # Agents are vendor staff, not customer data.
    agents = [u["name"] for u in ds.users.values() if u["role"] != "end-user"]
    assert not set(agents) & set(planted)


# -- the data files ------------------------------------------------------------


def test_every_scenario_reaches_the_archivable_tickets() -> None:
    """Each scenario file becomes solved tickets with its own words, ticket type and product area."""
    catalog = load_catalog()
    ds = build_dataset(60, seed=7, big_log=False)
    archived = [ds.tickets[tid] for tid in sorted(ds.expected_archived_ids())]
    for scenario in catalog.scenarios:
        mine = [t for t in archived if scenario.service in t["tags"] and scenario.area in t["tags"]]
        assert mine, scenario.key
        assert {t["type"] for t in mine} == {scenario.type}, scenario.key
        fix_opening = scenario.fix.split("\n")[0][:40]
        assert "$" not in fix_opening and any(
            fix_opening in c["body"] for t in mine for c in ds.comments[t["id"]]
        ), scenario.key


SCENARIO = """---
service: gitserver
area: repository_sync
type: incident
subjects: [gitserver down on $version]
---

## opening

It broke:

```
## not a heading inside a fence
```

## ask

Logs please.

## details

Here.

## note

Fixed.

## fix

Do this.

## hold

Waiting.
"""


def test_scenario_file_sections_and_fences() -> None:
    scenario = parse_scenario("07-gitserver-down.md", SCENARIO)
    assert scenario.key == "gitserver-down" and scenario.subjects == ("gitserver down on $version",)
    assert scenario.opening == "It broke:\n\n```\n## not a heading inside a fence\n```"
    assert (scenario.ask, scenario.hold, scenario.attachments) == ("Logs please.", "Waiting.", ())


@pytest.mark.parametrize(
    "change, message",
    [
        (("area: repository_sync\n", "area: repository_sync\nchanel: voice\n"), r"unknown keys \['chanel'\]"),
        (("type: incident\n", ""), r"missing keys \['type'\]"),
        (("subjects: [gitserver down on $version]", "subjects: gitserver down"), "subjects: expected a list"),
        (("## hold", "## onhold"), "unexpected or repeated section ## onhold"),
        (("## ask\n", "## ask\n\nLogs.\n\n## ask\n"), "repeated section ## ask"),
        (("\n## opening", "Stray text.\n\n## opening"), "text before the first ## section"),
    ],
)
def test_scenario_file_mistakes_are_errors_that_name_the_file(change: tuple[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_scenario("07-gitserver-down.md", SCENARIO.replace(*change, 1))
    assert "07-gitserver-down.md" in str(caught.value)


def test_env_is_the_settings_that_reach_the_fake(fake: FakeZendesk) -> None:
    from exporter.config import ZendeskConfig

    config = ZendeskConfig.from_env(fake.env())
    assert config.base_url == fake.base_url and config.agent_url == "https://example.zendesk.com"
    s = requests.Session()
    s.headers["Authorization"] = config.authorization
    assert s.get(f"{config.base_url}/api/v2/users/me.json", timeout=5).json()["user"]["email"] == fake.email
    with FakeZendesk(tickets=2, big_log=False, api_token=None, oauth_token="oauth-123") as server:
        assert ZendeskConfig.from_env(server.env()).authorization == "Bearer oauth-123"


# -- the account's corners: shapes of real accounts ------------------------------------


def test_the_account_corners_come_after_the_generated_tickets_and_leave_them_alone() -> None:
    plain, corners = build_dataset(12, seed=3, big_log=False), load_catalog().account
    assert sorted(plain.account_tickets.values()) == list(range(1013, 1013 + len(corners.tickets)))
    # The corners have a random stream of their own: more generated tickets do not change them.
    more = build_dataset(13, seed=3, big_log=False)
    sample, sample13 = plain.account_tickets["sample"], more.account_tickets["sample"]
    assert plain.tickets[sample]["created_at"] == more.tickets[sample13]["created_at"]


def test_real_account_shapes(fake: FakeZendesk) -> None:
    ds, s = fake.dataset, session(fake)
    corner = ds.account_tickets
    users = ds.users
    sample = ds.tickets[corner["sample"]]
    assert sample["via"]["channel"] == "sample_ticket" and users[sample["requester_id"]]["name"] == "The Customer"
    assert sample["custom_fields"] == [] and sample["custom_status_id"]
    owner = users[ds.tickets[corner["owner_request"]]["requester_id"]]
    assert owner["role"] == "admin" and ds.organizations[owner["organization_id"]]["name"] in owner["name"]
    caller = users[ds.tickets[corner["voicemail"]]["requester_id"]]
    assert caller["email"] is None and caller["phone"] and caller["name"].startswith("Caller +1 (")
    assert users[ds.tickets[corner["facebook"]]["requester_id"]]["email"] is None
    kinds = {c["type"] for cs in ds.comments.values() for c in cs}
    assert kinds == {"Comment", "VoiceComment", "TpeVoiceComment"}
    voice = ds.comments[corner["voicemail"]][0]
    assert not voice["public"] and "plain_body" not in voice and "\\n" in voice["body"]
    assert voice["data"]["recording_url"] in voice["html_body"]
    assert ds.tickets[corner["voicemail"]]["description"] == voice["body"]
    partner = ds.comments[corner["partner_call"]][0]
    assert "html_body" not in partner and partner["plain_body"] != partner["body"]
    # Zendesk pads plain_body's line breaks; the generated comments have it too.
    generated = [c for t, cs in ds.comments.items() if t not in corner.values() for c in cs]
    assert sum(" \n\n " in c["plain_body"] for c in generated) > len(generated) // 2
    assert "solved_at" not in ds.metric_sets[corner["sample"]]
    assert ds.metric_sets[corner["voicemail"]]["solved_at"] is None
    assert ds.solved_at(corner["sample"]) is not None and ds.solved_at(corner["voicemail"]) is not None

    # Side-loads have gaps; the show endpoints fill them.
    data = s.get(f"{fake.base_url}/api/v2/tickets/show_many.json",
                 params={"ids": ",".join(map(str, corner.values())), "include": INCLUDE}).json()
    assert ds.hidden_users and not ds.hidden_users & {u["id"] for u in data["users"]}
    assert not ds.hidden_organizations & {o["id"] for o in data["organizations"]}
    assert not ds.hidden_metric_sets & {m["ticket_id"] for m in data["metric_sets"]}
    hidden = ",".join(map(str, sorted(ds.hidden_users)))
    assert {u["id"] for u in s.get(f"{fake.base_url}/api/v2/users/show_many.json", params={"ids": hidden}).json()["users"]} == ds.hidden_users
    orgs = ",".join(map(str, sorted(ds.hidden_organizations)))
    shown = s.get(f"{fake.base_url}/api/v2/organizations/show_many.json", params={"ids": orgs}).json()["organizations"]
    assert {o["id"] for o in shown} == ds.hidden_organizations
    (hidden_metric,) = ds.hidden_metric_sets
    metric = s.get(f"{fake.base_url}/api/v2/tickets/{hidden_metric}/metrics.json").json()["ticket_metric"]
    assert metric["ticket_id"] == hidden_metric and metric["solved_at"]


def test_a_tickets_audits_hold_the_solve_its_metric_set_lacks(fake: FakeZendesk) -> None:
    ds, s = fake.dataset, session(fake)
    ticket_id = fake.dataset.account_tickets["sample"]
    url: str | None = f"{fake.base_url}/api/v2/tickets/{ticket_id}/audits.json"
    params: dict | None = {"page[size]": 2}
    audits: list[dict] = []
    while url:
        data = s.get(url, params=params).json()
        audits.extend(data["audits"])
        url, params = (data["links"]["next"], None) if data["meta"]["has_more"] else (None, None)
    assert [a["created_at"] for a in audits] == sorted(a["created_at"] for a in audits)
    solves = [a["created_at"] for a in audits for e in a["events"] if e.get("field_name") == "status" and e["value"] == "solved"]
    assert solves == [ds.solved_at(ticket_id).strftime("%Y-%m-%dT%H:%M:%SZ")]
    comments = [e for a in audits for e in a["events"] if e.get("type") == "Comment"]
    assert [c["id"] for c in comments] == [c["id"] for c in ds.comments[ticket_id]]
    assert s.get(f"{fake.base_url}/api/v2/tickets/{ds.deleted_ticket_id}/audits.json").status_code == 404
