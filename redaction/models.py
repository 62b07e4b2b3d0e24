"""Redacted ticket records: the only kind of record the archive accepts.

Every string here has passed through the redaction pipeline. Instances are made
by `redaction.redact_ticket`; nothing else in the project should build one from
unredacted text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping


@dataclass(frozen=True)
class RedactedComment:
    created_at: datetime
    author: str  # a placeholder such as <PERSON_1> for customers; the agent's name when kept
    author_role: str  # "customer" or "agent"
    public: bool
    body: str
    attachments: tuple[str, ...] = ()  # redacted file names; never URLs


@dataclass(frozen=True)
class RedactedTicket:
    id: int
    title: str
    status: str
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    url: str
    priority: str | None = None
    type: str | None = None
    channel: str | None = None
    tags: tuple[str, ...] = ()
    # Zendesk field title (or "field_<id>") -> redacted value, in field-id order.
    custom_fields: tuple[tuple[str, str], ...] = ()
    comments: tuple[RedactedComment, ...] = ()
    # Findings replaced, by entity type (EMAIL, PERSON, SECRET, ...).
    redactions: Mapping[str, int] = field(default_factory=dict)
    # The customer organization as a stable keyed pseudonym, `org-` + hex (HMAC of
    # the Zendesk organization id under a secret key): the same customer always
    # gets the same token, and no one can get from the token to the name.
    organization: str | None = None
    # What decided the redaction, e.g. {"presidio": "2.2.366", "spacy": "3.8.18", "model": "..."}.
    redaction_versions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One span `explain()` would replace. Carries no text, so it is safe to print or log."""

    type: str  # EMAIL, PERSON, SECRET, ...
    start: int
    end: int
    recognizer: str
    score: float
