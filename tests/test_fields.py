"""Redaction by declaration: every field of the incoming records and of the redacted ones is declared.

A field Zendesk adds to `records.Ticket` (or a comment, attachment, custom
field) and a field added to `RedactedTicket` / `RedactedComment` fail here
until `redaction.fields` says whether it is redacted text, a value copied as
is, or read without being archived.
"""

from __future__ import annotations

import dataclasses

import pytest

from redaction import fields
from redaction.fields import Fields
from redaction.models import RedactedComment, RedactedTicket
from redaction.records import Attachment, Comment, CustomField, Ticket

INCOMING = [(Ticket, fields.TICKET), (Comment, fields.COMMENT), (Attachment, fields.ATTACHMENT), (CustomField, fields.CUSTOM_FIELD)]
OUTGOING = [(RedactedTicket, fields.TICKET), (RedactedComment, fields.COMMENT)]


def undeclared_incoming(record: type, declared: Fields) -> set[str]:
    return {f.name for f in dataclasses.fields(record)} - (set(declared.redacted) | set(declared.copied) | declared.read)


def undeclared_outgoing(record: type, declared: Fields) -> set[str]:
    targets = set(declared.redacted.values()) | set(declared.copied.values()) | declared.made
    return {f.name for f in dataclasses.fields(record)} - targets


@pytest.mark.parametrize("record, declared", INCOMING, ids=lambda r: getattr(r, "__name__", ""))
def test_every_incoming_field_is_declared_exactly_once(record: type, declared: Fields) -> None:
    assert undeclared_incoming(record, declared) == set()
    names = [*declared.redacted, *declared.copied, *declared.read]
    assert len(names) == len(set(names)), "a field declared twice"
    assert set(names) <= {f.name for f in dataclasses.fields(record)}, "a declared field the record does not have"


@pytest.mark.parametrize("record, declared", OUTGOING, ids=lambda r: getattr(r, "__name__", ""))
def test_every_redacted_field_comes_from_a_declaration(record: type, declared: Fields) -> None:
    assert undeclared_outgoing(record, declared) == set()
    assert set(declared.copied.values()) <= {f.name for f in dataclasses.fields(record)}


def test_a_new_zendesk_field_fails_until_it_is_declared() -> None:
    with_sla_note = dataclasses.make_dataclass("Ticket", [("sla_note", str, "")], bases=(Ticket,), frozen=True)
    assert undeclared_incoming(with_sla_note, fields.TICKET) == {"sla_note"}
    with_summary = dataclasses.make_dataclass("RedactedTicket", [("summary", str, "")], bases=(RedactedTicket,), frozen=True)
    assert undeclared_outgoing(with_summary, fields.TICKET) == {"summary"}


def test_no_free_text_is_declared_copied() -> None:
    # What may be copied: ids, states, timestamps, fixed pick-list values, the link built from the id,
    # a custom field's title (the admin's name for the field) and a comment's kind (Zendesk's name
    # for it, made a plain name by the exporter). Anything else is redacted.
    assert set(fields.TICKET.copied) == {
        "id", "status", "created_at", "updated_at", "solved_at", "url", "priority", "type", "channel",
    }
    assert set(fields.COMMENT.copied) == {"created_at", "public", "kind"}
    assert set(fields.ATTACHMENT.copied) == set()
    assert set(fields.CUSTOM_FIELD.copied) == {"title"}


@pytest.mark.slow
def test_the_redactor_copies_exactly_the_declared_values(redactor) -> None:
    from tests.redaction_fixtures import planted_ticket

    ticket = planted_ticket()
    redacted = redactor.redact_ticket(ticket)
    for name, target in fields.TICKET.copied.items():
        assert getattr(redacted, target) == getattr(ticket, name), name
    for comment, out in zip(ticket.comments, redacted.comments):
        for name, target in fields.COMMENT.copied.items():
            assert getattr(out, target) == getattr(comment, name), name
