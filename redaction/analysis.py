"""Runs Presidio over a batch of texts: NER on chunks through `nlp.pipe`, patterns on whole texts.

Two passes per batch, both through the AnalyzerEngine:

1. NER: every text that wants it is cut into pieces under spaCy's max_length
   (see `chunks`); all pieces of the batch go through one `nlp.pipe`, and each
   piece's entities are filtered by the NER policy and shifted back.
2. Patterns: secrets, URLs/hosts, emails, phones, IPs, cards and the ticket's
   deny-lists run once over each whole text (no chunk edges to miss a key
   block or a URL on), with blank NLP artifacts.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from redaction.engine import LANGUAGE, LoadedSpacyNlpEngine, blank_artifacts
from redaction.known import KnownEntityRecognizer
from redaction.chunks import plan
from redaction.ner import NER_ENTITIES, NerPolicy
from redaction.network import ALLOWED_URL

# Inside an allow-listed link these are parts of the link (issue numbers, paths), not findings.
_MOOT_IN_ALLOWED_URL = frozenset({"HOST", "IP", "PHONE", "CREDIT_CARD", "PERSON", "ORG"})


@dataclass(frozen=True)
class Detection:
    entity: str
    start: int
    end: int
    score: float
    recognizer: str
    # Who or what this is, when a deny-list knows (user:42, org:7); else derived from the text.
    identity: str | None = None


class TextAnalyzer:
    def __init__(
        self,
        analyzer: AnalyzerEngine,
        nlp_engine: LoadedSpacyNlpEngine,
        policy: NerPolicy,
        *,
        chunk_chars: int,
        overlap: int,
        batch_size: int,
        bulk_chars: int,
    ):
        self._analyzer = analyzer
        self._nlp_engine = nlp_engine
        self._policy = policy
        max_length = nlp_engine.get_nlp(LANGUAGE).max_length
        self._chunk_chars = min(chunk_chars, max_length - 1)
        self._overlap = overlap
        self._batch_size = batch_size
        self._bulk_chars = bulk_chars
        self._pattern_entities = sorted(
            {e for r in analyzer.registry.recognizers for e in r.supported_entities} | set(KnownEntityRecognizer.ENTITIES)
        )

    def analyze(self, texts: Sequence[str], use_ner: Sequence[bool], known: KnownEntityRecognizer) -> list[list[Detection]]:
        """Detections per text; `known` is the ticket's deny-list recognizer (ad hoc, per ticket)."""
        found: list[list[Detection]] = [[] for _ in texts]
        policy = self._policy.with_kept_names(known.known.kept_names)
        self._ner_pass(texts, use_ner, policy, found)
        recognizer = known
        for i, text in enumerate(texts):
            if text.strip():
                found[i] = self._with_patterns(text, found[i], recognizer)
        return found

    def _ner_pass(self, texts: Sequence[str], use_ner: Sequence[bool], policy: NerPolicy, found: list[list[Detection]]) -> None:
        docs = plan(texts, use_ner, chunk_chars=self._chunk_chars, overlap=self._overlap, bulk_chars=self._bulk_chars)
        if not docs:
            return
        jobs = [(doc.text, doc) for doc in docs]
        for doc_text, artifacts, doc in self._nlp_engine.process_batch(
            jobs, LANGUAGE, batch_size=self._batch_size, as_tuples=True
        ):
            results = self._analyzer.analyze(doc_text, LANGUAGE, entities=list(NER_ENTITIES), nlp_artifacts=artifacts)
            if not results:
                continue
            starts = [segment.start for segment in doc.segments]
            for result in results:
                # An entity may run across two packed log lines: take each line's part on its own.
                at = max(bisect_right(starts, result.start) - 1, 0)
                for segment in doc.segments[at:]:
                    if segment.start >= result.end:
                        break
                    start, end = max(result.start, segment.start), min(result.end, segment.end)
                    if end <= start or not segment.own_start <= start < segment.own_end:
                        continue  # a neighbouring chunk sees this one with more context
                    for i, offset in segment.targets:
                        shift = offset - segment.start
                        for span in policy.accept(result.entity_type, texts[i], start + shift, end + shift):
                            found[i].append(_detection(result, *span))

    def _with_patterns(self, text: str, ner: list[Detection], known: KnownEntityRecognizer) -> list[Detection]:
        results = self._analyzer.analyze(
            text,
            LANGUAGE,
            entities=self._pattern_entities,
            nlp_artifacts=blank_artifacts(),
            ad_hoc_recognizers=[known],
        )
        allowed = [(r.start, r.end) for r in results if r.entity_type == ALLOWED_URL]
        detections = [_detection(r, r.start, r.end) for r in results if r.entity_type != ALLOWED_URL]
        detections += ner
        if allowed:
            detections = [d for d in detections if not _moot(d, allowed)]
        return detections


def _moot(d: Detection, allowed: list[tuple[int, int]]) -> bool:
    if d.entity not in _MOOT_IN_ALLOWED_URL or d.identity is not None:
        return False  # secrets, emails and the ticket's own names go even inside a docs link
    return any(s <= d.start and d.end <= e for s, e in allowed)


def _detection(result: RecognizerResult, start: int, end: int) -> Detection:
    meta = result.recognition_metadata or {}
    return Detection(
        entity=result.entity_type,
        start=start,
        end=end,
        score=float(result.score),
        recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "")),
        identity=meta.get("identity"),
    )
