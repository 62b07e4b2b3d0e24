"""Where prose can stand in a text: outside unbroken runs too long to be words.

A paste may hold megabytes of base64, minified JSON or one repeated character
without a space. No name, greeting or street line stands inside such a run, yet
a pattern that looks for one tries each of its characters: a 10 MB run cost the
name places 19 s. The detectors of prose read only the spans between the runs;
secrets, hosts and identifiers, which do live in long runs, still read it all.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

LONGEST_WORD = 1000  # characters without a space; a URL with a long query may come near, a name never
_RUN = re.compile(r"(?<!\S)\S{%d,}" % LONGEST_WORD)


def prose_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the parts of `text` between runs of LONGEST_WORD or more non-space characters."""
    spans, at = [], 0
    for run in _RUN.finditer(text):
        if run.start() > at:
            spans.append((at, run.start()))
        at = run.end()
    if at < len(text) or not spans:
        spans.append((at, len(text)))
    return spans


def in_prose(find: Callable[[str], Iterator[tuple]], text: str) -> Iterator[tuple]:
    """`find` over each prose span of `text`, its (start, end, …) results moved to offsets in `text`.

    A span is read on its own: a line that began with a run counts as starting
    where the run ends, which can only find more, never less."""
    spans = prose_spans(text)
    if spans == [(0, len(text))]:
        yield from find(text)
        return
    for begin, end in spans:
        for start, stop, *rest in find(text[begin:end]):
            yield (start + begin, stop + begin, *rest)
