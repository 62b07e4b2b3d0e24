"""A second look at text that is already redacted: does anything in it still look like customer data?

    scanner = LeakScanner()                             # no spaCy: loads in well under a second
    scanner.scan(text)                                  # secrets, emails, phones, IPs, hosts, URLs
    scanner.for_ticket(ticket)(text)                    # ... and the ticket's own people and organization
    scanner.for_ticket(ticket, texts=redacted_texts)(note)  # ... where the ticket's own text still holds them

It runs the Redactor's pattern detectors (never NER: a kept agent's name or a
product name would be noise here) over redacted text. Our own placeholders
(`<PERSON_1>`, `<SECRET>`) stay in place while the detectors run, exactly as
the Redactor left them (so `password=<SECRET>` reads as a redacted value, not
as a key followed by whatever comes next), and a finding made of nothing but
placeholders is dropped. Inside an allow-listed link the Redactor's own rule
applies (`network.outside_allowed_links`): parts of the link are left alone,
a secret or an email in it is not. Findings carry positions, types and
detector names, never the text.
"""

from __future__ import annotations

from typing import Callable, Iterable

from presidio_analyzer import RecognizerResult

from redaction.known import KnownEntities, KnownEntityRecognizer
from redaction.models import Finding
from redaction.network import AllowList, outside_allowed_links
from redaction.placeholders import blank_placeholders, resolve
from redaction.recognizers import findings_from, pattern_recognizers
from redaction.records import Ticket
from redaction.settings import RedactionSettings


class LeakScanner:
    def __init__(self, settings: RedactionSettings | None = None):
        self.settings = settings or RedactionSettings()
        self._allow = AllowList(self.settings.allow_domains, self.settings.service_domains)
        self._recognizers = pattern_recognizers(self._allow, public_code_orgs=self.settings.public_code_orgs)

    def scan(self, text: str) -> list[Finding]:
        """What still looks like a secret, a contact or a customer host, in reading order."""
        return self._findings(text, None)

    def for_ticket(self, ticket: Ticket, texts: Iterable[str] | None = None) -> Callable[[str], list[Finding]]:
        """`scan`, plus everything the ticket's deny-lists know (its customers' names, emails, organization).

        `texts`: the redacted texts of the ticket that the scanned note was rendered
        from (title, tags, field values, comment bodies, attachment names, customers'
        labels). With them a deny-listed person, organization, address or number
        counts in the note only when these texts still hold it: the note's own labels,
        keys, links and headings and the agents' names it keeps are not the ticket's
        text, so requester "The Customer" is not found in the heading word `customer`,
        nor organization "Acme" in agent "Team Acme". A value these texts hold is found
        wherever the note has it. Without `texts`, everywhere in the text.

        The ticket stays here: the caller gets a function of text alone."""
        known = KnownEntities.from_ticket(ticket, keep_agent_names=self.settings.keeps_agent_names, allow=self._allow)
        recognizer = KnownEntityRecognizer(known)
        if texts is None:
            return lambda text: self._findings(text, recognizer)
        held = frozenset(f.identity for text in texts for f in recognizer.findings(blank_placeholders(text)))
        return lambda text: self._findings(text, recognizer, held)

    def _findings(
        self, text: str, known: KnownEntityRecognizer | None, held: frozenset[str | None] | None = None
    ) -> list[Finding]:
        results: list[RecognizerResult] = []
        for recognizer in self._recognizers:
            results += recognizer.analyze(text, recognizer.supported_entities, None)
        findings, allowed = findings_from(results)
        if known is not None:
            findings += [f for f in known.findings(text) if held is None or f.identity in held]
        blank = blank_placeholders(text)
        return [
            f.reported() for f in resolve(outside_allowed_links(findings, allowed)) if _substance(blank[f.start : f.end])
        ]


def _substance(value: str) -> bool:
    """Something besides placeholders, spaces and punctuation."""
    return any(c.isalnum() for c in value)
