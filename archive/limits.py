"""Keeping case files inside what Sourcegraph indexes.

Sourcegraph's indexer (zoekt) skips a file over 1 MB or with too many distinct
trigrams, and a skipped file is a case nobody finds. Pasted logs are what makes
a ticket that large, so long comments keep their head and tail with a line that
says how much was left out; when a file is still over a bound, the renderer asks
for the next, tighter `Trim` (see `archive.render`).
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.settings import NoteSettings


@dataclass(frozen=True)
class Trim:
    lines: int  # a text with more lines than this keeps head + tail
    head: int
    tail: int
    line_chars: int  # longer lines keep this many characters


def trims(settings: NoteSettings) -> list[Trim]:
    """The configured trim, then tighter ones, last a trim that keeps almost nothing."""
    first = Trim(settings.log_lines, settings.log_head, settings.log_tail, settings.line_chars)
    tighter = [Trim(60, 30, 15, 500), Trim(24, 12, 6, 240), Trim(8, 4, 2, 160), Trim(2, 1, 0, 120), Trim(0, 0, 0, 0)]
    return [first, *(t for t in tighter if t.lines < first.lines)]


def trim_text(text: str, trim: Trim) -> str:
    lines = text.split("\n")
    if trim.lines == 0:
        return f"[… {len(lines):,} lines left out …]" if text else text
    if len(lines) > trim.lines:
        left_out = len(lines) - trim.head - trim.tail
        tail = lines[len(lines) - trim.tail :] if trim.tail else []
        lines = [*lines[: trim.head], f"[… {left_out:,} lines left out …]", *tail]
    return "\n".join(_trim_line(line, trim.line_chars) for line in lines)


def _trim_line(line: str, limit: int) -> str:
    if len(line) <= limit:
        return line
    return f"{line[:limit]} [… {len(line) - limit:,} characters left out …]"


def distinct_trigrams(text: str) -> int:
    """Distinct character trigrams, case-sensitive: never fewer than zoekt counts."""
    return len({text[i : i + 3] for i in range(len(text) - 2)})


def within_bounds(text: str, settings: NoteSettings) -> bool:
    if len(text.encode("utf-8")) >= settings.max_file_bytes:
        return False
    if len(text) - 2 < settings.max_trigrams:
        return True  # fewer trigrams in all than the bound, let alone distinct ones
    return distinct_trigrams(text) < settings.max_trigrams
