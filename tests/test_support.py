"""The test fakes of tests.support that stand between a test and real work: they must not hide any."""

from __future__ import annotations

import dataclasses
import os
from datetime import datetime, timezone

import pytest

from redaction.records import Ticket
from tests.support import RememberingRedactor


class CountingRedactor:
    def __init__(self) -> None:
        self.settings = object()
        self.calls: list[Ticket] = []

    def redact_ticket(self, ticket: Ticket):
        self.calls.append(ticket)
        if ticket.subject == "fails":
            raise ValueError("refused")
        return ("redacted", ticket.subject, len(self.calls))


def ticket(**changes) -> Ticket:
    at = datetime(2024, 3, 1, tzinfo=timezone.utc)
    return dataclasses.replace(Ticket(id=7, subject="disk full", status="solved", created_at=at, updated_at=at, url="u"), **changes)


def test_the_remembering_redactor_reuses_a_result_only_for_an_equal_ticket_and_only_in_its_own_process() -> None:
    real = CountingRedactor()
    remembering = RememberingRedactor(real)

    first = remembering.redact_ticket(ticket())
    assert remembering.redact_ticket(ticket()) is first and len(real.calls) == 1
    assert remembering.redact_ticket(ticket(description="one more line")) != first and len(real.calls) == 2
    assert remembering.redact_ticket(ticket(id=8)) != first and len(real.calls) == 3
    for _ in range(2):
        with pytest.raises(ValueError):
            remembering.redact_ticket(ticket(subject="fails"))
    assert len(real.calls) == 5, "a failure is asked again, never remembered"

    child = os.fork()
    if child == 0:  # a forked redaction worker: it redacts for real
        remembering.redact_ticket(ticket())
        os._exit(len(real.calls))
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 6
