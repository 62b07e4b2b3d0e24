"""Many deny-list patterns over one long text in time linear in the text.

A ticket's deny-lists, and the names its people propagate, are regexes matched
case-insensitively between word edges. Joined into one alternation, Python's
`re` tries every alternative at every word edge, so the work grows with the
text times the number of terms; and since a long text names more people, with
the square of the text (a 16,000-word paste took 15 s, nearly all of it here).

`TermSearch` gives the same matches as that alternation (leftmost first; at
one position the first term in order that matches; the next search after the
match) but tries at each word edge only the terms that can start there: each
term's leading literal characters (read from its pattern, up to `KEY`
of them) index it under a case-folded key, and the text's next characters
are looked up under the same folding. A term with no leading literal (a
host pattern that starts with a character class) is tried at every position
where it matches at all, which one zero-width scan finds. The folding is
constant on what `re.IGNORECASE` equates, so no match is lost
(tests/test_termsearch.py checks this over every code point).
"""

from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as sre_constants  # the parser's node types; stable since 3.11
from re import _parser as sre_parser
from typing import Sequence

# A term starts and ends at a word edge; `_` and `-` are edges (tags are slugs), and so
# is a lower→upper change (`myAcmeCorp`), a %-escape (`%2Facme`) and a JSON escape (`\nacme`).
# Digits may follow (`acme01`) but not precede.
START = r"(?:(?<![^\W_])|(?-i:(?<=[a-z])(?=[A-Z]))|(?<=%[0-9A-Fa-f]{2})|(?<=\\[nrt]))"
END = r"(?:(?![^\W\d_])|(?-i:(?<=[a-z])(?=[A-Z])))"

KEY = 4  # leading characters a term is indexed by
_MAX_LEADS = 16  # more spellings than this and the term is tried everywhere instead
# re.IGNORECASE compares simple lower cases, plus a few extra equivalences (re._casefix);
# str.casefold agrees with all of them except the Turkish i's, which it keeps apart.
_TURKISH_I = str.maketrans({"\u0130": "i", "\u0131": "i"})


def fold(value: str) -> str:
    """Equal for any two strings `re.IGNORECASE` matches to each other, character by character."""
    return value.translate(_TURKISH_I).casefold()


@lru_cache(maxsize=16384)
def leads(pattern: str) -> frozenset[str] | None:
    """The literal beginnings (up to KEY characters) one of which every match of `pattern` starts with.

    None when some match may start with something other than a literal (a class, a
    look-around, an optional character), or the pattern cannot be read."""
    plain = _plain_lead(pattern)
    if plain:
        return frozenset({plain})
    try:
        tree = sre_parser.parse(pattern, re.IGNORECASE)
        states = _walk({("", True)}, list(tree))
    except (re.error, _TooMany, RecursionError, TypeError, ValueError):
        return None
    found = frozenset(prefix for prefix, _ in states)
    return None if not found or "" in found else found


_LETTERS = re.compile(r"[^\W\d_]+")


def _plain_lead(pattern: str) -> str:
    """The common case without the parser: letters at the start of a pattern with no alternation are literals."""
    run = _LETTERS.match(pattern)
    if run is None or "|" in pattern:
        return ""
    letters = run.group()
    if len(letters) > KEY:
        return letters[:KEY]
    after = pattern[run.end() : run.end() + 1]
    if after == "\\":
        return ""  # an escaped literal may follow (`o\.brannigan`): the parser reads further
    if after in ("?", "*", "{"):
        letters = letters[:-1]  # the last letter is optional
    return letters


class _TooMany(Exception):
    pass


def _walk(states: set[tuple[str, bool]], items: list) -> set[tuple[str, bool]]:
    """Extend each (prefix, still literal) state over the parsed `items`."""
    for op, av in items:
        if not any(open_ and len(prefix) < KEY for prefix, open_ in states):
            break
        grown: set[tuple[str, bool]] = set()
        for prefix, open_ in states:
            if not open_ or len(prefix) >= KEY:
                grown.add((prefix, False))
            elif op is sre_constants.LITERAL:
                grown.add((prefix + chr(av), True))
            elif op is sre_constants.SUBPATTERN:
                grown |= _walk({(prefix, True)}, list(av[-1]))
            elif op is sre_constants.BRANCH:
                for branch in av[1]:
                    grown |= _walk({(prefix, True)}, list(branch))
            elif op is sre_constants.IN and all(kind is sre_constants.LITERAL for kind, _ in av):
                grown |= {(prefix + chr(code), True) for _, code in av}  # "Jos(?:e|é)" parses as Jos[eé]
            else:
                grown.add((prefix, False))
        if len(grown) > _MAX_LEADS:
            raise _TooMany
        states = grown
    return states


@lru_cache(maxsize=8192)
def _bounded(pattern: str, end: str) -> re.Pattern[str]:
    return re.compile(f"(?:{pattern}){end}", re.IGNORECASE)


class TermSearch:
    """Bounded patterns (matched between word edges, case-insensitively), found like one alternation in order.

    `start` and `end` are the edges (zero-width); by default a slug's (START, END)."""

    def __init__(self, patterns: Sequence[str], *, start: str = START, end: str = END):
        # Compiled when first tried: most of a ticket's terms never meet a word they could start.
        self._patterns, self._end = list(patterns), end
        self._regexes: list[re.Pattern[str] | None] = [None] * len(patterns)
        self._index: dict[str, list[int]] = {}  # fold(lead) -> term indices, in order
        lengths: set[int] = set()
        firsts: set[str] = set()
        anywhere: list[int] = []
        for i, pattern in enumerate(patterns):
            found = leads(pattern)
            if found is None:
                anywhere.append(i)
                continue
            for lead in found:
                bucket = self._index.setdefault(fold(lead), [])
                if not bucket or bucket[-1] != i:
                    bucket.append(i)
                lengths.add(len(lead))
                firsts.add(lead[0])
        self._lengths = sorted(lengths)
        self._anywhere = anywhere
        # Positions worth a look: a word edge before a character some lead starts with ...
        self._edges = (
            re.compile(start + "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])", re.IGNORECASE)
            if firsts
            else None
        )
        # ... and wherever an unindexed term matches: one zero-width scan for all of them.
        self._anywhere_at = (
            re.compile(start + "(?=" + "|".join(f"(?:{patterns[i]}){end}" for i in anywhere) + ")", re.IGNORECASE)
            if anywhere
            else None
        )

    def finditer(self, text: str) -> list[tuple[int, int, int]]:
        """(term index, start, end) of each match, in the order the alternation would find them."""
        positions: set[int] = set()
        if self._edges is not None:
            positions.update(m.start() for m in self._edges.finditer(text))
        anywhere_at: set[int] = set()
        if self._anywhere_at is not None:
            anywhere_at = {m.start() for m in self._anywhere_at.finditer(text)}
            positions |= anywhere_at
        found: list[tuple[int, int, int]] = []
        resume = 0
        index, regexes = self._index, self._regexes
        for pos in sorted(positions):
            if pos < resume:
                continue
            candidates: list[int] = []
            for length in self._lengths:
                # Each LITERAL of a lead matches one character, and fold works character by character.
                hit = index.get(fold(text[pos : pos + length]))
                if hit:
                    candidates += hit
            if pos in anywhere_at:
                candidates += self._anywhere
            for i in sorted(set(candidates)):
                regex = regexes[i]
                if regex is None:
                    regex = regexes[i] = _bounded(self._patterns[i], self._end)
                match = regex.match(text, pos)
                if match and match.end() > pos:
                    found.append((i, pos, match.end()))
                    resume = match.end()
                    break
        return found
