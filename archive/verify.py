"""Checks archived case files for anything that still looks like customer data, before and after commit.

    from redaction.scanner import LeakScanner
    scan = LeakScanner().scan
    suspects = verify_archive(root, scan)                              # every tickets/**/*.md
    suspects = verify_files(root, ["tickets/2024/03/42.md"], scan)     # the files a run changed
    suspects = verify_text("tickets/2024/03/42.md", rendered, LeakScanner().for_ticket(ticket))  # before writing

The scan function comes from the caller: a `redaction.scanner.LeakScanner`'s
`scan` re-runs the secret, contact and host detectors over the file, and
`for_ticket(ticket)` adds that ticket's deny-lists. This module never sees an
unredacted ticket, only text and the findings in it. A file's own Zendesk link (`url:` in its frontmatter, repeated in the body) is
the one customer-free URL the archive writes itself and is never a suspect.

A `Suspect` names the file and the 1-based line, the kind of finding and an
excerpt of that line in which every suspected value is masked (`sg…(44)`), so
a report can be printed, logged or put in an issue without repeating a leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from archive.casefile import TICKETS_DIR
from redaction.models import Finding

# Any depth, on purpose: a case file misplaced by hand is still scanned.
TICKET_GLOB = f"{TICKETS_DIR}/**/*.md"
EXCERPT_CHARS = 100
# `redaction:` and its indented lines, up to the next top-level key.
_REDACTION_BLOCK = re.compile(r"^redaction:.*\n(?:[ \t]+.*\n)*", re.M)
_URL_LINE = re.compile(r"^url: *['\"]?(?P<url>\S+?)['\"]?$", re.M)


# Text in, what still looks like customer data in it out (positions and types, never the text).
Scan = Callable[[str], Sequence[Finding]]


@dataclass(frozen=True)
class Suspect:
    path: str  # relative to the archive root, with forward slashes
    line: int  # 1-based
    kind: str  # EMAIL, SECRET, HOST, ... as the scanner names it
    excerpt: str  # the line, with every suspected value masked

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.excerpt}"


def verify_text(relpath: str, text: str, scan: Scan) -> list[Suspect]:
    """Suspects in one file's text (rendered, not yet written, or read back)."""
    findings = scan(_without_bookkeeping(text))
    own = _own_links(text)
    findings = [f for f in findings if not any(s <= f.start and f.end <= e for s, e in own)]
    if not findings:
        return []
    starts = _line_starts(text)
    suspects = []
    for finding in findings:
        line = _line_of(starts, finding.start)
        begin = starts[line - 1]
        end = text.find("\n", begin)
        end = len(text) if end < 0 else end
        on_line = [f for f in findings if f.start < end and f.end > begin]
        suspects.append(Suspect(relpath, line, finding.type, _masked(text, begin, end, on_line, finding)))
    return sorted(set(suspects), key=lambda s: (s.path, s.line, s.kind, s.excerpt))


def verify_files(root: Path, relpaths: Iterable[str], scan: Scan) -> list[Suspect]:
    """Suspects in the given files under `root`; a path that is not there is skipped (a removed ticket)."""
    suspects: list[Suspect] = []
    for relpath in sorted(set(relpaths)):
        path = Path(root) / relpath
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except (FileNotFoundError, IsADirectoryError):
            continue
        suspects += verify_text(relpath, text, scan)
    return suspects


def verify_archive(root: Path, scan: Scan) -> list[Suspect]:
    """Suspects in every case file of the archive at `root`."""
    root = Path(root)
    return verify_files(root, (p.relative_to(root).as_posix() for p in root.glob(TICKET_GLOB) if p.is_file()), scan)


def _without_bookkeeping(text: str) -> str:
    """The text with the frontmatter's `redaction:` block blanked (same length): counts and versions, never ticket text."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 3)
    block = _REDACTION_BLOCK.search(text, 4, end + 1 if end > 0 else len(text))
    if block is None:
        return text
    return text[: block.start()] + re.sub(r"[^\n]", " ", block.group()) + text[block.end() :]


def _own_links(text: str) -> list[tuple[int, int]]:
    found = _URL_LINE.search(text, 0, text.find("\n---\n", 3) + 1 if text.startswith("---\n") else 0)
    if found is None:
        return []
    url = found.group("url")
    return [(m.start(), m.end()) for m in re.finditer(re.escape(url), text)]


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _line_of(starts: Sequence[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo + 1


def mask(value: str) -> str:
    """Two characters and the length: enough to find it again, too little to use."""
    return f"{value[:2]}…({len(value)})"


def _masked(text: str, begin: int, end: int, on_line: list[Finding], focus: Finding) -> str:
    parts = []
    pos = begin
    for f in sorted(on_line, key=lambda f: f.start):
        start, stop = max(f.start, begin, pos), min(f.end, end)
        if stop <= start:
            continue
        parts.append(text[pos:start])
        parts.append(mask(text[max(f.start, begin) : stop]))
        pos = stop
    parts.append(text[pos:end])
    line = "".join(parts).strip()
    if len(line) <= EXCERPT_CHARS:
        return line
    # Long lines (logs): keep the part around the finding this suspect is about.
    centre = line.find(mask(text[max(focus.start, begin) : min(focus.end, end)]))
    lo = max(0, centre - EXCERPT_CHARS // 2)
    return ("…" if lo else "") + line[lo : lo + EXCERPT_CHARS] + ("…" if lo + EXCERPT_CHARS < len(line) else "")
