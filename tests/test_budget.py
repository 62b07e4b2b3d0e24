"""The rate budget paces requests under every limit at once, with exact waits."""

from __future__ import annotations

from exporter.budget import RateBudget
from tests.support import FakeTime


def make_budget(t: FakeTime, **kw) -> RateBudget:
    return RateBudget(clock=t.clock, sleep=t.sleep, **kw)


def test_plan_limit_learnt_from_headers_is_never_exceeded_in_any_minute() -> None:
    t = FakeTime()
    budget = make_budget(t)
    budget.observe({"X-Rate-Limit": "3", "X-Rate-Limit-Remaining": "2"})
    sent = []
    for _ in range(7):
        budget.acquire("/api/v2/tickets/1/comments.json")
        sent.append(t.now)
    assert sent[:3] == [1000.0] * 3
    assert sent[3] == 1060.0 and sent[6] == 1120.0
    for i in range(len(sent) - 3):
        assert sent[i + 3] - sent[i] >= 60


def test_our_ceiling_caps_the_plan_limit() -> None:
    t = FakeTime()
    budget = make_budget(t, ceiling_per_minute=2)
    budget.observe({"ratelimit-limit": "700"})
    assert budget.limit == 2


def test_incremental_endpoints_have_their_own_ten_per_minute() -> None:
    t = FakeTime()
    budget = make_budget(t)
    budget.observe({"X-Rate-Limit": "700"})
    for _ in range(10):
        budget.acquire("/api/v2/incremental/tickets/cursor.json")
    assert t.sleeps == []
    budget.acquire("/api/v2/tickets/1/comments.json")
    assert t.sleeps == []
    budget.acquire("/api/v2/incremental/tickets/cursor.json")
    assert t.sleeps == [60.0]


def test_no_remaining_waits_for_the_announced_reset() -> None:
    t = FakeTime()
    budget = make_budget(t)
    budget.observe({"ratelimit-remaining": "0", "ratelimit-reset": "5"})
    budget.acquire("/api/v2/tickets/1/comments.json")
    assert t.sleeps == [5.0]
