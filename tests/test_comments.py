"""Comments in bulk: the client's ticket events export (with `responses`), the walk over it, and the planner."""

from __future__ import annotations

import threading
from typing import Iterator

import pytest
import responses
from responses import matchers

from exporter.budget import RateBudget
from exporter.client import EventsPage, RetryPolicy, ZendeskClient
from exporter.comments import CommentFetcher, CommentStats
from exporter.config import ZendeskConfig
from exporter.errors import BadResponse
from exporter.bodies import html_to_text
from exporter.events import EventsWalk, Need, comments_in
from exporter.models import parse_comment
from tests.support import FakeTime

BASE = "https://acme.zendesk.com"
EVENTS = f"{BASE}/api/v2/incremental/ticket_events.json"
DAY = 86_400


def make_client(t: FakeTime) -> ZendeskClient:
    config = ZendeskConfig.from_env({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@acme.test", "ZENDESK_API_TOKEN": "tok"})
    return ZendeskClient(config, policy=RetryPolicy(max_attempts=3, jitter=0.0), sleep=t.sleep, clock=t.clock)


def comment(cid: int, ticket: int, ts: int, body: str = "Hello", **extra) -> dict:
    return {
        "id": cid,
        "type": "Comment",
        "event_type": "Comment",
        "author_id": 7,
        "body": body,
        "html_body": f"<div class=\"zd-comment\"><p>{body}</p></div>",
        "public": True,
        "attachments": [],
        "created_at": f"t{ts}",
        **extra,
    }


def audit(aid: int, ticket: int, ts: int, *children: dict) -> dict:
    return {"id": aid, "ticket_id": ticket, "timestamp": ts, "event_type": "Audit", "child_events": list(children)}


def page(start: int, events: list[dict], end: bool) -> dict:
    end_time = events[-1]["timestamp"] if events else start
    return {
        "ticket_events": events,
        "count": len(events),
        "end_time": end_time,
        "end_of_stream": end,
        "next_page": f"{EVENTS}?start_time={end_time}",
    }


# -- the client ------------------------------------------------------------------------------


@responses.activate
def test_ticket_events_page_by_end_time_with_the_comment_events_include() -> None:
    first = [audit(1, 10, 100, comment(11, 10, 100)), audit(2, 10, 150)]
    second = [audit(2, 10, 150), audit(3, 20, 200, comment(31, 20, 200))]
    for start, events, end in ((50, first, False), (150, second, True)):
        responses.get(
            EVENTS,
            match=[matchers.query_param_matcher({"start_time": str(start), "include": "comment_events", "per_page": "1000"})],
            json=page(start, events, end),
        )
    pages = list(make_client(FakeTime()).iter_ticket_events(50))
    assert [(p.start_time, p.end_time, p.end_of_stream, p.stalled) for p in pages] == [
        (50, 150, False, False),
        (150, 200, True, False),
    ]
    assert [e["id"] for p in pages for e in p.events] == [1, 2, 2, 3]


@responses.activate
def test_a_full_page_within_one_second_steps_past_it_and_says_so() -> None:
    responses.get(EVENTS, match=[matchers.query_param_matcher({"start_time": "100", "include": "comment_events", "per_page": "2"})],
                  json=page(100, [audit(1, 10, 100), audit(2, 11, 100)], False))
    responses.get(EVENTS, match=[matchers.query_param_matcher({"start_time": "101", "include": "comment_events", "per_page": "2"})],
                  json=page(101, [], True))
    pages = list(make_client(FakeTime()).iter_ticket_events(100, per_page=2))
    assert [p.stalled for p in pages] == [True, False]


@responses.activate
def test_authors_missing_from_the_export_are_looked_up_100_at_a_time() -> None:
    responses.get(f"{BASE}/api/v2/users/show_many.json", match=[matchers.query_param_matcher({"ids": "5,6"})],
                  json={"users": [{"id": 5}, {"id": 6}]})
    assert make_client(FakeTime()).show_many_users([5, 6]) == [{"id": 5}, {"id": 6}]


# -- comments out of events --------------------------------------------------------------------


def test_html_body_reads_as_plain_text() -> None:
    html = (
        '<div class="zd-comment" dir="auto"><p dir="auto">Hi &amp; thanks,<br>see <a href="https://x.test/a?b=1&amp;c=2">'
        'https://x.test/a?b=1&amp;c=2</a></p>\n<pre><code>  line 1\n  &lt;line 2&gt;</code></pre><p>\n  Bye\n</p></div>'
    )
    assert html_to_text(html) == "Hi & thanks,\nsee https://x.test/a?b=1&c=2\n\n  line 1\n  <line 2>\n\nBye"


def test_comment_events_become_comment_records_without_tokened_urls() -> None:
    attachment = {"file_name": "log.txt", "content_type": "text/plain", "size": 10, "content_url": "https://x/?token=s3cr3t"}
    event = audit(1, 10, 100, {"event_type": "Change", "field_name": "status", "value": "solved"},
                  comment(11, 10, 100, "Fixed", attachments=[attachment], public=False))
    (found,) = comments_in(event)
    assert found == {
        "id": 11, "type": "Comment", "author_id": 7, "public": False, "created_at": "t100", "body": "Fixed",
        "html_body": '<div class="zd-comment"><p>Fixed</p></div>',
        "attachments": [{"file_name": "log.txt", "content_type": "text/plain", "size": 10}],
    }


def test_a_comment_reads_the_same_from_events_and_from_the_comments_endpoint() -> None:
    html = '<div class="zd-comment" dir="auto"><p dir="auto">Hi there,</p><p dir="auto">I’m stuck<br>on 4.2</p></div>'
    endpoint = {"id": 1, "type": "Comment", "body": "Hi there,\n\nI’m stuck\non 4.2", "html_body": html,
                "plain_body": "Hi there, \n\n I’m stuck \n on 4.2", "public": True, "created_at": "2024-01-01T00:00:00Z"}
    (from_events,) = comments_in(audit(1, 10, 100, {**{k: v for k, v in endpoint.items() if k != "plain_body"},
                                                     "event_type": "Comment"}))
    assert parse_comment(endpoint) == parse_comment(from_events)
    assert parse_comment(endpoint).body == "Hi there,\n\nI’m stuck\non 4.2"
    # Without html_body, plain_body with Zendesk's padding taken off.
    assert parse_comment({**endpoint, "html_body": None}).body == "Hi there,\n\nI’m stuck\non 4.2"


def test_voice_comments_keep_their_kind_and_lose_their_recordings() -> None:
    recording = "https://acme.zendesk.com/api/v2/channels/voice/calls/CA1/twilio/call/recording"
    voice = {
        "id": 2, "type": "VoiceComment", "public": False, "created_at": "2024-01-01T00:00:00Z",
        "body": f"Voicemail from: +1 (415) 555-0134\\nListen to the recording: {recording}",
        "data": {"from": "+14155550134", "recording_url": recording, "transcription_text": "Please call me back."},
    }
    parsed = parse_comment(voice)
    assert parsed.kind == "VoiceComment" and recording not in parsed.body and "\\n" not in parsed.body
    assert parsed.body == (
        "Voicemail from: +1 (415) 555-0134\nListen to the recording: [recording not archived]"
        "\n\nTranscription:\nPlease call me back."
    )
    partner = {"id": 3, "type": "TpeVoiceComment", "body": "Call from +1 415 555 0134\nRecording: https://rec.example/RE1.mp3",
               "public": False, "created_at": "2024-01-01T00:00:00Z"}
    assert parse_comment(partner).body == "Call from +1 415 555 0134\nRecording: [link not archived]"
    assert parse_comment({"id": 4, "type": "Weird Kind!", "body": "x", "created_at": None}).kind == "Comment"


def test_the_walk_does_not_vouch_for_comments_it_cannot_read_as_the_endpoint_would() -> None:
    without_html = {k: v for k, v in comment(21, 20, 100, "No markup").items() if k != "html_body"}
    unknown = {**comment(31, 30, 100), "type": "SideConversationComment", "event_type": "SideConversationComment"}
    voice = {**comment(41, 40, 100), "type": "VoiceComment", "event_type": "VoiceComment", "public": False}
    events = [audit(1, 20, 100, without_html), audit(2, 30, 100, unknown), audit(3, 40, 100, voice), audit(4, 50, 300)]
    walk = EventsWalk(ScriptedEvents(events, per_page=10), 50)
    got = dict(pair for batch in walk.collect([Need(20, 60, 100), Need(30, 60, 100), Need(40, 60, 100)]) for pair in batch)
    assert got[20] is None and got[30] is None
    assert [c["type"] for c in got[40]] == ["VoiceComment"]


def test_a_comment_without_its_body_is_an_error_not_an_empty_comment() -> None:
    event = audit(1, 10, 100, {"id": 11, "event_type": "Comment", "comment_present": True, "comment_public": True})
    with pytest.raises(BadResponse, match="include=comment_events"):
        comments_in(event)


# -- the walk ------------------------------------------------------------------------------------


class ScriptedEvents:
    """Our client's events interface, answering from a list of updates like Zendesk's time-based pages."""

    def __init__(self, events: list[dict], per_page: int = 2) -> None:
        self.events = sorted(events, key=lambda e: (e["timestamp"], e["id"]))
        self.size = per_page
        self.starts: list[int] = []

    def iter_ticket_events(self, start_time: int, per_page: int = 1000) -> Iterator[EventsPage]:
        start = start_time
        while True:
            self.starts.append(start)
            rest = [e for e in self.events if e["timestamp"] >= start]
            chunk = rest[: self.size]
            end_time = chunk[-1]["timestamp"] if chunk else start
            end = len(rest) <= self.size
            yield EventsPage(chunk, start, end_time, end, stalled=not end and end_time <= start)
            if end:
                return
            start = end_time if end_time > start else end_time + 1


def collected(walk: EventsWalk, needs: list[Need]) -> dict[int, list[int] | None]:
    out: dict[int, list[int] | None] = {}
    for batch in walk.collect(needs):
        for ticket_id, comments in batch:
            out[ticket_id] = None if comments is None else [c["id"] for c in comments]
    return out


def stream_of_three() -> list[dict]:
    return [
        audit(1, 10, 100, comment(101, 10, 100)),
        audit(2, 20, 110, comment(201, 20, 110)),
        audit(3, 10, 120, comment(102, 10, 120)),
        audit(4, 30, 130, comment(301, 30, 130)),
        audit(5, 20, 140, comment(202, 20, 140)),
        audit(6, 10, 150),
        audit(7, 30, 160, comment(302, 30, 160)),
    ]


def test_the_walk_hands_out_each_tickets_comments_once_covered_and_drops_repeats() -> None:
    events = ScriptedEvents(stream_of_three())
    walk = EventsWalk(events, 100)
    assert collected(walk, [Need(10, 100, 150), Need(20, 110, 140)]) == {10: [101, 102], 20: [201, 202]}
    walk.release([10, 20])
    assert collected(walk, [Need(30, 130, 160)]) == {30: [301, 302]}
    # Pages repeat their last second; every start after the first is the previous end_time.
    assert events.starts[0] == 100 and all(b >= a for a, b in zip(events.starts, events.starts[1:]))


def test_the_walk_does_not_vouch_for_what_it_may_have_missed() -> None:
    walk = EventsWalk(ScriptedEvents(stream_of_three()), 105)
    got = collected(walk, [Need(10, 100, 150), Need(30, 130, 200)])
    # 10 was created before the walk began; 30 changed after the stream's end.
    assert got == {10: None, 30: None}


def test_a_ticket_the_export_passed_is_not_trusted_when_it_comes_again() -> None:
    walk = EventsWalk(ScriptedEvents(stream_of_three()), 100)
    assert collected(walk, [Need(20, 110, 140)]) == {20: [201, 202]}
    walk.release([20, 30])  # 30 was on that export page too, unsolved
    assert collected(walk, [Need(30, 130, 160)]) == {30: None}


def test_later_updates_to_a_comment_are_applied_or_distrusted() -> None:
    events = stream_of_three() + [
        audit(8, 10, 155, {"event_type": "CommentPrivacyChange", "comment_id": 101, "public": False}),
        audit(9, 20, 156, {"event_type": "CommentRedactionEvent", "comment_id": 201}),
    ]
    walk = EventsWalk(ScriptedEvents(events), 100)
    taken: dict[int, list | None] = {}
    for batch in walk.collect([Need(10, 100, 155), Need(20, 110, 156)]):
        taken.update(batch)
    assert [(c["id"], c["public"]) for c in taken[10] or ()] == [(101, False), (102, True)]
    assert taken[20] is None


def test_the_walk_evicts_held_comments_beyond_its_memory_bound() -> None:
    walk = EventsWalk(ScriptedEvents(stream_of_three()), 100, buffer_bytes=500)
    assert collected(walk, [Need(30, 130, 160), Need(10, 100, 150), Need(20, 110, 140)]) == {
        10: None, 20: None, 30: [301, 302]
    }


# -- the planner ---------------------------------------------------------------------------------


class PlannerClient:
    """Enough of a client for planning: a budget at a known limit; an events stream that is empty."""

    def __init__(self, limit: int = 700) -> None:
        t = FakeTime()
        self.budget = RateBudget(clock=t.clock, sleep=t.sleep)
        self.budget.observe({"X-Rate-Limit": str(limit)})
        self.ready = threading.Event()

    def iter_ticket_events(self, start_time: int, per_page: int = 1000) -> Iterator[EventsPage]:
        self.ready.wait(5)
        yield EventsPage([], start_time, start_time, True)


def plan_for(client: PlannerClient, needs: list[Need], rate: float) -> tuple[int, int]:
    with CommentFetcher(client, CommentStats()) as fetcher:  # type: ignore[arg-type]
        plan = fetcher.plan(needs, page_ids=[n.ticket_id for n in needs], known_users=(), tickets_per_second=rate)
        client.ready.set()
        return len(plan.bulk), len(plan.per_ticket)


def test_a_nightly_run_with_old_tickets_fetches_them_one_by_one() -> None:
    now = 1_700_000_000
    needs = [Need(i, now - (200 + i * 30) * DAY, now - 600 + i * 60) for i in range(10)]
    assert plan_for(PlannerClient(), needs, rate=10 / 600) == (0, 10)


def test_a_small_first_export_reads_one_events_page_instead_of_many_requests() -> None:
    needs = [Need(i, 1_600_000_000 + i * DAY, 1_600_000_000 + i * DAY + 3 * DAY) for i in range(30)]
    assert plan_for(PlannerClient(), needs, rate=40 / (30 * DAY)) == (30, 0)


def test_a_backfill_page_walks_and_leaves_only_the_oldest_tickets_to_fetch_one_by_one() -> None:
    start = 1_600_000_000
    # A page of 1,000 tickets over 700 days, each open for days; ten opened years earlier.
    needs = [Need(i, start + i * 60_000 - 3 * DAY, start + i * 60_000) for i in range(10, 1000)]
    needs = [Need(i, start - 900 * DAY, start + i * 60_000) for i in range(10)] + needs
    bulk, one_by_one = plan_for(PlannerClient(), needs, rate=1000 / (1000 * 60_000))
    assert bulk >= 500 and one_by_one >= 10 and bulk + one_by_one == 1000


def test_forced_modes_are_obeyed() -> None:
    needs = [Need(i, 1_600_000_000, 1_600_000_100) for i in range(3)]
    for mode, expected in (("bulk", (3, 0)), ("per-ticket", (0, 3))):
        client = PlannerClient()
        with CommentFetcher(client, CommentStats(), mode=mode) as fetcher:  # type: ignore[arg-type]
            plan = fetcher.plan(needs, page_ids=[0, 1, 2], known_users=())
            client.ready.set()
            assert (len(plan.bulk), len(plan.per_ticket)) == expected
