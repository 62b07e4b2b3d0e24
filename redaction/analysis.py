"""Runs the detectors over one ticket's texts: NER on chunks through `nlp.pipe`, patterns on whole texts.

Three passes per batch (one ticket):

1. Names: every text that wants NER is cut into pieces under spaCy's
   max_length (see `chunks`); all pieces go through one `nlp.pipe`, and each
   piece's entities are filtered by the NER policy and shifted back. The name
   finder (`names`) adds the full names the small model misses.
2. People: each name found gets an identity, and its parts become a
   deny-list for the whole ticket (`people`).
3. Patterns: Presidio's AnalyzerEngine runs secrets, URLs/hosts, emails,
   phones, IPs and cards once over each whole text (no chunk edges to miss a
   key block or a URL on), with blank NLP artifacts; the ticket's deny-lists
   and the people's parts run beside it.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Sequence

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from redaction.chunks import plan
from redaction.detections import Detection
from redaction.engine import LANGUAGE, LoadedSpacyNlpEngine, blank_artifacts
from redaction.known import PERSON, KnownEntityRecognizer
from redaction.names import NameFinder
from redaction.ner import LABEL_MAPPING, NerPolicy
from redaction.network import ALLOWED_URL
from redaction.people import People

# Inside an allow-listed link these are parts of the link (issue numbers, paths), not findings.
_MOOT_IN_ALLOWED_URL = frozenset({"HOST", "IP", "PHONE", "CREDIT_CARD", "PERSON", "ORG"})


__all__ = ["Detection", "TextAnalyzer"]
NAME_FINDER = "NameFinder"
NER_RECOGNIZER = "SpacyRecognizer"
NER_SCORE = 0.85  # spaCy gives no per-entity confidence; Presidio's default for its NER


class TextAnalyzer:
    def __init__(
        self,
        analyzer: AnalyzerEngine,
        nlp_engine: LoadedSpacyNlpEngine,
        policy: NerPolicy,
        names: NameFinder,
        *,
        chunk_chars: int,
        overlap: int,
        batch_size: int,
        bulk_chars: int,
    ):
        self._analyzer = analyzer
        self._nlp_engine = nlp_engine
        self._policy = policy
        self._names = names
        max_length = nlp_engine.get_nlp(LANGUAGE).max_length
        self._chunk_chars = min(chunk_chars, max_length - 1)
        self._overlap = overlap
        self._batch_size = batch_size
        self._bulk_chars = bulk_chars
        self._pattern_entities = sorted({e for r in analyzer.registry.recognizers for e in r.supported_entities})

    def analyze(self, texts: Sequence[str], use_ner: Sequence[bool], known: KnownEntityRecognizer) -> list[list[Detection]]:
        """Detections per text; `known` is the ticket's deny-list recognizer (ad hoc, per ticket)."""
        found: list[list[Detection]] = [[] for _ in texts]
        policy = self._policy.with_kept_names(known.known.kept_names)
        self._ner_pass(texts, use_ner, policy, found)
        names = self._names.with_blocked(known.known.kept_names)
        for i, text in enumerate(texts):
            if use_ner[i] and text.strip():
                found[i] += [Detection(PERSON, s, e, 0.85, NAME_FINDER) for s, e in names.find(text)]
        found, propagated = People(known, names).identify(texts, found)
        for i, text in enumerate(texts):
            if text.strip():
                found[i] = self._with_patterns(text, found[i], (known, propagated))
        return found

    def _ner_pass(self, texts: Sequence[str], use_ner: Sequence[bool], policy: NerPolicy, found: list[list[Detection]]) -> None:
        docs = plan(texts, use_ner, chunk_chars=self._chunk_chars, overlap=self._overlap, bulk_chars=self._bulk_chars)
        if not docs:
            return
        nlp = self._nlp_engine.get_nlp(LANGUAGE)
        # spaCy's docs are read directly: going through Presidio's NlpArtifacts and SpacyRecognizer
        # builds every entity list twice per doc and costs a fifth of the NER itself.
        for parsed, doc in nlp.pipe(((d.text, d) for d in docs), batch_size=self._batch_size, as_tuples=True):
            entities = [(LABEL_MAPPING[e.label_], e.start_char, e.end_char) for e in parsed.ents if e.label_ in LABEL_MAPPING]
            if not entities:
                continue
            starts = [segment.start for segment in doc.segments]
            for entity, ent_start, ent_end in entities:
                # An entity may run across two packed log lines: take each line's part on its own.
                at = max(bisect_right(starts, ent_start) - 1, 0)
                for segment in doc.segments[at:]:
                    if segment.start >= ent_end:
                        break
                    start, end = max(ent_start, segment.start), min(ent_end, segment.end)
                    if end <= start or not segment.own_start <= start < segment.own_end:
                        continue  # a neighbouring chunk sees this one with more context
                    for i, offset in segment.targets:
                        shift = offset - segment.start
                        for span in policy.accept(entity, texts[i], start + shift, end + shift):
                            found[i].append(Detection(entity, span[0], span[1], NER_SCORE, NER_RECOGNIZER))

    def _with_patterns(self, text: str, ner: list[Detection], deny_lists: Sequence[KnownEntityRecognizer]) -> list[Detection]:
        results = self._analyzer.analyze(
            text,
            LANGUAGE,
            entities=self._pattern_entities,
            nlp_artifacts=blank_artifacts(),
        )
        allowed = [(r.start, r.end) for r in results if r.entity_type == ALLOWED_URL]
        detections = [_detection(r, r.start, r.end) for r in results if r.entity_type != ALLOWED_URL]
        for deny_list in deny_lists:
            # Called directly: a per-ticket regex needs none of the analyzer's bookkeeping.
            detections += [Detection(t.entity, s, e, 1.0, deny_list.name, t.identity) for t, s, e in deny_list.find(text)]
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
