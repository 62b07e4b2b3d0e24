"""What a person's name looks like: given names and family names, and name-shaped spans in text.

The small English model misses many names it has not seen in a sentence it
expects: a name at the start of a paragraph after a pasted log ("Lukas Yilmaz
is the one who…"), a name followed by a bracket ("Isabel O'Connor (our
platform lead)"), a name it calls an organization ("escalated to Marcus
Mensah"). `NameFinder` catches those by shape: a known given name followed by
one or more capitalized name words. It is gated so that technical prose
survives:

- the given name must be on the list (`data/first_names.txt`) and not a tool,
  product or vocabulary word; a given name that is also an English word
  ("Grace", "Mark") counts only before a family name from the list that is not
  one ("Mark Chen" is a name, "Grace Period" is not); so does a capitalized
  word on neither list and of no language ("Yevgenia Lindqvist"), also before
  another such word;
- the next word must be capitalized, not a stop word, tool or vocabulary word,
  and either a family name from the list or not a common word ("Thandiwe King"
  is a name, "Maria Server" is not);
- the words must sit on one line, separated by spaces (optionally a particle:
  "Megan van der Berg"), and not inside an identifier (`a.Jane`, `user_Jane`).

The lists come from Faker's person providers (see the files' headers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.english import WORD, fold, lexicon
from redaction.software import is_software
from redaction.tools import tool_place
from redaction.unknownwords import is_unknown
from redaction.vocabulary import COMMON_WORDS, NOT_NAME_WORDS, PRODUCT_WORDS, TECH_WORDS

_DATA = Path(__file__).with_name("data")
# Lower-case particles inside family names.
PARTICLES = frozenset("van von der den de da di del della dos das du la le ter ten bin ibn al el st".split())
_GAP = re.compile(r"[ \t]{1,2}")
# Characters that make a word part of an identifier, a path or an address rather than prose.
_GLUE_BEFORE = frozenset("@./\\_-:=$%#&+~*`")
_GLUE_AFTER = frozenset("@/\\_(=$%#&+~*`")
MAX_WORDS = 4
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
# A word that starts with a capital (or a letter outside a-z), then a gap, particles, and another such word.
# Only its first letter is consumed, so "Hi Kenji Mendoza" is a candidate at "Hi" and again at "Kenji".
# A capitalized word after a lower-case word or a comma, one space away, on the same line.
_MID_SENTENCE_WORD = re.compile(r"(?<=[a-z,] )([^\W\d_a-z][^\W\d_A-Z]{2,})(?![^\W\d_])")
_CANDIDATE = re.compile(
    r"(?<![^\W\d_])[^\W\d_a-z](?=[^\W\d_]*(?:['’\-][^\W\d_]+)*[ \t]{1,2}"
    r"(?:(?:" + "|".join(sorted(PARTICLES)) + r")[ \t]{1,2})*[^\W\d_a-z])"
)


@dataclass(frozen=True)
class NameLists:
    """Folded given and family names; `*_words` are the ones that are also English words."""

    first: frozenset[str]
    first_words: frozenset[str]
    last: frozenset[str]
    last_words: frozenset[str]

    def is_first(self, word: str) -> bool:
        folded = fold(word)
        return folded in self.first or any(p in self.first for p in folded.split("-") if len(p) >= 3)

    def is_last(self, word: str) -> bool:
        return fold(word) in self.last

    def plain_first(self, word: str) -> bool:
        """A given name that is not also an English word."""
        folded = fold(word)
        return self.is_first(word) and folded not in self.first_words and folded not in COMMON_WORDS

    def plain_last(self, word: str) -> bool:
        folded = fold(word)
        return folded in self.last and folded not in self.last_words and folded not in COMMON_WORDS


def _read(name: str) -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    words: set[str] = set()
    for line in (_DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, mark = line.partition(" ")
        names.add(fold(word))
        if mark.strip() == "*":
            words.add(fold(word))
    return frozenset(names), frozenset(words)


@lru_cache(maxsize=1)
def name_lists() -> NameLists:
    """The shipped lists, read once per process."""
    first, first_words = _read("first_names.txt")
    last, last_words = _read("surnames.txt")
    return NameLists(first, first_words, last, last_words)


class NameFinder:
    """Spans shaped like a person's full name, found without NER (see the module docstring)."""

    def __init__(self, blocked: Iterable[str] = (), lists: NameLists | None = None):
        self._lists = lists or name_lists()
        # Words that are never part of a name here: tools, the vendor, kept agents' names.
        self._never = frozenset(fold(b) for b in blocked) | TECH_WORDS | NOT_NAME_WORDS | PRODUCT_WORDS

    def with_blocked(self, more: Iterable[str]) -> "NameFinder":
        finder = NameFinder((), self._lists)
        finder._never = self._never | frozenset(fold(b) for b in more)
        return finder

    def blocked(self, word: str) -> bool:
        folded = fold(word)
        return folded in self._never or folded in STOP_WORDS

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        resume = 0
        line_end = -1  # the end of the candidate's line; looked up again only past it (one long line is one scan)
        # Only where a capitalized word is followed by another (or a particle): a few places per text.
        for candidate in _CANDIDATE.finditer(text):
            if candidate.start() < resume:
                continue
            if line_end < candidate.start():
                line_end = text.find("\n", candidate.start())
                line_end = len(text) if line_end < 0 else line_end
            words = []
            for m in WORD.finditer(text, candidate.start(), line_end):
                words.append((m.start(), m.end(), m.group()))
                if len(words) >= 2 * MAX_WORDS:
                    break
            span = self._name_at(text, words, 0)
            if span is not None:
                yield span[0], span[1]
                resume = span[1]

    def lone_names(self, text: str) -> Iterator[tuple[int, int]]:
        """A name alone in mid-sentence ("why is Marek so quiet", "ask Vetrana, she knows"): a listed
        given name or a word no lexicon knows (`unknownwords`), no tool or software name, after a
        lower-case word or a comma. A sentence's first word is left to the places that know its grammar."""
        lex = lexicon()
        for m in _MID_SENTENCE_WORD.finditer(text):
            word, start, end = m.group(1), m.start(1), m.end(1)
            if self.blocked(word) or fold(word) in NOT_NAME_WORDS:
                continue
            listed = self._lists.plain_first(word) and not (lex.is_word(word) or lex.is_common_abroad(word) or is_software(word))
            if not listed and not is_unknown(word, False, self._never):
                continue
            if end < len(text) and (text[end] in _GLUE_AFTER or (text[end] == "." and text[end + 1 : end + 2].isalnum())):
                continue  # `Marek.config`, `Marek(3)`
            if tool_place(text, start, end):
                continue  # "the Julia runtimes"
            yield start, end

    def _name_at(self, text: str, words: list[tuple[int, int, str]], i: int) -> tuple[int, int, int] | None:
        start, end, word = words[i]
        if not _capitalized(word) or fold(word) in self._never or (start and text[start - 1] in _GLUE_BEFORE):
            return None
        listed = self._lists.is_first(word)
        if listed:
            # A given name that is also a stop word ("Will", "May") still leads a name before a family name.
            plain = self._lists.plain_first(word) and fold(word) not in STOP_WORDS
        elif self._unknown_given(word):
            plain = False  # an unlisted given name ("Yevgenia") only before a listed family name
        else:
            return None
        last_end, j, count = end, i + 1, 1
        while j < len(words) and count < MAX_WORDS:
            k = j
            while k < len(words) - 1 and words[k][2] in PARTICLES:
                k += 1  # "van der Berg": particles count only before a capitalized family name
            ends = [last_end] + [w[1] for w in words[j:k]]  # where each gap up to word k starts
            if not all(_GAP.fullmatch(text[e : w[0]]) for e, w in zip(ends, words[j : k + 1])):
                break
            if not self._surname(words[k][2], after_plain_first=plain and count == 1, after_unknown=not listed):
                break
            if count == 1 and not listed and self._lists.is_first(words[k][2]):
                return None  # "Big Lukas Yilmaz": the name starts at the given name
            last_end, j, count = words[k][1], k + 1, count + 1
        if count < 2:
            return None
        if last_end < len(text) and text[last_end] in _GLUE_AFTER:
            return None
        return start, last_end, j - i

    def _unknown_given(self, word: str) -> bool:
        folded = fold(word)
        lists = self._lists
        return (
            len(word) >= 3
            and word.isalpha()
            and not _INNER_CAPITAL.search(word)
            and folded not in STOP_WORDS
            and folded not in COMMON_WORDS
            and folded not in lists.last_words
            and folded not in lists.first_words
            and not lexicon().is_word(word)
        )

    def _surname(self, word: str, after_plain_first: bool, after_unknown: bool = False) -> bool:
        if not _capitalized(word) or self.blocked(word):
            return False
        lists = self._lists
        if after_unknown and self._unknown_given(word) and not lists.is_first(word):
            return True  # two words of no language in a row: "Yevgenia Lindqvist" whatever the lists say
        if after_plain_first:
            # After an unmistakable given name: any capitalized word that is not common, or a family name.
            return lists.is_last(word) or (not lexicon().is_word(word) and fold(word) not in lists.first_words)
        return lists.plain_last(word)


def _capitalized(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())
