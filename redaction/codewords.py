"""Words a text itself writes as code, so that a capitalized one NER takes for a person is a function or a tool.

The small model calls many capitalized identifiers PERSON ("Len", "Gt", "Meta")
and many tools too ("Chardet"); then, because a name found once is redacted
wherever it recurs, the same word goes all through the text. The text itself
often says what the word is, and that evidence is read here:

- `lower_case_words`: the word also stands in lower case, outside an e-mail
  address (`pip install blis`, `len(x)`, `'königsgäßchen'`). Weak evidence: a
  person's name in lower case stands in a user name too, so a listed given name
  keeps its span (see `analysis`).
- `identifiers`: the word is called or subscripted with no space before the
  bracket (`Len(3)`, `types.Gt(1)`, `Annotated[int, 3]`), owns a dotted call
  (`Faker.seed(1)`; a bare `team.Marek` is a missing space), is imported or
  defined on a line of code (`from annotated_types import Gt, Len`,
  `class Meta:`), fills an inline code span on its own with a capital in it
  (`` `Len` ``, ``` ``Len()`` ```; a lower-case `marek` may be a user name), or stands right before a version number (`Chardet 7.7`,
  `Python 3.12`). People are not written this way, so this evidence holds even
  for a word on the given-name lists.

All patterns are linear in the text (no nested repetition).
"""

from __future__ import annotations

import re
from typing import Iterable

_LETTERS = re.compile(r"[^\W\d_]{2,}")
_IDENT = r"[^\W\d][\w]*"
# `Len(`, `Gt[`: a call or a subscription, the bracket glued to the word; not `jane.roe(at)example.org`.
_CALLED = re.compile(r"(?<!\w)(" + _IDENT + r")(?=[(\[](?!(?i:at|dot)[)\]]))")
# `Faker.seed(`: a module or class part before a dotted call.
_OWNER = re.compile(r"(?<![\w.@])(" + _IDENT + r")(?=\.[^\W\d]\w*\()")
# A line of Python (or a doctest) that imports or defines: `from a.b import X, Y as Z`, `class Meta:`.
_IMPORT = re.compile(r"(?m)^[ \t]*(?:>>>[ \t]*)?(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+\(?([\w., \t]+?)\)?[ \t]*$")
_DEFINE = re.compile(r"(?m)^[ \t]*(?:>>>[ \t]*)?(?:class|def)[ \t]+(" + _IDENT + r")[ \t]*[(:]")
# An inline code span (Markdown `x`, reStructuredText ``x``) that holds one name, maybe dotted or called.
_INLINE = re.compile(r"(?<!`)(`{1,2})[ \t]*(" + _IDENT + r"(?:\." + _IDENT + r")*)(?:\(\))?[ \t]*\1(?!`)")
# `Chardet 7.7`, `Python v3.12.1`: a word before a version of two or three parts (not a date, not an IP).
_VERSIONED = re.compile(r"(?<![\w.])(" + _IDENT + r")[ \t]v?(?!\d{1,2}\.\d{1,2}\.\d{2,4})\d+\.\d+(?:\.\d+)?(?!\.?\d)")
_NAME = re.compile(_IDENT)


def lower_case_words(text: str) -> frozenset[str]:
    """Words (case-folded) the text writes in lower case, outside e-mail addresses."""
    words: set[str] = set()
    for token in text.split():
        if "@" not in token:
            words.update(w.casefold() for w in _LETTERS.findall(token) if w.islower())
    return frozenset(words)


def identifiers(texts: Iterable[str]) -> frozenset[str]:
    """The words (case-folded) that `texts` write as code: called, dotted, imported, defined, quoted as code, versioned."""
    found: set[str] = set()
    for text in texts:
        for pattern in (_CALLED, _OWNER, _DEFINE, _VERSIONED):
            found.update(m.group(1) for m in pattern.finditer(text))
        for m in _IMPORT.finditer(text):
            found.update(_NAME.findall(m.group(1)))
        for m in _INLINE.finditer(text):
            if not m.group(2).islower():  # `marek` may be a user name: lower case is weak evidence (above)
                found.update(m.group(2).split("."))
    return frozenset(w.casefold() for w in found if not w.isdigit())
