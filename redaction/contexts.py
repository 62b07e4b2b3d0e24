"""Names found by where they stand: the places in a support ticket that hold a person's or a company's name.

A name list cannot know every name, and the small English model calls many
unknown names an organization or nothing at all. But a ticket says where its
names are: after a greeting ("Hi Karolin,"), under a sign-off ("Thanks,\\n
Tymeo"), on a signature's first line, in a mail header ("From:", "… wrote:"),
before a chat line's colon ("[09:12] Nikol:"), in a git trailer ("Author:",
"Signed-off-by:"), after "my colleague" or "our CTO,", after "cc" or "@", and
before what only people do ("… said", "… is out until Monday"). An
organization stands before "'s security team", after "platform lead at" or
"our parent company", and after a job title in a signature ("DevOps Lead |
Prosegur").

Each place is one compiled pattern (`places`), run once over the text. What
stands there is a name when its words pass the place's test:

- strong places (greetings, sign-offs, signatures, headers, chat, git,
  "my colleague", cc/@): capitalized words that are no tool, vocabulary or
  stop word, at least one of them a listed name or no ordinary word;
- weak places (the verbs people do things with): the first word a listed
  given name that is no common word, or no ordinary word at all;
- chat places also take lower-case names ("thanks, marek", "[09:12] marek:"):
  words of three letters or more that are listed names but no common word, or
  no ordinary word of any language (`english`).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.addresses import find_addresses
from redaction.blobs import prose_spans
from redaction.english import fold, lexicon
from redaction.names import PARTICLES, WORD, NameLists, name_lists
from redaction.places import COMPANY, PLACES, STRONG, WEAK, Place
from redaction.vocabulary import (
    COMMON_WORDS,
    CORPORATE_ENDINGS,
    FOREIGN_FORMULAS,
    NOT_NAME_WORDS,
    ORG_SUFFIXES,
    PRODUCT_WORDS,
    TECH_WORDS,
)

PERSON = "PERSON"
ORG = "ORG"

_INITIAL = re.compile(r"[^\W\d_]\.")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]|^[A-Z]{2,}[a-z]")
# Whom a postal address is for: a line of two to four name words above its street line.
_COMPANY_ENDINGS = frozenset(fold(e.strip(".")) for e in CORPORATE_ENDINGS) | ORG_SUFFIXES
# Before the name on such a line: quote marks, bullets, a label ("Billing address:").
_LINE_PREFIX = re.compile(r"[ \t>?*|#•-]*(?:[^\W\d_][^\W\d_ \t]*(?:[ \t][^\W\d_]+){0,2}[ \t]*:[ \t]*)?")
_NAME_LINE = (
    rf"(?:{_INITIAL.pattern}[ \t]?{WORD.pattern}|{WORD.pattern}[ \t]{{1,2}}{WORD.pattern})(?:[ \t]{{1,2}}{WORD.pattern}){{0,2}}"
)
_NAME_LINE_ALONE = re.compile(rf"^{_LINE_PREFIX.pattern}(?P<name>{_NAME_LINE})[ \t,]*$", re.MULTILINE)
# How far below a name line its street line may stand: company, c/o, street; a blank line between.
_BLOCK_LINES, _BLOCK_CHARS = 5, 400


class ContextFinder:
    """Names and organizations by where they stand (see the module docstring)."""

    def __init__(self, blocked: Iterable[str] = (), lists: NameLists | None = None, places: tuple[Place, ...] = PLACES):
        self._lists = lists or name_lists()
        self._lexicon = lexicon()
        self._places = places
        told = frozenset(fold(b) for b in blocked)
        self._never = told | TECH_WORDS | NOT_NAME_WORDS | PRODUCT_WORDS | FOREIGN_FORMULAS
        # A company's name may hold what a person's may not ("Merks Labs", "Cecor Health Systems").
        self._never_in_company = told | TECH_WORDS
        # Where only names stand, a given name that is also a tool is the name ("Hi Ruby,", "-- Julia").
        self._never_in_greeting = self._never - TECH_WORDS

    def with_blocked(self, more: Iterable[str]) -> "ContextFinder":
        finder = ContextFinder((), self._lists, self._places)
        more = frozenset(fold(b) for b in more)
        finder._never, finder._never_in_company = self._never | more, self._never_in_company | more
        finder._never_in_greeting = self._never_in_greeting | more
        return finder

    def find(self, text: str) -> Iterator[tuple[str, int, int, bool]]:
        """(entity, start, end, sure) of every name and organization standing in a place for one.

        `sure`: the place holds names only (a greeting, a header), so the name may recur anywhere."""
        spans = prose_spans(text)
        for place in self._places:
            if place.needs is not None and not any(place.needs.search(text, begin, end) for begin, end in spans):
                continue
            group = "org" if place.strength == COMPANY else "name"
            # Bounds, not slices: `^` and look-behinds still see the text before a span.
            for match in (m for begin, end in spans for m in place.pattern.finditer(text, begin, end)):
                span = self._take(text, match.start(group), match.end(group), place)
                if span is not None:
                    yield (ORG if place.strength == COMPANY else PERSON), span[0], span[1], place.strength != WEAK
        if "\n" in text:
            yield from self._addressees(text)

    def _addressees(self, text: str) -> Iterator[tuple[str, int, int, bool]]:
        """The name lines of address blocks: "Ana Ruiz\nAcme GmbH\nHauptstraße 5\n10115 Berlin" → "Ana Ruiz".

        Name-shaped lines first, then a street line looked for in the few lines below each: most texts
        have no such line, and the address grammar runs on a window, not on the whole text."""
        for line in _NAME_LINE_ALONE.finditer(text):
            if not self._addressee(line.group("name")):
                continue
            below = line.end()
            window = below
            for _ in range(_BLOCK_LINES):
                window = text.find("\n", window + 1, below + _BLOCK_CHARS)
                if window < 0:
                    window = min(len(text), below + _BLOCK_CHARS)
                    break
            for start, _, _ in find_addresses(text[below:window]):
                street = text.rfind("\n", 0, below + start) + 1
                if any(begin == line.start() for begin, _ in _lines_above(text, street)):
                    yield PERSON, line.start("name"), line.end("name"), True
                    break

    def _addressee(self, line: str) -> bool:
        """Name words only, in any letter case; a company's line ("Acme GmbH") is not a person's."""
        words = [w for w in WORD.findall(line) if len(w) > 1 or not line.startswith(w)]
        if fold(words[-1]) in _COMPANY_ENDINGS:
            return False
        for word in words:
            folded = fold(word)
            if folded in self._never or folded in STOP_WORDS or _INNER_CAPITAL.search(word) or (len(word) > 1 and word.isupper()):
                return False
        return any(self._listed(w) or (len(w) >= 3 and not self._ordinary(w)) for w in words)

    def _take(self, text: str, start: int, end: int, place: Place) -> tuple[int, int] | None:
        words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text, start, end)]
        initial = None
        if words and _INITIAL.match(text, words[0][0]) and words[0][1] - words[0][0] == 1:
            initial, words = words[0][0], words[1:]  # "M. Horodecka": the initial goes with the family name
        taken: list[tuple[int, int, str]] = []
        if place.from_right:
            words = self._right_part(words, place)
        paired = self._named_pair(words, place)
        for s, e, word in words:
            possessive = word.endswith(("'s", "’s"))
            if possessive:
                word, e = word[:-2], e - 2
            if word in PARTICLES and taken:
                continue
            if not word or not (self._fits(word, place, first=not taken) or (paired and len(taken) < 2)):
                break
            taken.append((s, e, word))
            if possessive:
                break
        if not taken or not (place.certain or self._names_someone(taken, place)):
            return None
        first = initial if initial is not None and words and taken[0][0] == words[0][0] else taken[0][0]
        return first, taken[-1][1]

    def _right_part(self, words: list[tuple[int, int, str]], place: Place) -> list[tuple[int, int, str]]:
        """The words at the right end that could be a name ("Yesterday Marouan" → "Marouan")."""
        at = len(words)
        while at > 0 and self._fits(words[at - 1][2].removesuffix("'s").removesuffix("’s"), place, first=False):
            at -= 1
        # Then the leftmost of them that can start one.
        while at < len(words) and not (self._fits(words[at][2], place, first=True) or self._named_pair(words[at:], place)):
            at += 1
        return words[at:]

    def _named_pair(self, words: list[tuple[int, int, str]], place: Place) -> bool:
        """A listed given name and a listed family name, both capitalized: a person even where each alone
        is an ordinary word ("talked to Penny Cross", "loop in Chase Knight")."""
        if place.strength != WEAK or len(words) < 2:
            return False
        first, last = words[0][2], words[1][2].removesuffix("'s").removesuffix("’s")
        if not all(w[:1].isupper() and not w.isupper() and fold(w) not in self._never and fold(w) not in STOP_WORDS for w in (first, last)):
            return False
        return self._lists.is_first(first) and self._lists.is_last(last)

    def _fits(self, word: str, place: Place, first: bool) -> bool:
        folded = fold(word)
        never = self._never_in_company if place.strength == COMPANY else self._never
        if place.strength == STRONG and word[:1].isupper() and folded in TECH_WORDS and self._lists.is_first(word):
            never = self._never_in_greeting
        if folded in never or (_INNER_CAPITAL.search(word) and place.strength != COMPANY):
            return False
        if folded in STOP_WORDS and not (place.strength == STRONG and word[:1].isupper() and self._lists.is_first(word)):
            return False  # "Hi all", but "Hi Will,"
        if word[:1].islower():
            return place.lower and self._lower_name(word)
        if len(word) > 1 and word.isupper() and place.strength != COMPANY:
            return False
        if place.strength == WEAK:
            if first and place.listed_only:
                return self._lists.is_first(word) and self._plain(word)
            return self._plain(word) if first else self._lists.is_last(word) or not self._ordinary(word)
        if place.strength == COMPANY:
            # Company names are often words ("Krones", "Target"): only the most common ones are refused.
            return not first or (fold(word) not in COMMON_WORDS and len(word) >= 3)
        return True

    def _names_someone(self, taken: list[tuple[int, int, str]], place: Place) -> bool:
        if place.strength == COMPANY:
            return len(taken[0][2]) >= 3
        return any(self._listed(w) or not self._ordinary(w) for _, _, w in taken)

    def _lower_name(self, word: str) -> bool:
        if len(word) < 3 or not word.isalpha():
            return False
        folded = fold(word)
        if self._listed(word):
            return folded not in COMMON_WORDS and folded not in self._lists.first_words
        return not self._lexicon.is_word(word)

    def _plain(self, word: str) -> bool:
        """A given name that is no common word ("Marek", "Anna"), or no ordinary word at all ("Tymeo")."""
        if self._lists.is_first(word):
            return fold(word) not in COMMON_WORDS and fold(word) not in self._lists.first_words
        return not self._ordinary(word) and len(word) >= 3

    def _listed(self, word: str) -> bool:
        return self._lists.is_first(word) or self._lists.is_last(word)

    def _ordinary(self, word: str) -> bool:
        return self._lexicon.is_word(word) or fold(word) in COMMON_WORDS


def _lines_above(text: str, line_start: int, count: int = 3) -> list[tuple[int, int]]:
    """(start, end) of up to `count` lines above the line at `line_start`, in its block; past one blank line, one more."""
    lines: list[tuple[int, int]] = []
    gap, at = False, line_start
    while len(lines) < count and at > 0:
        end = at - 1
        begin = text.rfind("\n", 0, end) + 1
        at = begin
        if not text[begin:end].strip(" \t>"):
            if gap:
                break
            gap = True  # "Ana Ruiz\n\nHauptstraße 5": a name above a blank line
            continue
        lines.append((begin, end))
        if gap:
            break
    return lines
