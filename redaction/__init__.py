"""Redaction: turns exporter Ticket records into RedactedTicket records.

    from redaction import Redactor
    redactor = Redactor()                      # loads spaCy + Presidio once (slow)
    redacted = redactor.redact_ticket(ticket)  # RedactionError: withhold the ticket

Modules: `redactor` (the entry point), `engine` (spaCy/Presidio set-up, offline),
`analysis` (running the recognizers over a ticket's texts), `ner`, `secrets`,
`network`, `contacts`, `known` (the detectors), `placeholders` (span merging
and numbering), `settings`, `models`, `errors`.
"""

from typing import TYPE_CHECKING, Any

from redaction.errors import ModelUnavailable, RedactionError
from redaction.models import Finding, RedactedComment, RedactedTicket

if TYPE_CHECKING:
    from redaction.redactor import Redactor
    from redaction.settings import DEFAULT_ALLOW_DOMAINS, RedactionSettings


def __getattr__(name: str) -> Any:
    # Presidio and spaCy take most of a second to import; commands that never
    # redact (search, forget, --help) should not pay for them.
    if name == "Redactor":
        from redaction.redactor import Redactor

        return Redactor
    if name in ("DEFAULT_ALLOW_DOMAINS", "RedactionSettings"):
        from redaction import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'redaction' has no attribute {name!r}")


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
