"""Small fakes of our own interfaces, shared by the tests."""

from __future__ import annotations

import os


class FakeTime:
    """A clock that only moves when the client sleeps, so waits are exact."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def oauth_env(fake, **extra: str) -> dict[str, str]:
    """The environment that points a run at a fake Zendesk made with a `FakeOAuth` client."""
    assert fake.oauth is not None, "make the fake with oauth=FakeOAuth(...)"
    return {**fake.env(), **extra}


class RememberingRedactor:
    """The real redactor, answering a ticket equal to one it has redacted with that same result.

    For the modules that test how tickets travel (faults, retries, reruns, git), not how they
    are redacted; they override `redactor` with it. The same fake accounts are exported dozens
    of times, and a ticket's redaction is a function of the ticket and the settings (one
    Redactor, one org key). A ticket that differs in any field is redacted afresh, failures are
    not remembered, and worker processes forked from this one redact for real, so a parallel
    run still compares the pipeline in other processes with this one's results.
    """

    def __init__(self, real) -> None:
        self.real = real
        self.settings = real.settings
        self._pid = os.getpid()
        self._seen: dict[int, list[tuple[object, object]]] = {}  # ticket id -> (ticket, redacted)

    def redact_ticket(self, ticket):
        if os.getpid() != self._pid:
            return self.real.redact_ticket(ticket)
        seen = self._seen.setdefault(ticket.id, [])
        for earlier, redacted in seen:
            if earlier == ticket:
                return redacted
        redacted = self.real.redact_ticket(ticket)
        seen.append((ticket, redacted))
        return redacted
