"""What a rewritten commit keeps once tickets are forgotten for good (`forget --purge-history`).

archive.erasure rewrites every commit with git-filter-repo; this module decides, file
by file, what each commit keeps:

- the forgotten tickets' case notes are dropped, at whatever path they had;
- every other case note is kept byte for byte: notes never quote one another;
- every other file (README.md, versions/, services/, signatures/, issues/, jira/,
  the run state) loses each line that links a forgotten case
  (`tickets/YYYY/MM/<id>.md`: every page line about a case carries its link) and
  each line that holds one of the forgotten notes' quotable texts — what a page
  is built from (archive.manifest.Entry): the title, the resolution's first line,
  the errors, their signature templates and ids, compared with Markdown escapes and
  runs of spaces taken out; not those a note in HEAD has as well (another case's
  error of the same signature: its text, too). That second rule catches the lines
  that quote without a link (a signature's template) and pages an older renderer wrote;
- a page under the page folders that listed cases, all of them forgotten, is
  removed from that commit: it was about them alone.

The quotable texts come from every version of the forgotten notes that any ref
still reaches (archive.erasure keeps a backup ref until the rewrite is done), so
a rerun after a crash finds them again. They are computed in the process that
uses them and never written to disk.

`file_info` is the body of git-filter-repo's `--file-info-callback`
(`FILE_INFO_CALLBACK`); it reads the forgotten ids from FORGOTTEN_ENV.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any, Iterable

from archive.casefile import PAGE_DIRS, TICKETS_DIR, read_case_file
from archive.manifest import Manifest, entry_of
from archive.render import clean_text
from archive.signatures import signatures_of

FORGOTTEN_ENV = "TICKET_ARCHIVE_FORGOTTEN"
# A test seam (tests/test_erasure.py): `<stage>:<file>` makes the purge touch <file> and wait at that stage.
PAUSE_ENV = "TICKET_ARCHIVE_PURGE_PAUSE"
FILE_INFO_CALLBACK = "from archive.scrub import file_info\nreturn file_info(filename, mode, blob_id, value)"

# Shorter texts ("OOMKilled" is 9) would match unrelated lines of old pages; titles and
# resolutions are on their case's line anyway, which the link rule removes.
MIN_QUOTE = 8
_ANY_CASE_LINK = re.compile(r"(?<![\w-])tickets/(?:[^\s/()\[\]]+/)*\d+\.md(?!\w)")
_REGULAR_FILE = (b"100644", b"100755")


def case_link(ticket_ids: Iterable[int]) -> re.Pattern[str]:
    """A link to the case note of any of these tickets, at any tickets/ path (`../tickets/2024/03/42.md`)."""
    ids = "|".join(str(int(i)) for i in sorted(set(ticket_ids)))
    return re.compile(rf"(?<![\w-])tickets/(?:[^\s/()\[\]]+/)*(?:{ids})\.md(?!\w)")


def note_path(ticket_ids: Iterable[int]) -> re.Pattern[str]:
    """The path of any of these tickets' case notes, relative to the archive."""
    ids = "|".join(str(int(i)) for i in sorted(set(ticket_ids)))
    return re.compile(rf"^{TICKETS_DIR}/(?:.+/)?(?:{ids})\.md$")


def _plain(text: str) -> str:
    """Text as compared: Markdown's backslash escapes and runs of white space taken out."""
    return " ".join(clean_text(text).replace("\\", "").split())


def quotable_texts(path: str, text: str) -> set[str]:
    """What a generated page can quote of one version of a case note."""
    case = read_case_file(path, text)
    entry = entry_of(case)
    return _quotes(case.title, entry.resolution if entry else None, case.header.errors, case.header.signatures)


def _quotes(title: str, resolution: str | None, errors: Iterable[str], signatures: Iterable[str]) -> set[str]:
    errors = list(errors)
    # The ids the note recorded, besides the templates today's rules give: an older page may show
    # a template older rules made, on a line that names its signature.
    found = {title, *errors, *signatures_of(errors).values(), *signatures}
    if resolution:
        found.add(resolution.rstrip(" …"))
    return {p for p in map(_plain, found) if len(p) >= MIN_QUOTE}


def remaining_quotes(root: Path) -> set[str]:
    """What the pages can quote of the notes in HEAD's tree (checked out at `root`): these texts are
    not the forgotten cases' alone (two cases quoting one error share its template), and HEAD keeps them."""
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip() or None
    manifest = Manifest.load(root, head) or Manifest.rebuild(root)
    found: set[str] = set()
    for entry in manifest.entries.values():
        found |= _quotes(entry.title, entry.resolution, entry.errors, entry.signatures)
    return found


class Scrubber:
    """What every commit keeps once `ticket_ids` are forgotten; `quotes` are _plain texts of theirs."""

    def __init__(self, ticket_ids: Iterable[int], quotes: Iterable[str] = ()) -> None:
        self.ticket_ids = frozenset(int(i) for i in ticket_ids)
        self.quotes = frozenset(quotes)
        self._link = case_link(self.ticket_ids)
        self._note = note_path(self.ticket_ids)
        ordered = sorted(self.quotes, key=lambda q: (-len(q), q))
        self._quote = re.compile("|".join(re.escape(q) for q in ordered)) if ordered else None

    @classmethod
    def from_history(cls, repo: Path, ticket_ids: Iterable[int]) -> "Scrubber":
        """The scrubber for these tickets: the quotable texts of every version of their notes any ref
        reaches, but those the notes in HEAD quote as well."""
        ids = frozenset(int(i) for i in ticket_ids)
        quotes: set[str] = set()
        for path, text in forgotten_versions(repo, ids):
            quotes |= quotable_texts(path, text)
        return cls(ids, quotes - remaining_quotes(repo))

    def drops(self, path: str) -> bool:
        """A forgotten ticket's case note."""
        return bool(self._note.match(path))

    def keeps_as_is(self, path: str) -> bool:
        """Another ticket's case note: never changed."""
        return path.startswith(f"{TICKETS_DIR}/")

    def scrub(self, path: str, text: str) -> str | None:
        """`text` without the lines that link or quote a forgotten case; None when the page was about them alone."""
        link, quote = self._link, self._quote
        lines = text.split("\n")
        plain = [_plain(line) for line in lines] if quote is not None else []
        if not link.search(text) and (quote is None or not quote.search("\n".join(plain))):
            return text
        kept = [
            line
            for n, line in enumerate(lines)
            if not link.search(line) and (quote is None or not quote.search(plain[n]))
        ]
        if path.split("/", 1)[0] in PAGE_DIRS:
            cases_before = sum(1 for line in lines if _ANY_CASE_LINK.search(line))
            if cases_before and not any(_ANY_CASE_LINK.search(line) for line in kept):
                return None
        return "\n".join(kept)


def forgotten_versions(repo: Path, ticket_ids: frozenset[int]) -> list[tuple[str, str]]:
    """(path, text) of every distinct version of these tickets' notes that any ref reaches."""
    if not ticket_ids:
        return []
    wanted = note_path(ticket_ids)
    listing = _git(repo, "rev-list", "--all", "--objects").decode("utf-8", "replace")
    found: dict[str, str] = {}
    for line in listing.splitlines():
        sha, _, path = line.partition(" ")
        if path and wanted.match(path):
            found.setdefault(sha, path)
    if not found:
        return []
    shas = sorted(found)
    out = _git(repo, "cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
    versions = []
    pos = 0
    for sha in shas:
        header_end = out.index(b"\n", pos)
        _, kind, size = out[pos:header_end].split()
        start = header_end + 1
        data = out[start : start + int(size)]
        pos = start + int(size) + 1
        if kind == b"blob":
            versions.append((found[sha], data.decode("utf-8", "replace")))
    return versions


def _git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(repo), *args], input=input, capture_output=True, check=True, env={**os.environ, "LC_ALL": "C"}
    ).stdout


def pause_at(stage: str) -> None:
    """The crash tests' seam: wait at `stage` (for SIGKILL) when PAUSE_ENV names it; nothing otherwise."""
    spec = os.environ.get(PAUSE_ENV, "")
    name, _, flag = spec.partition(":")
    if name == stage and flag:
        Path(flag).touch()
        time.sleep(600)


# -- inside git-filter-repo's process ---------------------------------------------------

_scrubber: Scrubber | None = None


def file_info(filename: bytes, mode: bytes, blob_id: Any, value: Any) -> tuple[bytes | None, bytes | None, Any]:
    """git-filter-repo's file-info callback: drop, keep or scrub one file of one commit."""
    global _scrubber
    if _scrubber is None:
        ids = [int(i) for i in os.environ[FORGOTTEN_ENV].split(",") if i]
        _scrubber = Scrubber.from_history(Path.cwd(), ids)
    path = filename.decode("utf-8", "surrogateescape")
    if _scrubber.drops(path):
        return None, mode, blob_id
    if _scrubber.keeps_as_is(path) or mode not in _REGULAR_FILE:
        return filename, mode, blob_id
    cache: dict[Any, Any] = value.data
    key = (path.split("/", 1)[0] in PAGE_DIRS, blob_id)
    if key not in cache:
        pause_at("rewriting")
        data = value.get_contents_by_identifier(blob_id)
        if data is None or value.is_binary(data):
            cache[key] = blob_id
        else:
            text = data.decode("utf-8", "surrogateescape")
            scrubbed = _scrubber.scrub(path, text)
            if scrubbed is None:
                cache[key] = None
            elif scrubbed == text:
                cache[key] = blob_id
            else:
                cache[key] = value.insert_file_with_contents(scrubbed.encode("utf-8", "surrogateescape"))
    new_id = cache[key]
    if new_id is None:
        # A deletion: the page was about forgotten cases alone (see the module docstring).
        return filename, None, blob_id
    return filename, mode, new_id
