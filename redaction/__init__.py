"""Redaction: turns exporter Ticket records into RedactedTicket records.

    from redaction import Redactor
    redactor = Redactor()                      # loads spaCy + Presidio once (slow)
    redacted = redactor.redact_ticket(ticket)  # RedactionError: withhold the ticket

Modules: `redactor` (the entry point), `engine` (spaCy/Presidio set-up, offline),
`analysis` (running the recognizers over a ticket's texts), `ner`, `secrets`,
`network`, `contacts`, `known` (the detectors), `placeholders` (span merging
and numbering), `settings`, `models`, `errors`.
"""

from redaction.errors import ModelUnavailable, RedactionError
from redaction.models import Finding, RedactedComment, RedactedTicket
from redaction.redactor import Redactor
from redaction.settings import DEFAULT_ALLOW_DOMAINS, RedactionSettings

__all__ = [
    "DEFAULT_ALLOW_DOMAINS",
    "Finding",
    "ModelUnavailable",
    "RedactedComment",
    "RedactedTicket",
    "RedactionError",
    "Redactor",
    "RedactionSettings",
]
