"""Named-entity recognition: which spaCy labels count, and which spans of them we redact.

Label decisions (spaCy's OntoNotes labels):

    PERSON        redacted (<PERSON_n>) unless the span is a greeting, a tool, an
                  acronym or a kept agent's name
    ORG           redacted (<ORG_n>) only with a legal ending ("Initech LLC");
                  the small model calls product names ORG ("Sourcegraph",
                  "Kubernetes"), and the ticket's own organization is caught by
                  the deny-list anyway
    everything    kept: DATE/TIME/CARDINAL/ORDINAL/QUANTITY/PERCENT/MONEY are facts
    else          of the case ("every few minutes", "3.42.1"); PRODUCT/WORK_OF_ART/
                  LAW/LANGUAGE/EVENT/FAC name software and docs; GPE/LOC/NORP name
                  regions and data centres, not people
"""

from __future__ import annotations

import re
from typing import Iterable

from redaction.vocabulary import CORPORATE_ENDINGS, NOT_NAME_WORDS, TECH_WORDS

PERSON = "PERSON"
ORG = "ORG"
NER_ENTITIES = (PERSON, ORG)
# spaCy label -> our entity; every label not here is dropped before Presidio sees it.
LABEL_MAPPING = {"PERSON": PERSON, "PER": PERSON, "ORG": ORG}

_TOKEN = re.compile(r"\S+")
_LINE = re.compile(r"[^\n]+")
_PUNCT = ".,;:!?()[]{}\"'`<>*|/\\"
_ENDINGS = frozenset(e.strip(".") for e in CORPORATE_ENDINGS)
_NAME_TOKEN = re.compile(r"^[^\W\d_]+(?:['’.\-][^\W\d_]*)*\.?$")


class NerPolicy:
    """Turns raw NER spans into the spans we redact, or None."""

    def __init__(self, allow_terms: Iterable[str], kept_names: frozenset[str] = frozenset()):
        self._never = frozenset(t.casefold() for t in allow_terms) | TECH_WORDS
        self._kept = kept_names

    def with_kept_names(self, kept_names: frozenset[str]) -> "NerPolicy":
        policy = NerPolicy((), kept_names)
        policy._never = self._never
        return policy

    def accept(self, entity: str, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of an NER span to redact; a span across lines ("Ana Ruiz\nPlatform") is split."""
        check = self._person if entity == PERSON else self._org if entity == ORG else None
        if check is None:
            return []
        spans = []
        for m in _LINE.finditer(text, start, end):
            span = check(text, m.start(), m.end())
            if span:
                spans.append(span)
        return spans

    def _words(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        words = []
        for m in _TOKEN.finditer(text, start, end):
            raw = m.group()
            left = len(raw) - len(raw.lstrip(_PUNCT))
            core = raw.strip(_PUNCT)
            if core.endswith(("'s", "’s")):
                core = core[:-2]
            if core:
                s = m.start() + left
                words.append((s, s + len(core), core))
        return words

    def _person(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        words = self._words(text, start, end)
        while words and self._not_name(words[0][2]):
            words.pop(0)  # "Hi", "Thanks", a stray key or number at the edge
        while words and self._not_name(words[-1][2]):
            words.pop()
        if not words:
            return None
        cores = [w[2] for w in words]
        if not all(_NAME_TOKEN.match(c) for c in cores):
            return None  # digits, underscores, paths, keys inside: not a name
        if not any(c[0].isupper() for c in cores):
            return None
        if all(c.isupper() and len(c) > 1 for c in cores):
            return None  # ERROR, WARN, SAML
        folded = [c.casefold() for c in cores]
        if any(f in self._never for f in folded):
            return None
        if " ".join(folded) in self._kept or all(f in self._kept for f in folded):
            return None
        if len(cores) == 1 and len(cores[0].rstrip(".")) < 2:
            return None
        return words[0][0], words[-1][1]

    def _not_name(self, word: str) -> bool:
        folded = word.casefold()
        return folded in NOT_NAME_WORDS or folded in self._never or not _NAME_TOKEN.match(word)

    def _org(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        words = self._words(text, start, end)
        if len(words) < 2 or words[-1][2] not in _ENDINGS:
            return None
        if not any(w[2][:1].isupper() and w[2].casefold() not in self._never for w in words[:-1]):
            return None
        return words[0][0], words[-1][1]
