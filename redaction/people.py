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

A name is propagated only when one of its words is on the name lists or no
ordinary word of any language (`english`), or it was found by where it stands (`contexts`: "Hi Karolin,", "[09:12] Tymeo:");
NER's "WebhookListener Failed" is redacted where found, nowhere else. Then
only its parts that identify: three letters or more, not a tool or
vocabulary word, not a kept agent's name; a lone word only when it is on the
name lists or no ordinary word itself, or was found by context. A part that is also an ordinary
word ("Will", "Rose", "Batch") recurs only as the same capitalized word, at
word edges; any other part in any letter case, also inside a user name
(`dev-marek`, `marek.nowak`), never inside a longer word or a call (`MinLen`,
`len(x)`).
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.english import lexicon
from redaction.known import NAME_GAP, ORG, PERSON, KnownEntities, KnownEntityRecognizer, Term, word_pattern
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

    def __init__(self, known: KnownEntityRecognizer, finder: NameFinder, confirming: frozenset[str] = frozenset()):
        self._known = known
        self._finder = finder
        self._lists = name_lists()
        self._lexicon = lexicon()
        # Recognizers whose findings are names because of where they stand, not because of a list.
        self._confirming = confirming

    def identify(
        self, texts: Sequence[str], found: Sequence[list[Finding]]
    ) -> tuple[list[list[Finding]], KnownEntityRecognizer]:
        """`found` with every PERSON detection given an identity, and a recognizer for the parts to propagate."""
        by_word: dict[str, str] = {}
        names: dict[str, list[list[str]]] = {}  # identity -> the names it was seen as
        confirmed: set[str] = set()
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
                    if d.recognizer in self._confirming:
                        confirmed.add(identity)
                    for word in words:
                        by_word.setdefault(fold(word), identity)
        organizations: dict[str, list[str]] = {}
        for i, detections in enumerate(found):
            for d in detections:
                if d.type == ORG and d.identity is None and d.recognizer in self._confirming:
                    words = name_words(texts[i][d.start : d.end])
                    if words:
                        identity = "orgname:" + " ".join(fold(w) for w in words)
                        assigned[(i, d.start, d.end)] = identity
                        organizations[identity] = words
        out = [
            [
                dataclasses.replace(d, identity=assigned[(i, d.start, d.end)]) if (i, d.start, d.end) in assigned else d
                for d in detections
                if (i, d.start, d.end) not in dropped or d.type != PERSON
            ]
            for i, detections in enumerate(found)
        ]
        terms = tuple(self._terms(names, confirmed)) + tuple(self._organization_terms(organizations))
        return out, KnownEntityRecognizer(KnownEntities(terms=terms, kept_names=frozenset()), name=PROPAGATED)

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

    def _terms(self, names: dict[str, list[list[str]]], confirmed: set[str]) -> Iterable[Term]:
        lists = self._lists
        for identity, seen in names.items():
            sure = identity in confirmed
            if not sure and not any(self._says_name(w) for words in seen for w in words):
                continue  # nothing says this is a name ("WebhookListener Failed"): redact it where found only
            parts: dict[str, str] = {}
            for words in seen:
                if len(words) > 1:
                    yield Term(PERSON, identity, NAME_GAP.join(self._pattern(w) for w in words), words_only=True)
                for word in words:
                    if self._distinctive(word, alone=len(words) == 1, sure=sure):
                        parts.setdefault(fold(word), word)
            for word in parts.values():
                yield Term(PERSON, identity, self._pattern(word), words_only=True)

    def _organization_terms(self, organizations: dict[str, list[str]]) -> Iterable[Term]:
        """An organization found by context recurs whole, and by its words that are no ordinary word."""
        for identity, words in organizations.items():
            if len(words) > 1:
                yield Term(ORG, identity, NAME_GAP.join(self._pattern(w) for w in words), words_only=True)
            for word in words:
                if len(word) >= 3 and not self._finder.blocked(word) and not self._lexicon.is_word(word):
                    yield Term(ORG, identity, word_pattern(word), words_only=True)

    def _pattern(self, word: str) -> str:
        if self._lexicon.is_word(word) or fold(word) in COMMON_WORDS:
            # "Will", "Batch": only the capitalized name, never the ordinary word.
            return "(?-i:" + word_pattern(word[:1].upper() + word[1:]) + ")"
        return word_pattern(word)

    def _distinctive(self, word: str, alone: bool, sure: bool) -> bool:
        letters = sum(c.isalpha() for c in word)
        if letters < 3 or (len(word) > 1 and word.isupper()):
            return False
        if self._finder.blocked(word) and not (sure and fold(word) in STOP_WORDS and self._lists.is_first(word)):
            return False  # a tool or a stop word; but "Hi Will," makes "Will" a name (capitalized only)
        if not sure and self._lexicon.is_word(word) and not self._lists.is_first(word):
            return False  # NER's "Lorem Provider": "Provider" alone is no name
        # A lone word NER called a person spreads only when it is a known name.
        return sure or not alone or self._says_name(word)

    def _says_name(self, word: str) -> bool:
        """A listed name, or a word of no language ("Tymeo"): either way no ordinary word."""
        return self._lists.is_first(word) or self._lists.is_last(word) or not self._lexicon.is_word(word)
