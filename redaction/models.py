"""Redacted ticket records, the only kind of record the archive accepts, and what redaction reports.

Every string in a `RedactedTicket` has passed through the redaction pipeline.
Instances are made by `Redactor.redact_ticket`; nothing else in the project
should build one from unredacted text. A replaced value reads as a placeholder
(`PLACEHOLDER`, the one pattern for it), and a `Finding` says where a detector
found something. This module loads no NER: the archive may import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

# What a replaced value looks like in a redacted string: `<PERSON_1>`, `<SECRET>`.
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*?(?:_\d+)?>")


@dataclass(frozen=True)
class RedactedComment:
    created_at: datetime
    author: str  # a placeholder such as <PERSON_1> for customers; the agent's name when kept
    author_role: str  # "customer" or "agent"
    public: bool
    body: str
    attachments: tuple[str, ...] = ()  # redacted file names; never URLs
    kind: str = "Comment"  # Zendesk's kind of comment: Comment, VoiceComment, TpeVoiceComment


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
    """One span a detector found: which entity, where, who found it, how sure, and who or what it is.

    The detectors, the span merging and the numbering pass findings around with
    their `identity` (`user:42`, `org:7`, `email:jane@example.com`): it decides
    which placeholder number a span gets, and it can quote customer text, so it
    is left out of `repr` and cleared by `reported()`. What `Redactor.explain`
    and `LeakScanner.scan` return is reported: positions, types, detector names
    and scores, never text, safe to print or log.
    """

    type: str  # EMAIL, PERSON, SECRET, ...
    start: int
    end: int
    recognizer: str
    score: float
    # Who or what this is, when a deny-list knows (user:42, org:7); else derived from the text.
    identity: str | None = field(default=None, repr=False)

    def reported(self) -> "Finding":
        """This finding as it may leave the redaction package: no identity, the score to two places."""
        return Finding(self.type, self.start, self.end, self.recognizer, round(self.score, 2))
