"""Names that stand in one list with a name found: "Tiberne, Ostrik and Maresk were on the call".

A list joins words of one kind. The small model often tags one member of a
list of names a person and the others an organization, a place or nothing
("Ostrik" PERSON, "Maresk" GPE); so when NER, the name finder or a place
finds one member a person, the other members are people too if they could be
names: every word capitalized, none a tool, vocabulary, stop word or kept
agent's name, and one of them a listed name that is no common word or no
ordinary word of any language (`english`). "Anna, Support and Billing" keeps
"Support" and "Billing".

Members are one or two capitalized words on one line, joined by ",", "and",
"or", "&" (", and" too). Nothing is found in a list with no name in it: a
list of products ("Gunicorn, Uvicorn and Hypercorn") stays as it is, unless
the model already took one of them for a person, and then its neighbours go
with it (a leak is the worse mistake).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate
from typing import Iterable, Iterator, Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.english import fold, lexicon
from redaction.names import NameLists, name_lists
from redaction.vocabulary import FOREIGN_FORMULAS, NOT_NAME_WORDS, PRODUCT_WORDS, TECH_WORDS

_CAPITALIZED = r"[^\W\d_a-z][^\W\d_]*(?:['’\-][^\W\d_]+)*"
_MEMBER = re.compile(rf"(?<![^\W\d_]){_CAPITALIZED}(?:[ \t]{_CAPITALIZED})?(?![^\W\d_])")
_JOIN = r"[ \t]*,[ \t]*(?:(?:and|or|&)[ \t]+)?|[ \t]+(?:and|or|&)[ \t]+"
_LIST = re.compile(rf"{_MEMBER.pattern}(?:(?:{_JOIN}){_MEMBER.pattern})+")
# A member glued to what stands before it is part of an identifier or a path: `cfg.Anna`, `@Anna`.
_GLUE = frozenset("@./\\_-:=$%#+~*`")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


class ListFinder:
    """Members of a list next to a name found (see the module docstring)."""

    def __init__(self, blocked: Iterable[str] = (), lists: NameLists | None = None):
        self._lists = lists or name_lists()
        self._lexicon = lexicon()
        self._never = frozenset(fold(b) for b in blocked) | TECH_WORDS | NOT_NAME_WORDS | PRODUCT_WORDS | FOREIGN_FORMULAS

    def with_blocked(self, more: Iterable[str]) -> "ListFinder":
        finder = ListFinder((), self._lists)
        finder._never = self._never | frozenset(fold(b) for b in more)
        return finder

    def find(self, text: str, names: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        """(start, end) of the members that could be names, of every list with one of `names` in it."""
        if not names:
            return
        ordered = sorted(names)
        starts, reach = [s for s, _ in ordered], list(accumulate((e for _, e in ordered), max))
        for found in _LIST.finditer(text):
            members = [m for m in _MEMBER.finditer(text, found.start(), found.end())]
            named = [m for m in members if _overlaps(starts, reach, m.start(), m.end())]
            if not named:
                continue
            for member in members:
                if member in named or (member.start() and text[member.start() - 1] in _GLUE):
                    continue
                words = member.group().split()
                if len(words) > 1 and self._lead_word(words[0]):
                    words = words[1:]  # "Ask Pradlic & Drovan": a sentence's first word is no part of the name
                if self._could_be_name(words):
                    yield member.end() - len(" ".join(words)), member.end()

    def _lead_word(self, word: str) -> bool:
        folded = fold(word)
        return folded in STOP_WORDS or folded in self._never or (self._lexicon.is_word(word) and not self._lists.is_first(word))

    def _could_be_name(self, words: list[str]) -> bool:
        for word in words:
            folded = fold(word)
            if folded in self._never or folded in STOP_WORDS or _INNER_CAPITAL.search(word):
                return False
            if len(word) > 1 and word.isupper():
                return False
        return any(self._name_word(w) for w in words)

    def _name_word(self, word: str) -> bool:
        lists = self._lists
        if lists.plain_first(word) or lists.plain_last(word):
            return True
        return len(word) >= 3 and not self._lexicon.is_word(word)


def _overlaps(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Whether a span starting before `end` reaches past `start`; `reach[i]` is the furthest end of the first i+1."""
    before = bisect_left(starts, end)
    return before > 0 and reach[before - 1] > start
