"""Redaction: turns `records.Ticket` (unredacted, as the help desk has it) into `RedactedTicket`.

A library: it imports nothing of the exporter or the archive (import-linter
checks it). The application builds the input records; the archive takes only
the redacted ones.

    from redaction import Redactor, RedactionSettings
    redactor = Redactor()                      # loads spaCy + Presidio once (slow)
    redacted = redactor.redact_ticket(ticket)  # RedactionError: withhold the ticket
    Redactor(RedactionSettings(profile="public"))  # no internal notes, agents redacted, no org

    from redaction import LeakScanner
    LeakScanner().scan(archived_text)          # what still looks like a leak (archive.verify)

Light modules, safe to import anywhere: `records` (the input), `models` (the
redacted records, `Finding`, the placeholder pattern), `fields` (what becomes
of each input field), `settings`, `errors`, `pseudonyms`. The rest loads
Presidio or spaCy and belongs in code paths that redact or scan.

Modules: `redactor` (the entry point), `engine` (spaCy/Presidio set-up, offline),
`analysis` (running the detectors over a ticket's texts), `ner`, `names`,
`people`, `secrets`, `credentials`, `network`, `endpoints`, `codehosts`,
`cloud`, `contacts`, `finance`, `national_ids`, `addresses`, `known`,
`recurrence` (the detectors and the per-ticket deny-lists), `wordsearch`
(finding the words detectors start from), `recognizers` (the pattern
detectors in one list),
`placeholders` (span merging and numbering), `pseudonyms`, `scanner`,
`settings`, `records`, `fields`, `models`, `errors`. `tests/evalset` measures it all.
"""

from typing import TYPE_CHECKING, Any

from redaction.errors import ModelUnavailable, RedactionError
from redaction.models import Finding, RedactedComment, RedactedTicket

if TYPE_CHECKING:
    from redaction.redactor import Redactor
    from redaction.scanner import LeakScanner
    from redaction.settings import DEFAULT_ALLOW_DOMAINS, RedactionSettings


def __getattr__(name: str) -> Any:
    # Presidio and spaCy take most of a second to import; commands that never
    # redact (search, forget, --help) should not pay for them.
    if name == "Redactor":
        from redaction.redactor import Redactor

        return Redactor
    if name == "LeakScanner":
        from redaction.scanner import LeakScanner

        return LeakScanner
    if name in ("DEFAULT_ALLOW_DOMAINS", "RedactionSettings"):
        from redaction import settings

        return getattr(settings, name)
    raise AttributeError(f"module 'redaction' has no attribute {name!r}")


__all__ = [
    "DEFAULT_ALLOW_DOMAINS",
    "Finding",
    "LeakScanner",
    "ModelUnavailable",
    "RedactedComment",
    "RedactedTicket",
    "RedactionError",
    "Redactor",
    "RedactionSettings",
]
