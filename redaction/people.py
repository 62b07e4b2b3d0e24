"""One ticket's people beyond its deny-lists: who each name found in text is, and where else they appear.

NER and the name finder see a person in one place ("Lukas Yilmaz is the one
who changed the config"); the same ticket then says "Big thanks to Lukas" or
"ask Yilmaz", which neither detector reads as a name on its own. So a ticket
is analysed in two steps: first every text is searched for names, then each
name found is given an identity and every distinctive part of it becomes a
deny-list term for the whole ticket, exactly as if Zendesk had known the
person. That also gives each person one placeholder everywhere.

Identities, in this order:

- a name the ticket's deny-lists already know (the requester, a CC) is that
  user (`user:42`), so NER and the deny-list agree on one number;
- a name of two or more words is a person of its own (`person:lukas yilmaz`),
  unless its first and last words already belong to one;
- a single word belongs to the full name it is part of, if any; else it is a
  person of its own.

A name is propagated only when one of its words is on the name lists (NER's
"WebhookListener Failed" is redacted where found, nowhere else), and then
only its parts that identify: three letters or more, not a common word, not
a tool or vocabulary word, not a kept agent's name; a lone word only when it
is on the name lists itself.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Sequence

from redaction.known import NAME_GAP, PERSON, KnownEntities, KnownEntityRecognizer, Term, word_pattern
from redaction.models import Finding
from redaction.names import WORD, NameFinder, fold, name_lists
from redaction.vocabulary import COMMON_WORDS

PROPAGATED = "PersonPropagation"
_NOT_A_PERSON = "-"


def name_words(value: str) -> list[str]:
    words = WORD.findall(value)
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]


class People:
    """Identities and propagation for the PERSON detections of one ticket."""

    def __init__(self, known: KnownEntityRecognizer, finder: NameFinder):
        self._known = known
        self._finder = finder
        self._lists = name_lists()

    def identify(
        self, texts: Sequence[str], found: Sequence[list[Finding]]
    ) -> tuple[list[list[Finding]], KnownEntityRecognizer]:
        """`found` with every PERSON detection given an identity, and a recognizer for the parts to propagate."""
        by_word: dict[str, str] = {}
        names: dict[str, list[list[str]]] = {}  # identity -> the names it was seen as
        assigned: dict[tuple[int, int, int], str] = {}
        dropped: set[tuple[int, int, int]] = set()
        pending = sorted(
            ((i, d) for i, detections in enumerate(found) for d in detections if d.type == PERSON and d.identity is None),
            key=lambda item: (item[0], item[1].start),
        )
        # Full names first, so a first name alone earlier in the ticket still finds its person.
        for multi in (True, False):
            for i, d in pending:
                words = name_words(texts[i][d.start : d.end])
                if not words or (len(words) > 1) != multi:
                    continue
                identity = self._known_identity(texts[i][d.start : d.end]) or self._identity(words, by_word)
                if identity == _NOT_A_PERSON:
                    dropped.add((i, d.start, d.end))
                    continue
                assigned[(i, d.start, d.end)] = identity
                if not identity.startswith("user:"):
                    names.setdefault(identity, []).append(words)
                    for word in words:
                        by_word.setdefault(fold(word), identity)
        out = [
            [
                dataclasses.replace(d, identity=assigned[(i, d.start, d.end)]) if (i, d.start, d.end) in assigned else d
                for d in detections
                if (i, d.start, d.end) not in dropped or d.type != PERSON
            ]
            for i, detections in enumerate(found)
        ]
        return out, KnownEntityRecognizer(KnownEntities(terms=tuple(self._terms(names)), kept_names=frozenset()), name=PROPAGATED)

    def _known_identity(self, value: str) -> str | None:
        for term, _, _ in self._known.find(value):
            # NER calls "Hooli Cloud" a person; the deny-list knows it is the organization.
            return term.identity if term.entity == PERSON else _NOT_A_PERSON
        return None

    @staticmethod
    def _identity(words: list[str], by_word: dict[str, str]) -> str:
        folded = [fold(w) for w in words]
        if len(folded) == 1:
            return by_word.get(folded[0]) or "person:" + folded[0]
        first, last = by_word.get(folded[0]), by_word.get(folded[-1])
        if first is not None and first == last:
            return first
        return "person:" + " ".join(folded)

    def _terms(self, names: dict[str, list[list[str]]]) -> Iterable[Term]:
        lists = self._lists
        for identity, seen in names.items():
            if not any(lists.is_first(w) or lists.is_last(w) for words in seen for w in words):
                continue  # nothing says this is a name ("WebhookListener Failed"): redact it where found only
            parts: dict[str, str] = {}
            for words in seen:
                if len(words) > 1:
                    yield Term(PERSON, identity, NAME_GAP.join(word_pattern(w) for w in words))
                for word in words:
                    if self._distinctive(word, alone=len(words) == 1):
                        parts.setdefault(fold(word), word)
            for word in parts.values():
                yield Term(PERSON, identity, word_pattern(word))

    def _distinctive(self, word: str, alone: bool) -> bool:
        folded = fold(word)
        letters = sum(c.isalpha() for c in word)
        if letters < 3 or folded in COMMON_WORDS or self._finder.blocked(word):
            return False
        # A lone word NER called a person spreads only when it is a known name.
        return not alone or self._lists.is_first(word) or self._lists.is_last(word)
