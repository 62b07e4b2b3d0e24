"""End to end over loopback: the fake's ticket events export, bulk vs per-ticket comments, the bounded pipeline."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from archive.store import Archive
from exporter.bodies import comment_text
from exporter.budget import RateBudget
from exporter.fake import FakeZendesk, build_dataset
from exporter.jobs import run_backfill, run_export
from exporter.stream import TicketStream
from tests.conftest import client_for
from tests.support import FakeTime

EVENTS = "/api/v2/incremental/ticket_events.json"


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


@pytest.fixture(scope="module")
def bigger() -> Iterator[FakeZendesk]:
    """Read-only: 150 tickets, about 900 updates, so a walk spans many small events pages."""
    with FakeZendesk(dataset=build_dataset(tickets=150, seed=5, big_log=False)) as server:
        server.rate_window_seconds = 0.5  # ten incremental requests per half second, for the client too
        yield server


def session(fake: FakeZendesk) -> requests.Session:
    s = requests.Session()
    s.auth = (f"{fake.email}/token", fake.api_token or "")
    return s


def events_pages(fake: FakeZendesk, **params: Any) -> list[dict]:
    s = session(fake)
    pages, url, query = [], fake.base_url + EVENTS, {"start_time": 0, "per_page": 50, **params}
    while True:
        data = s.get(url, params=query, timeout=5).json()
        pages.append(data)
        if data["end_of_stream"]:
            return pages
        url, query = data["next_page"], None


def comment_requests(fake: FakeZendesk) -> list[str]:
    return [r.path for r in fake.requests if r.path.endswith("/comments.json")]


# -- the fake serves the ticket events export as the reference describes ----------------------------


def test_ticket_events_are_time_paged_with_comment_children(bigger: FakeZendesk) -> None:
    pages = events_pages(bigger, include="comment_events")
    assert len(pages) > 5 and [p["end_of_stream"] for p in pages] == [False] * (len(pages) - 1) + [True]
    for before, after in zip(pages, pages[1:]):
        assert f"start_time={before['end_time']}" in before["next_page"]
        # The last second comes again: pages never end inside a second.
        assert after["ticket_events"][0]["timestamp"] == before["end_time"]
    for p in pages:
        assert p["count"] == len(p["ticket_events"]) and p["end_time"] == p["ticket_events"][-1]["timestamp"]
    unique = {e["id"]: e for p in pages for e in p["ticket_events"]}
    assert sorted(unique) == sorted(a.id for a in bigger.dataset.audits())
    stamps = [e["timestamp"] for p in pages for e in p["ticket_events"]]
    assert stamps == sorted(stamps)
    children = [c for e in unique.values() for c in e["child_events"] if c["event_type"].endswith("Comment")]
    assert len(children) == sum(len(c) for c in bigger.dataset.comments.values())
    shape = {"id", "type", "author_id", "body", "public", "attachments", "audit_id", "created_at", "via"}
    assert all(shape <= set(c) and "plain_body" not in c and c["event_type"] == c["type"] for c in children)
    by_id = {c["id"]: c for cs in bigger.dataset.comments.values() for c in cs}
    assert all(c.get("html_body") == by_id[c["id"]].get("html_body") and c["public"] == by_id[c["id"]]["public"] for c in children)
    # Talk Partner Edition comments come without html_body, in the events as from the comments endpoint.
    assert {c["type"] for c in children if "html_body" not in c} == {"TpeVoiceComment"}


def test_without_the_side_load_comments_are_only_flagged(bigger: FakeZendesk) -> None:
    data = session(bigger).get(bigger.base_url + EVENTS, params={"start_time": 0}).json()
    flagged = [c for e in data["ticket_events"] for c in e["child_events"] if c["event_type"] == "Comment"]
    assert flagged and all(c["comment_present"] and "body" not in c and "html_body" not in c for c in flagged)
    assert session(bigger).get(bigger.base_url + EVENTS).status_code == 400


def test_ticket_events_count_against_the_incremental_limit() -> None:
    with FakeZendesk(tickets=5, seed=3, big_log=False) as fake:
        fake.incremental_limit_per_minute = 10
        codes = [session(fake).get(fake.base_url + EVENTS, params={"start_time": 0}).status_code for _ in range(11)]
    assert codes == [200] * 10 + [429]


# -- bulk and per-ticket agree ----------------------------------------------------------------------


def changes(fake: FakeZendesk, mode: str, **kw: Any) -> tuple[list, str]:
    with client_for(fake) as client:
        stream = TicketStream(client, comments=mode, events_per_page=100, **kw)
        return list(stream), stream.comment_stats.mode


def test_bulk_and_per_ticket_streams_carry_the_same_complete_ordered_comments(bigger: FakeZendesk) -> None:
    bigger.clear_requests()
    bulk, bulk_mode = changes(bigger, "bulk")
    walked = [r for r in bigger.requests if r.path == EVENTS]
    # Only the ticket whose comment has no html_body (Talk Partner Edition) is fetched one by one.
    partner = bigger.dataset.account_tickets["partner_call"]
    assert bulk_mode == "bulk+per-ticket" and len(walked) > 5
    assert comment_requests(bigger) == [f"/api/v2/tickets/{partner}/comments.json"]
    bigger.clear_requests()
    one_by_one, mode = changes(bigger, "per-ticket")
    assert mode == "per-ticket" and not [r for r in bigger.requests if r.path == EVENTS]

    assert bulk == one_by_one
    tickets = [c.ticket for c in bulk if c.ticket is not None]
    assert len(tickets) == len(bigger.dataset.expected_archived_ids())
    for ticket in tickets:
        expected = sorted(bigger.dataset.comments[ticket.id], key=lambda c: (c["created_at"], c["id"]))
        assert [c.id for c in ticket.comments] == [c["id"] for c in expected]
        assert [c.body for c in ticket.comments] == [comment_text(c) for c in expected]
        assert [c.kind for c in ticket.comments] == [c["type"] for c in expected]
        assert all(ticket.author(c) is not None for c in ticket.comments)


def test_a_walk_that_fails_for_good_falls_back_to_one_by_one(fake) -> None:
    fake.fail_next(8, status=500, path="/ticket_events")  # every attempt the retry policy allows
    got, mode = changes(fake, "bulk")
    archived = [c.ticket for c in got if c.ticket is not None]
    assert len(archived) == len(fake.dataset.expected_archived_ids()) and mode == "per-ticket"
    for ticket in archived:
        assert [c.id for c in ticket.comments] == sorted(c["id"] for c in fake.dataset.comments[ticket.id])


def tree(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(path).parts and "cache" not in p.parts
    }


def test_bulk_and_per_ticket_give_identical_archives(fake, redactor, tmp_path: Path) -> None:
    trees, summaries = [], []
    for mode in ("bulk", "per-ticket"):
        with client_for(fake) as client:
            summaries.append(run_export(client, redactor, Archive(tmp_path / mode), comments=mode))
        trees.append(tree(tmp_path / mode))
    assert trees[0] == trees[1] and any(p.startswith("tickets/") for p in trees[0])
    # Every shape of the messy fake is in: voice comments, the sample ticket, side-load gaps.
    written = {int(Path(p).stem) for p in trees[0] if p.startswith("tickets/")}
    assert written == fake.dataset.expected_archived_ids() >= set(fake.dataset.account_tickets.values())
    assert all(s.withheld == set() and s.undated == set() for s in summaries)
    # The walk vouches for all but the Talk Partner Edition comment (no html_body), fetched one by one.
    assert summaries[0].comments.startswith("bulk+per-ticket (") and "1 the events walk could not vouch for" in summaries[0].comments
    assert summaries[1].comments.startswith("per-ticket (")
    assert summaries[0].requests < summaries[1].requests
    assert "comments bulk+per-ticket (" in summaries[0].line()


def test_auto_walks_for_a_first_export_and_goes_one_by_one_for_a_few_old_changes(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    with client_for(fake) as client:
        first = run_export(client, redactor, archive)
    assert first.comments.startswith("bulk")  # +per-ticket: the Talk Partner Edition comment has no html_body
    for ticket_id in sorted(fake.dataset.expected_archived_ids())[:3]:
        fake.add_comment(ticket_id, "Internal: linked to the known issue.", public=False)
    fake.clear_requests()
    with client_for(fake) as client:
        nightly = run_export(client, redactor, archive)
    assert nightly.written == 3 and nightly.comments.startswith("per-ticket (3 tickets")
    assert not [r for r in fake.requests if r.path == EVENTS]


def test_a_backfill_fetches_comments_only_for_tickets_solved_in_its_range(fake, redactor, tmp_path: Path) -> None:
    solved = sorted((fake.dataset.solved_at(t), t) for t in fake.dataset.expected_archived_ids())
    day = solved[len(solved) // 2][0].date()
    in_range = {t for when, t in solved if when.date() == day}
    with client_for(fake) as client:
        summary = run_backfill(client, redactor, Archive(tmp_path / "a"), since=day, until=day, comments="per-ticket")
    assert summary.written == len(in_range) and summary.out_of_range > 0
    assert sorted(comment_requests(fake)) == sorted(f"/api/v2/tickets/{t}/comments.json" for t in in_range)


# -- the pipeline -------------------------------------------------------------------------------------


def test_fetching_runs_only_a_bounded_distance_ahead_of_the_consumer(bigger: FakeZendesk) -> None:
    bigger.clear_requests()
    with client_for(bigger) as client:
        stream = iter(TicketStream(client, comments="per-ticket", lookahead=4, concurrency=2))
        taken = [next(stream) for _ in range(3)]
        time.sleep(0.5)  # the fetchers would run far ahead if nothing held them
        fetched = len(comment_requests(bigger))
        rest = list(stream)
    assert len(taken) == 3 and rest
    # Each change ahead of the consumer is one ticket at most: 3 taken + 4 queued + 1 in hand.
    assert fetched <= 3 + 4 + 1


def test_concurrent_fetches_send_nothing_once_a_retry_after_is_known(fake) -> None:
    fake.fail_next(3, status=429, retry_after=1, path="/comments")
    with client_for(fake) as client:
        got = [c for c in TicketStream(client, comments="per-ticket", concurrency=8) if c.ticket is not None]
    assert len(got) == len(fake.dataset.expected_archived_ids())
    requests_ = fake.requests
    limited = [r for r in requests_ if r.status == 429]
    assert len(limited) == 3
    # Requests already on their way when a 429 was answered cannot be called back; none may
    # leave once the answer is in (a tenth of a second allowed for it to reach every thread).
    for answer in limited:
        assert answer.answered is not None
        assert not [r for r in requests_ if answer.answered + 0.1 < r.time < answer.time + 1], answer


def test_no_requests_remaining_without_a_reset_waits_one_slot_not_a_second() -> None:
    t = FakeTime()
    budget = RateBudget(clock=t.clock, sleep=t.sleep)
    budget.observe({"X-Rate-Limit": "600", "X-Rate-Limit-Remaining": "0"})
    budget.acquire("/api/v2/tickets/1/comments.json")
    assert t.sleeps == [0.1]
