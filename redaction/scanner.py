"""A second look at text that is already redacted: does anything in it still look like customer data?

    scanner = LeakScanner()                             # no spaCy: loads in well under a second
    scanner.scan(text)                                  # secrets, emails, phones, IPs, hosts, URLs
    scanner.scan_ticket_text(text, ticket)              # ... and the ticket's own people and organization

It runs the Redactor's pattern detectors (never NER: a kept agent's name or a
product name would be noise here) over redacted text. Our own placeholders
(`<PERSON_1>`, `<SECRET>`) stay in place while the detectors run, exactly as
the Redactor left them (so `password=<SECRET>` reads as a redacted value, not
as a key followed by whatever comes next), and a finding made of nothing but
placeholders is dropped. Anything inside an allow-listed link is left alone,
as the Redactor leaves it. Findings carry positions, types and detector
names, never the text.
"""

from __future__ import annotations

from presidio_analyzer import RecognizerResult

from exporter.models import Ticket
from redaction.detections import Detection
from redaction.known import KnownEntities, KnownEntityRecognizer
from redaction.models import Finding
from redaction.network import ALLOWED_URL, AllowList
from redaction.placeholders import PLACEHOLDER, resolve
from redaction.recognizers import pattern_recognizers
from redaction.settings import RedactionSettings


class LeakScanner:
    def __init__(self, settings: RedactionSettings | None = None):
        self.settings = settings or RedactionSettings()
        self._allow = AllowList(self.settings.allow_domains)
        self._recognizers = pattern_recognizers(self._allow)

    def scan(self, text: str) -> list[Finding]:
        """What still looks like a secret, a contact or a customer host, in reading order."""
        return self._findings(text, None)

    def scan_ticket_text(self, text: str, ticket: Ticket) -> list[Finding]:
        """`scan`, plus everything the ticket's deny-lists know (its customers' names, emails, organization)."""
        known = KnownEntities.from_ticket(ticket, keep_agent_names=self.settings.keeps_agent_names, allow=self._allow)
        return self._findings(text, KnownEntityRecognizer(known))

    def _findings(self, text: str, known: KnownEntityRecognizer | None) -> list[Finding]:
        results: list[RecognizerResult] = []
        for recognizer in self._recognizers:
            results += recognizer.analyze(text, recognizer.supported_entities, None)
        allowed = [(r.start, r.end) for r in results if r.entity_type == ALLOWED_URL]
        detections = [
            Detection(r.entity_type, r.start, r.end, float(r.score), _name(r))
            for r in results
            if r.entity_type != ALLOWED_URL and not any(s <= r.start and r.end <= e for s, e in allowed)
        ]
        if known is not None:
            detections += [Detection(t.entity, s, e, 1.0, known.name, t.identity) for t, s, e in known.find(text)]
        blank = PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)
        return [
            Finding(type=d.entity, start=d.start, end=d.end, recognizer=d.recognizer, score=round(d.score, 2))
            for d in resolve(detections)
            if _substance(blank[d.start : d.end])
        ]


def _substance(value: str) -> bool:
    """Something besides placeholders, spaces and punctuation."""
    return any(c.isalnum() for c in value)


def _name(result: RecognizerResult) -> str:
    return str((result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, ""))
