"""Runs the detectors over one ticket's texts: NER on chunks through `nlp.pipe`, patterns on whole texts.

Four passes per batch (one ticket):

1. Names: every text that wants NER is cut into pieces under spaCy's
   max_length (see `chunks`); all pieces go through one `nlp.pipe`, and each
   piece's entities are filtered by the NER policy and shifted back. The name
   finder (`names`) adds the full names the small model misses; the context
   finder (`contexts`) the names and organizations that stand where names
   stand, whatever the lists or the model say; the account finder
   (`identifiers`) the user names inside paths, fields and namespaces; the
   list finder (`coordination`) the other members of a list a name found
   stands in.
2. People: each name found gets an identity, and its parts become a
   deny-list for the whole ticket (`people`).
3. Patterns: Presidio's AnalyzerEngine runs secrets, URLs/hosts, emails,
   phones, IPs and cards once over each whole text (no chunk edges to miss a
   key block or a URL on), with blank NLP artifacts; the ticket's deny-lists
   and the people's parts run beside it. Inside an allow-listed link, what is
   part of the link is dropped (`network.outside_allowed_links`, the rule the
   LeakScanner applies too).
4. Recurrences: the identifier-shaped structured values found (a bucket, a
   cloud project) are redacted wherever else they stand in the ticket
   (`recurrence`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Sequence

from presidio_analyzer import AnalyzerEngine

from redaction.chunks import plan
from redaction.codewords import identifiers, lower_case_words
from redaction.contexts import ContextFinder
from redaction.coordination import ListFinder
from redaction.engine import LANGUAGE, LoadedSpacyNlpEngine, blank_artifacts
from redaction.identifiers import AccountFinder
from redaction.known import PERSON, KnownEntityRecognizer
from redaction.models import Finding
from redaction.names import NameFinder, name_lists
from redaction.ner import LABEL_MAPPING, OTHER, UNKNOWN_NAME_LABELS, NerPolicy, may_hold_entity
from redaction.network import outside_allowed_links
from redaction.people import People, name_words
from redaction.recognizers import findings_from
from redaction.recurrence import recurrence_recognizer

NAME_FINDER = "NameFinder"
CONTEXT_FINDER = "NameContext"  # a place only names stand in: "Hi …,", "Signed-off-by: …"
NAME_CUE = "NameCue"  # a word before what people do ("… said"): redacted where found, not spread on its own
ACCOUNT_FINDER = "AccountFinder"
LIST_FINDER = "NameList"  # "Ostrik, Maresk and Tolvic": in one list with a name found
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
        places: ContextFinder | None = None,
        accounts: AccountFinder | None = None,
        members: ListFinder | None = None,
        chunk_chars: int,
        overlap: int,
        batch_size: int,
        bulk_chars: int,
    ):
        self._analyzer = analyzer
        self._nlp_engine = nlp_engine
        self._policy = policy
        self._names = names
        self._places = places or ContextFinder()
        self._accounts = accounts or AccountFinder()
        self._members = members or ListFinder()
        max_length = nlp_engine.get_nlp(LANGUAGE).max_length
        self._chunk_chars = min(chunk_chars, max_length - 1)
        self._overlap = overlap
        self._batch_size = batch_size
        self._bulk_chars = bulk_chars
        self._pattern_entities = sorted({e for r in analyzer.registry.recognizers for e in r.supported_entities})

    def analyze(self, texts: Sequence[str], use_ner: Sequence[bool], known: KnownEntityRecognizer) -> list[list[Finding]]:
        """Findings per text; `known` is the ticket's deny-list recognizer (ad hoc, per ticket)."""
        found: list[list[Finding]] = [[] for _ in texts]
        policy = self._policy.with_kept_names(known.known.kept_names)
        self._ner_pass(texts, use_ner, policy, found)
        kept = known.known.kept_names
        names = self._names.with_blocked(kept)
        places, accounts = self._places.with_blocked(kept), self._accounts.with_blocked(kept)
        members = self._members.with_blocked(kept)
        for i, text in enumerate(texts):
            if use_ner[i] and text.strip():
                found[i] += [Finding(PERSON, s, e, NAME_FINDER, 0.85) for s, e in names.find(text)]
                found[i] += [Finding(PERSON, s, e, NAME_FINDER, 0.85) for s, e in policy.lower_case_names(text)]
                found[i] += [Finding(PERSON, s, e, NAME_FINDER, 0.85) for s, e in names.lone_names(text)]
                found[i] += [
                    Finding(entity, s, e, CONTEXT_FINDER if sure else NAME_CUE, 0.9) for entity, s, e, sure in places.find(text)
                ]
                found[i] += [Finding(entity, s, e, ACCOUNT_FINDER, 0.9) for entity, s, e in accounts.find(text)]
        _drop_code_words(texts, found)
        listed = []
        for i, text in enumerate(texts):
            persons = [(f.start, f.end) for f in found[i] if f.type == PERSON and f.recognizer != ACCOUNT_FINDER]
            added = [Finding(PERSON, s, e, LIST_FINDER, 0.85) for s, e in members.find(text, persons)]
            if added:
                found[i] += added
                listed.append(i)
        _drop_code_words(texts, found, listed)  # a list member the text also writes as code
        people = People(known, names, confirming=frozenset({CONTEXT_FINDER, ACCOUNT_FINDER}))
        found, propagated = people.identify(texts, found)
        for i, text in enumerate(texts):
            if text.strip():
                found[i] = self._with_patterns(text, found[i], (known, propagated))
        recurring = recurrence_recognizer(texts, found)
        if recurring is not None:
            for i, text in enumerate(texts):
                found[i] += recurring.findings(text)
        return found

    def _ner_pass(self, texts: Sequence[str], use_ner: Sequence[bool], policy: NerPolicy, found: list[list[Finding]]) -> None:
        docs = plan(
            texts,
            use_ner,
            chunk_chars=self._chunk_chars,
            overlap=self._overlap,
            bulk_chars=self._bulk_chars,
            readable=may_hold_entity,
        )
        if not docs:
            return
        nlp = self._nlp_engine.get_nlp(LANGUAGE)
        # spaCy's docs are read directly: going through Presidio's NlpArtifacts and SpacyRecognizer
        # builds every entity list twice per doc and costs a fifth of the NER itself.
        for parsed, doc in nlp.pipe(((d.text, d) for d in docs), batch_size=self._batch_size, as_tuples=True):
            entities = [
                (LABEL_MAPPING.get(e.label_, OTHER), e.start_char, e.end_char)
                for e in parsed.ents
                if e.label_ in LABEL_MAPPING or e.label_ in UNKNOWN_NAME_LABELS
            ]
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
                        spans = [(entity, s, e) for s, e in policy.accept(entity, texts[i], start + shift, end + shift)]
                        for kind, s, e in spans or policy.unknown_words(entity, texts[i], start + shift, end + shift):
                            found[i].append(Finding(kind, s, e, NER_RECOGNIZER, NER_SCORE))

    def _with_patterns(self, text: str, ner: list[Finding], deny_lists: Sequence[KnownEntityRecognizer]) -> list[Finding]:
        results = self._analyzer.analyze(text, LANGUAGE, entities=self._pattern_entities, nlp_artifacts=blank_artifacts())
        findings, allowed = findings_from(results)
        for deny_list in deny_lists:
            # Called directly: a per-ticket regex needs none of the analyzer's bookkeeping.
            findings += deny_list.findings(text)
        findings += ner
        return outside_allowed_links(findings, allowed)


# Findings made from a word's shape or the model's guess, not from where the word stands.
_GUESSES = frozenset({NER_RECOGNIZER, NAME_FINDER, NAME_CUE, LIST_FINDER})


def _drop_code_words(texts: Sequence[str], found: list[list[Finding]], only: Sequence[int] | None = None) -> None:
    """Guessed persons with a word the ticket writes as code (`codewords`): "Len", "Gt", "Chardet", "Blis".

    An identifier (`Len(3)`, `import Gt`, `Chardet 7.7`) is code wherever the ticket writes it,
    unless another word of the span is a listed name. A word the same text merely writes in lower
    case is code only if no word of the span is a listed given name ("Anna Blis"): a person's
    name in lower case is a user name. `only`: the texts to look at (default all)."""
    lists = name_lists()
    code: frozenset[str] | None = None
    for i in range(len(found)) if only is None else only:
        findings = found[i]
        spans = [f for f in findings if f.type == PERSON and f.recognizer in _GUESSES]
        if not spans:
            continue
        if code is None:
            code = identifiers(texts)
        lower = lower_case_words(texts[i])
        drop = set()
        for f in spans:
            words = name_words(texts[i][f.start : f.end])
            if all(w.islower() for w in words):
                continue  # "ping tola": the lower-case word is the finding itself
            folded = [w.casefold() for w in words]
            named = [lists.is_first(w) or lists.is_last(w) for w in words]
            if any(c in code and not any(n for k, n in enumerate(named) if k != j) for j, c in enumerate(folded)):
                drop.add(id(f))
            elif any(c in lower for c in folded) and not any(lists.plain_first(w) for w in words):
                drop.add(id(f))
        if drop:
            found[i] = [f for f in findings if id(f) not in drop]
