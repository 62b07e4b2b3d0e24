"""The unit of the independent evaluation: a snippet of text, what it plants, and how it is scored.

A snippet is one short piece of support-ticket text (a greeting, a signature
block, a YAML block, a sentence) that plants values that must not survive
redaction (`Secret`) and facts that must survive verbatim. Each snippet
becomes one comment of a ticket, or one text for `redact_text`, so it is
scored on its own output:

- a secret leaks when one of its probes (regexes: the value, and for a
  person each part of the name that identifies on its own) matches the output
  more often than it matches the snippet's frame, the text around the planted
  values (so "will" in the template does not make "Will Hunter" leak);
- a fact is kept when it occurs in the output at least as often as in the
  input, case-sensitively and at strict edges (`5.1` is not in `5.1.2`).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Mapping

from tests.evalset.truth import edged, fact_pattern

FRAME_MARK = "\x00"


@dataclass(frozen=True)
class Secret:
    line: str  # the report line it counts on: "greeting", "iban", ...
    value: str
    probes: tuple[str, ...]  # regex sources; any match beyond the frame's is a leak


@dataclass(frozen=True)
class Snippet:
    line: str  # the report line of its secrets or facts
    source: str  # where its names or values come from: "mimesis", "invented", "held-out", ...
    text: str
    frame: str  # the text with every planted secret replaced by FRAME_MARK
    secrets: tuple[Secret, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One snippet's result: which secrets leaked (with the output around the leak), which facts were lost."""

    leaked: tuple[tuple[Secret, str], ...] = ()
    lost: tuple[tuple[str, str], ...] = ()
    withheld: bool = False


def fill(template: str, secrets: Mapping[str, str], others: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(text, frame) of a `str.format` template: secrets filled in, or FRAME_MARK in the frame."""
    others = dict(others or {})
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    missing = fields - set(secrets) - set(others)
    if missing:
        raise KeyError(f"template needs {sorted(missing)}")
    text = template.format(**secrets, **others)
    frame = template.format(**{k: FRAME_MARK for k in secrets}, **others)
    return text, frame


# ---------------------------------------------------------------------------
# Probes.
# ---------------------------------------------------------------------------


def word_probe(value: str, case_sensitive: bool = False) -> str:
    """The value at letter/digit edges: `acme.pl` is in `ghe.acme.pl`, `Anna` is not in `Annabel`."""
    pattern = edged(value)
    return pattern if case_sensitive else "(?i:" + pattern + ")"


def digits_probe(value: str) -> str:
    """The value's letters and digits in order, with any of ` .-/` between them (grouped or not)."""
    chars = [c for c in value if c.isalnum()]
    body = r"[\s.\-/]?".join(re.escape(c) for c in chars)
    return r"(?i:(?<![^\W_])" + body + r"(?![^\W_]))"


def name_probes(words: tuple[str, ...], common: frozenset[str] = frozenset(), case_sensitive: bool = False) -> tuple[str, ...]:
    """The whole name, then each part of three letters or more that identifies on its own."""
    probes = [word_probe(" ".join(words), case_sensitive)] if len(words) > 1 else []
    for word in words:
        if len(word) >= 3 and word.lower() not in common:
            probes.append(word_probe(word, case_sensitive))
    return tuple(dict.fromkeys(probes))


# ---------------------------------------------------------------------------
# Scoring one snippet.
# ---------------------------------------------------------------------------


def _around(text: str, match: re.Match[str], width: int = 50) -> str:
    return text[max(0, match.start() - width // 2) : match.end() + width // 2]


def score_snippet(snippet: Snippet, output: str | None) -> Outcome:
    """What leaked and what was lost in `output`, the redacted text of `snippet` (None: withheld)."""
    if output is None:
        return Outcome(withheld=True)
    leaked = []
    for secret in snippet.secrets:
        for probe in secret.probes:
            pattern = re.compile(probe)
            found = list(pattern.finditer(output))
            if len(found) > len(pattern.findall(snippet.frame)):
                leaked.append((secret, _around(output, found[0])))
                break
    lost = []
    for fact in snippet.facts:
        pattern = fact_pattern(fact)
        if len(pattern.findall(output)) < len(pattern.findall(snippet.text)):
            lost.append((fact, _context_of_loss(snippet.text, output, fact)))
    return Outcome(leaked=tuple(leaked), lost=tuple(lost))


def _context_of_loss(text: str, output: str, fact: str) -> str:
    at = text.find(fact)
    if at < 0:
        return output[:60]
    # The output is about as long as the input up to the fact; show that stretch.
    return output[max(0, at - 20) : at + len(fact) + 30]
