"""The manifest: what the generated pages need to know of each case file, kept as a cache.

It lives in `.ticket-archive/cache/manifest.json` (ignored by git) and records
the commit it matches. A run updates the entries of the files it writes or
removes and rebuilds the pages from the manifest, so a nightly run with ten
changed tickets never re-reads the thousands it did not touch. The case files
stay the source of truth: a manifest that is missing, unreadable, of another
format or recorded at another commit than HEAD is rebuilt by reading them all.
Every entry, written or rebuilt, is read from the file's text by
`archive.casefile.read_case_file`, so the two paths cannot disagree, nor can
the pages and the search index.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterable

from archive.casefile import MANIFEST_FILE, TICKET_FILES, CaseFile, read_case_file

log = logging.getLogger("ticket_archive.archive")

FORMAT = 2
RESOLUTION_CHARS = 200


@dataclass(frozen=True)
class Entry:
    path: str
    id: int
    title: str
    solved: str | None  # YYYY-MM-DD: solved_at, else updated_at
    version: str | None
    versions: tuple[str, ...]
    services: tuple[str, ...]
    deployment: str | None
    errors: tuple[str, ...]
    resolution: str | None  # its first line, shortened
    created: str | None = None  # YYYY-MM-DD
    signatures: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    jira: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies, which is most of a 10,000-entry dump.
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Entry":
        return cls(
            path=str(data["path"]),
            id=int(data["id"]),
            title=str(data["title"]),
            solved=data.get("solved"),
            version=data.get("version"),
            versions=tuple(data.get("versions") or ()),
            services=tuple(data.get("services") or ()),
            deployment=data.get("deployment"),
            errors=tuple(data.get("errors") or ()),
            resolution=data.get("resolution"),
            created=data.get("created"),
            signatures=tuple(data.get("signatures") or ()),
            issues=tuple(data.get("issues") or ()),
            jira=tuple(data.get("jira") or ()),
        )


def first_line(text: str, limit: int = RESOLUTION_CHARS) -> str | None:
    """The first line that says something, cut at a sentence (or a word) within `limit`."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line or line.startswith("_From the ") or line.startswith("_No resolution"):
            continue
        if len(line) <= limit:
            return line
        cut = line[:limit]
        end = max(cut.rfind(". "), cut.rfind("; "), cut.rfind("! "), cut.rfind("? "))
        if end > limit // 3:
            return cut[: end + 1].rstrip(";") if cut[end] == "." else cut[:end] + " …"
        return cut.rsplit(" ", 1)[0] + " …"
    return None


def entry_of(case: CaseFile) -> Entry | None:
    """The manifest entry of one case file; None when it is not a readable case file."""
    header, ticket_id = case.header, case.header.id
    if not case.readable or ticket_id is None:
        return None
    solved = header.solved_at or header.updated_at
    resolution = case.section("Resolution")
    return Entry(
        path=case.path,
        id=ticket_id,
        title=case.title,
        solved=solved[:10] if solved else None,
        version=header.version,
        versions=header.versions,
        services=header.services,
        deployment=header.deployment,
        errors=header.errors,
        resolution=first_line(resolution) if resolution is not None else None,
        created=header.created_at[:10] if header.created_at else None,
        signatures=header.signatures,
        issues=header.issues,
        jira=header.jira or (),
    )


class Manifest:
    def __init__(self, entries: dict[str, Entry] | None = None) -> None:
        self.entries: dict[str, Entry] = dict(entries or {})
        # Ticket id -> its files (normally one), so finding a ticket never lists the tree.
        self._paths: dict[int, set[str]] = {}
        for relpath, entry in self.entries.items():
            self._paths.setdefault(entry.id, set()).add(relpath)

    def paths_of(self, ticket_id: int) -> list[str]:
        """The case files of one ticket, sorted."""
        return sorted(self._paths.get(int(ticket_id), ()))

    # -- loading ----------------------------------------------------------------------

    @classmethod
    def load(cls, root: Path, head: str | None) -> "Manifest | None":
        """The saved manifest if it matches `head`; None when it must be rebuilt."""
        try:
            data = json.loads((root / MANIFEST_FILE).read_text("utf-8"))
            if data.get("format") != FORMAT or data.get("head") != head:
                return None
            return cls({path: Entry.from_json(e) for path, e in data["tickets"].items()})
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("the page manifest is unreadable (%s); rebuilding it from the ticket files", type(exc).__name__)
            return None

    @classmethod
    def rebuild(cls, root: Path) -> "Manifest":
        manifest = cls()
        manifest.refresh(root, (str(p.relative_to(root)) for p in sorted(root.glob(TICKET_FILES))))
        return manifest

    def refresh(self, root: Path, relpaths: Iterable[str]) -> None:
        """Read these files again; a file that is gone drops out."""
        for relpath in relpaths:
            try:
                text = (root / relpath).read_text("utf-8")
            except FileNotFoundError:
                self.drop(relpath)
                continue
            except (OSError, UnicodeDecodeError):
                text = ""
            self.put(relpath, text)

    # -- changes ----------------------------------------------------------------------

    def put(self, relpath: str, text: str) -> None:
        entry = entry_of(read_case_file(relpath, text))
        if entry is None:
            log.warning("%s is not a readable case file; it is left off the generated pages", relpath)
            self.drop(relpath)
        else:
            self.drop(relpath)
            self.entries[relpath] = entry
            self._paths.setdefault(entry.id, set()).add(relpath)

    def drop(self, relpath: str) -> None:
        entry = self.entries.pop(relpath, None)
        if entry is not None:
            paths = self._paths.get(entry.id, set())
            paths.discard(relpath)
            if not paths:
                self._paths.pop(entry.id, None)

    def dumps(self, head: str | None) -> bytes:
        """The manifest's bytes, recorded as matching commit `head`."""
        data = {
            "format": FORMAT,
            "head": head,
            "tickets": {path: self.entries[path].to_json() for path in sorted(self.entries)},
        }
        return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
