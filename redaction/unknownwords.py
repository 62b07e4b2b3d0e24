"""Words no lexicon knows: no ordinary word of English or another language, no tool, product,
software or vocabulary word, and not made from one by an English prefix or suffix or by running
two together. A capitalized one the model tags anything at all, or one standing where a name
can ("why is Vetrana so quiet"), names someone or something of the customer's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.english import fold, lexicon
from redaction.software import is_software
from redaction.vocabulary import COMMON_WORDS, FOREIGN_FORMULAS, NOT_NAME_WORDS, PRODUCT_WORDS

NAME_TOKEN = re.compile(r"^[^\W\d_]+(?:['’.\-][^\W\d_]*)*\.?$")
# An upper-case letter inside a word, except in McDonald, MacKenzie, DeShawn, LeBlanc, O'Brien; or two
# capitals before small letters (MLflow, JSONschema); or a file name's extension (README.cn.md).
IDENTIFIER = re.compile(r"^(?!(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von)[A-Z][a-z]+$).*[a-z][A-Z]|^[A-Z]{2,}[a-z]|\.[a-z]{2,}")


@lru_cache(maxsize=1 << 16)
def is_unknown(word: str, lower: bool, never: frozenset[str], kept: frozenset[str] = frozenset()) -> bool:
    """`word` is known to no lexicon; capitalized, not an acronym or an identifier, unless `lower`.
    `never`: folded words that are never names (tools, allowed terms); `kept`: kept agents' names.
    Cached: tickets ask about the same words, and a frozenset keeps its hash."""
    if len(word) < 3 or not NAME_TOKEN.match(word) or word.endswith("."):
        return False
    if not lower and (not word[0].isupper() or word.isupper() or IDENTIFIER.search(word)):
        return False
    # "Charset-Normalizer", "Linux-Intel": a compound with one known part is known.
    return all(_unknown_part(part, never, kept) for part in re.split(r"['’\-]", word) if part)


def _unknown_part(word: str, never: frozenset[str], kept: frozenset[str]) -> bool:
    folded, lex = fold(word), lexicon()
    if folded in never or folded in PRODUCT_WORDS or folded in NOT_NAME_WORDS or folded in STOP_WORDS or folded in kept:
        return False
    if lex.is_word(word) or lex.is_common_abroad(word) or folded in COMMON_WORDS or folded in FOREIGN_FORMULAS or is_software(word):
        return False

    # "Pythonic", "predefined", "inspectable", "recognizers", "gzipped": made from a known word;
    # "tarball", "username": two known words run together.
    def known(part: str) -> bool:
        return lex.is_english(part) or is_software(part) or part in never

    def tool(part: str) -> bool:
        return is_software(part) or part in never

    return not (any(known(stem) for stem in _stems(folded)) or _compound(folded, known, tool))


_PREFIXES = ("pre", "re", "un", "non", "de", "dis", "sub", "over", "under", "multi", "auto", "inter", "micro", "co")
_SUFFIXES = (
    ("ically", ""), ("ically", "ic"), ("ally", ""), ("ally", "al"), ("ly", ""), ("able", ""), ("able", "e"), ("ible", ""),
    ("izers", "ize"), ("izer", "ize"), ("ers", ""), ("ers", "e"), ("er", ""), ("er", "e"), ("ors", ""), ("ors", "e"),
    ("ness", ""), ("ment", ""), ("ments", ""), ("ity", ""), ("ic", ""), ("esque", ""), ("ish", ""), ("ism", ""), ("ist", ""),
    ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("s", ""),
)


def _stems(folded: str) -> list[str]:
    """The words `folded` may be made from by one English prefix and/or one suffix; never shorter than four letters."""
    heads = [folded] + [folded[len(p) :] for p in _PREFIXES if folded.startswith(p) and len(folded) - len(p) >= 4]
    stems = []
    for head in heads:
        if head != folded:
            stems.append(head)
        for old, new in _SUFFIXES:
            if head.endswith(old) and len(head) - len(old) >= 3:
                stem = head[: len(head) - len(old)]
                stems.append(stem + new)
                if not new and len(stem) > 3 and stem[-1] == stem[-2]:
                    stems.append(stem[:-1])  # "gzipped" -> "gzip"
    return stems


def _compound(folded: str, known: Callable[[str], bool], tool: Callable[[str], bool]) -> bool:
    """Two known words run together ("username", "tarball"): of four letters or more, or a tool's name of three."""

    def part(piece: str) -> bool:
        return known(piece) if len(piece) >= 4 else tool(piece)

    return len(folded) >= 7 and any(part(folded[:i]) and part(folded[i:]) for i in range(3, len(folded) - 2))
