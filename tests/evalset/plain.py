"""Plain Presidio, for comparison: an AnalyzerEngine with its default recognizers on the same spaCy model.

Every finding of every entity type is replaced by `<TYPE>`, as Presidio's
anonymizer does by default; each text stands alone (no deny-lists: plain
Presidio knows nothing of Zendesk). The model is the one the Redactor loads,
read with `spacy.load` so nothing is ever downloaded.
"""

from __future__ import annotations

from redaction.records import Ticket
from redaction.models import RedactedComment, RedactedTicket


class PlainPresidio:
    def __init__(self, model: str):
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

        engine = SpacyNlpEngine(
            models=[{"lang_code": "en", "model_name": model}], ner_model_configuration=NerModelConfiguration()
        )
        engine.nlp = {"en": spacy.load(model)}  # loaded already: Presidio's load() may download
        # Presidio's e-mail check asks tldextract's default extractor, which fetches the public-suffix
        # list over the network: the bundled snapshot instead, as the Redactor's own detectors use.
        import tldextract.tldextract

        tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        self._analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])

    def redact_text(self, text: str) -> str:
        results = sorted(self._analyzer.analyze(text, language="en"), key=lambda r: (r.start, -r.end))
        spans: list[list] = []
        for r in results:
            if spans and r.start < spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], r.end)
                continue
            spans.append([r.start, r.end, r.entity_type])
        for start, end, entity in reversed(spans):
            text = text[:start] + f"<{entity}>" + text[end:]
        return text

    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        comments = tuple(
            RedactedComment(
                created_at=c.created_at, author="<PERSON>", author_role="customer", public=c.public, body=self.redact_text(c.body)
            )
            for c in ticket.comments
        )
        return RedactedTicket(
            id=ticket.id,
            title=self.redact_text(ticket.subject),
            status=ticket.status,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            solved_at=ticket.solved_at,
            url=ticket.url,
            comments=comments,
        )
