"""The ticket's deny-lists (redaction.known) on names help desks give their own records."""

from __future__ import annotations

from redaction.known import KnownEntities, KnownEntityRecognizer
from redaction.network import AllowList
from redaction.records import Organization, Ticket, User
from redaction.settings import RedactionSettings
from tests.redaction_fixtures import T0


def found(text: str, *users: User, organization: Organization | None = None) -> list[tuple[str, str, str]]:
    """(entity, identity, matched text) of every deny-list finding in `text`."""
    ticket = Ticket(
        id=1, subject="", status="solved", created_at=T0, updated_at=T0, url="https://x.zendesk.com/agent/tickets/1",
        requester_id=users[0].id if users else None, organization=organization, users={u.id: u for u in users},
    )
    known = KnownEntities.from_ticket(ticket, keep_agent_names=True, allow=AllowList(RedactionSettings().allow_domains))
    return [(f.type, str(f.identity), text[f.start : f.end]) for f in KnownEntityRecognizer(known).findings(text)]


def test_the_sample_requester_is_matched_as_written_and_the_word_customer_stays() -> None:
    sample = User(id=5, name="The Customer", email="customer@example.com")
    assert found("Thanks,\nThe Customer", sample) == [("PERSON", "user:5", "The Customer")]
    assert found("the customer says the customer portal is down; for example, see notes", sample) == []
    assert found("mail customer@example.com", sample) == [("EMAIL", "email:customer@example.com", "customer@example.com")]


def test_a_page_user_named_like_the_help_desk_is_not_found_in_its_words() -> None:
    page = User(id=6, name="ZenDesk Tickets")
    assert found("[Zendesk #1045](https://x.zendesk.com/agent/tickets/1045) and other tickets", page) == []
    assert found("Private message from ZenDesk Tickets", page) == [("PERSON", "user:6", "ZenDesk Tickets")]


def test_a_caller_named_by_the_number_is_that_number_and_caller_names_no_one() -> None:
    caller = User(id=7, name="Caller +1 (415) 555-0134", phone="+14155550134")
    hits = found("Caller said: call back on +1 415 555 0134 or (415) 555-0134.", caller)
    assert [h[2] for h in hits] == ["+1 415 555 0134", "(415) 555-0134"]
    assert {h[:2] for h in hits} == {("PHONE", "phone:4155550134")}
    nameless = User(id=8, name="+1 (646) 555-0177")  # a Talk Partner Edition caller, no phone field
    assert [h[:2] for h in found("from 646-555-0177", nameless)] == [("PHONE", "phone:6465550177")]


def test_an_organization_with_an_odd_name_is_matched_as_written() -> None:
    odd = Organization(id=3, name="Test Organization 1")
    text = "organization: org-1\nrun the test suite\nTest Organization 1\nTest Organization"
    assert [h[2] for h in found(text, organization=odd)] == ["Test Organization 1", "Test Organization"]


def test_ordinary_names_keep_every_form() -> None:
    person = User(id=9, name="Perpetua Vasquez-Orr", email="perpetua@jonesinc.example")
    org = Organization(id=4, name="Jones Inc", domain_names=("jonesinc.example",))
    text = "Perpetua wrote from jonesinc.example for Jones; jones_inc and Vasquez-Orr"
    matched = {h[2] for h in found(text, person, organization=org)}
    assert {"Perpetua", "jonesinc", "Jones", "jones_inc", "Vasquez"} <= matched
