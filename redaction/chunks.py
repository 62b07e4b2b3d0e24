"""How texts are fed to spaCy's NER: pieces under max_length, overlapping, deduplicated for logs.

Two ways to cut, both producing `NerDoc`s for one `nlp.pipe` call:

- Ordinary texts (comments, fields, titles) are cut at whitespace into chunks
  of at most `chunk_chars`, overlapping by `overlap`. Each chunk answers only
  for the part it "owns" (up to the middle of each overlap), so an entity
  across a cut is found whole, once, by the chunk that sees it with context.
- Bulk texts (pasted logs longer than `bulk_chars`) go line by line: tokens
  that contain a digit are masked to `x`s of the same length (timestamps,
  IDs, durations, IPs — never part of a name), identical masked lines are run
  through NER once, and packed into pieces of at most `chunk_chars`. A 2 MB
  log is mostly the same few hundred line shapes. A long line of minified JSON
  (one that starts with `{` or `[`) is first cut before each key or string
  element, so its records repeat as shapes too; a piece still longer than a
  chunk is chunked like ordinary text.
  Of an ordinary text only the lines the NER policy could take something
  from (`readable`: `ner.may_hold_entity`) are read, their runs packed into
  one doc; a text without such a line is not read at all.

The small English model sees a few tokens either side of a word, so a line is
enough context for the names that appear in logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

_DIGIT_TOKEN = re.compile(r"\S*\d\S*")
_LINE = re.compile(r"[^\n]+")
# Before the next key or string element of a JSON object or array: `{"a": 1, "b": …`.
_JSON_CUT = re.compile(r'(?<=[,{\[])[ \t]*(?=")')
LONG_LINE = 1_000


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    own_start: int
    own_end: int


@dataclass
class Segment:
    """`doc[start:end]` stands for the text at each (text index, offset) in `targets`."""

    start: int
    end: int
    own_start: int  # doc offsets; an entity is taken from here only if it starts in [own_start, own_end)
    own_end: int
    targets: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class NerDoc:
    text: str
    segments: list[Segment]


def chunk_text(text: str, size: int, overlap: int) -> list[Chunk]:
    """Cut `text` at whitespace into pieces of at most `size` characters, overlapping by ~`overlap`."""
    n = len(text)
    if n <= size:
        return [Chunk(0, n, 0, n)]
    bounds: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + size, n)
        if end < n:
            end = _cut_before(text, end, low=start + size // 2)
        bounds.append((start, end))
        if end >= n:
            break
        start = _cut_after(text, max(end - overlap, start + 1), high=end)
    chunks = []
    for i, (start, end) in enumerate(bounds):
        own_start = 0 if i == 0 else (start + bounds[i - 1][1]) // 2
        own_end = n if i == len(bounds) - 1 else (bounds[i + 1][0] + end) // 2
        chunks.append(Chunk(start, end, own_start, own_end))
    return chunks


def _cut_before(text: str, end: int, low: int) -> int:
    for i in range(end, low, -1):
        if text[i - 1].isspace():
            return i
    return end  # one unbroken blob: cut it anyway


def _cut_after(text: str, pos: int, high: int) -> int:
    for i in range(pos, high):
        if text[i].isspace():
            return i + 1
    return pos


def mask_digits(line: str) -> str:
    return _DIGIT_TOKEN.sub(lambda m: "x" * len(m.group()), line)


def plan(
    texts: Sequence[str],
    use_ner: Sequence[bool],
    *,
    chunk_chars: int,
    overlap: int,
    bulk_chars: int,
    readable: Callable[[str], bool] | None = None,
) -> list[NerDoc]:
    docs: list[NerDoc] = []
    shapes: dict[str, Segment] = {}
    for i, (text, wanted) in enumerate(zip(texts, use_ner)):
        if not wanted or not text.strip():
            continue
        if len(text) <= bulk_chars:
            # A text is a doc of its own: leaving one out changes no other's context.
            if readable is None:
                docs.extend(_chunked(text, i, 0, chunk_chars, overlap))
            else:
                docs.extend(_readable_lines(text, i, readable, chunk_chars, overlap))
            continue
        # Bulk lines are packed side by side and NER sees across them: all are read, as they were.
        for start, end in _bulk_pieces(text):
            piece = text[start:end]
            if len(piece) > chunk_chars:
                docs.extend(_chunked(piece, i, start, chunk_chars, overlap))
                continue
            shape = mask_digits(piece)
            segment = shapes.get(shape)
            if segment is None:
                segment = shapes[shape] = Segment(0, len(shape), 0, len(shape))
            segment.targets.append((i, start))
    docs.extend(_packed(shapes, chunk_chars))
    return docs


def _readable_lines(text: str, index: int, readable: Callable[[str], bool], size: int, overlap: int) -> list[NerDoc]:
    """The runs of `text`'s lines NER could take something from, packed into docs of at most `size`.

    A log line of lower case and digits between two lines of prose costs NER as much as
    prose and gives it nothing; a name's context is its own line and the ones around it.
    A run longer than `size` is chunked like a whole text."""
    runs: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        if readable(line.group()):
            start, end = line.span()
            if runs and runs[-1][1] + 1 == start:
                start = runs.pop()[0]
            runs.append((start, end))
    if runs == [(0, len(text))]:
        return _chunked(text, index, 0, size, overlap)
    docs: list[NerDoc] = []
    parts: list[str] = []
    segments: list[Segment] = []
    at = 0
    for start, end in runs:
        length = end - start
        if parts and (at + length > size or length > size):
            docs.append(NerDoc("\n".join(parts), segments))
            parts, segments, at = [], [], 0
        if length > size:
            docs.extend(_chunked(text[start:end], index, start, size, overlap))
            continue
        segments.append(Segment(at, at + length, at, at + length, [(index, start)]))
        parts.append(text[start:end])
        at += length + 1
    if parts:
        docs.append(NerDoc("\n".join(parts), segments))
    return docs


def _bulk_pieces(text: str) -> Iterator[tuple[int, int]]:
    """The lines of a bulk text, long JSON ones cut before each key or element; blank ones left out."""
    for line in _LINE.finditer(text):
        start, end = line.span()
        if end - start > LONG_LINE and text[start:end].lstrip()[:1] in ("{", "["):
            for cut in _JSON_CUT.finditer(text, start, end):
                if cut.start() > start and text[start : cut.start()].strip():
                    yield start, cut.start()
                start = cut.end()
        if text[start:end].strip():
            yield start, end


def _chunked(text: str, index: int, offset: int, size: int, overlap: int) -> list[NerDoc]:
    return [
        NerDoc(
            text[c.start : c.end],
            [Segment(0, c.end - c.start, c.own_start - c.start, c.own_end - c.start, [(index, offset + c.start)])],
        )
        for c in chunk_text(text, size, overlap)
    ]


def _packed(shapes: dict[str, Segment], size: int) -> list[NerDoc]:
    docs: list[NerDoc] = []
    parts: list[str] = []
    segments: list[Segment] = []
    length = 0
    for shape, segment in shapes.items():
        if parts and length + 1 + len(shape) > size:
            docs.append(NerDoc("\n".join(parts), segments))
            parts, segments, length = [], [], 0
        start = length + (1 if parts else 0)
        segment.start, segment.end = start, start + len(shape)
        segment.own_start, segment.own_end = segment.start, segment.end
        parts.append(shape)
        segments.append(segment)
        length = segment.end
    if parts:
        docs.append(NerDoc("\n".join(parts), segments))
    return docs
