"""The search index: a SQLite FTS5 cache of the archive's ticket files.

The Markdown files are the source of truth. The index lives at
`.ticket-archive/cache/index.sqlite` inside the archive (ignored by git), is
built from the files alone, so it works on any clone, and is never trusted
blindly:

- every search first refreshes it: it stats every ticket file and digests each
  directory's names, sizes and mtimes into a signature; only a directory whose
  signature changed is compared file by file. A file whose size or mtime changed
  is hashed, and parsed again only when its hash changed; files that are gone
  are dropped. A file modified within the last two seconds is recorded without
  its mtime, so an edit inside the clock's granularity is still seen next time
  (git's "racily clean" problem).
- a missing, unreadable, corrupt or older-schema index is rebuilt from scratch,
  into a temp file that replaces the old one, so readers never see half an index.

One table per concern: `docs` (one row per file: its stat, hash, the
ticket's filterable fields and, as JSON, the facts `similar` and `report` read),
`facets` (versions, services, keywords, signatures, issues and Jira keys, for
exact filters and for finding the cases that share one), `dirs` (the directory signatures), `fts` (title, conversation and metadata text, FTS5 with the
unicode61 tokenizer: `gitserver-0` is indexed as the two tokens gitserver, 0,
and the query side turns `gitserver-0` into that phrase; see archive.query).
Each file is read by `archive.casefile.read_case_file`, as the pages read it;
archive.search runs the queries.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

from archive.casefile import INDEX_FILE, STATE_DIR, TICKETS_DIR, CaseFile, read_case_file, scalar_text
from archive.errors import ArchiveError
from archive.facts import version_key
from archive.manifest import first_line

SCHEMA_VERSION = "2"
# Title hits weigh most, then tags/versions/fields, then the conversation.
RANK = "bm25(10.0, 1.0, 3.0)"
RACY_NS = 2_000_000_000

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    rowid INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    ticket_id INTEGER,
    title TEXT NOT NULL,
    status TEXT,
    solved_at TEXT,
    sort_at TEXT NOT NULL,
    url TEXT,
    versions TEXT NOT NULL,
    services TEXT NOT NULL,
    created_at TEXT,
    version TEXT,
    deployment TEXT,
    facts TEXT NOT NULL
);
CREATE INDEX docs_by_date ON docs (sort_at DESC, ticket_id DESC);
CREATE TABLE facets (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (kind, value, doc)
) WITHOUT ROWID;
CREATE INDEX facets_by_doc ON facets (doc);
CREATE TABLE dirs (path TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE VIRTUAL TABLE fts USING fts5(title, body, meta, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO fts (fts, rank) VALUES ('rank', '{RANK}');
INSERT INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');
"""

# Frontmatter keys that are not worth searching as text (dates, counts, links, bookkeeping).
_NOT_TEXT = {
    "id", "title", "status", "created_at", "updated_at", "solved_at", "url", "comments", "redaction", "redactions"
}
# "### 2. 2023-04-04 09:30 UTC · agent Dana Agent · public" becomes "agent Dana Agent:", which keeps
# who said what searchable and stops a phrase from matching across two comments.
_COMMENT_HEADER = re.compile(r"^### \d+\. [^·\n]*· (?P<who>[^\n]*?) · (?:public|internal note)[ \t]*$", re.M)
_TITLE = re.compile(r"\A\s*# [^\n]*\n")
_LABEL = re.compile(r"^\*\*(?P<label>[A-Z][\w ]{0,30}):\*\*", re.M)  # **Problem:** reads better as Problem:


@dataclass
class IndexStats:
    files: int = 0  # ticket files in the index afterwards
    added: int = 0
    updated: int = 0
    removed: int = 0
    rebuilt: bool = False
    reason: str = ""  # why it was rebuilt
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.added + self.updated + self.removed


@dataclass(frozen=True)
class _Doc:
    ticket_id: int | None
    title: str
    status: str | None
    solved_at: str | None
    sort_at: str
    url: str | None
    versions: tuple[str, ...]
    services: tuple[str, ...]
    keywords: tuple[str, ...]
    body: str
    meta: str
    created_at: str | None = None
    version: str | None = None
    deployment: str | None = None
    signatures: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    jira: tuple[str, ...] = ()
    facts: str = "{}"  # JSON: errors, custom fields, the resolution's first line, keywords (see `facts_of`)


def _document(case: CaseFile) -> _Doc:
    """What the index keeps of one ticket file."""
    header, ticket_id = case.header, case.ticket_id
    conversation = _LABEL.sub(r"\g<label>:", _COMMENT_HEADER.sub(r"\g<who>:", _TITLE.sub("", case.body, count=1))).strip()
    solved_at = header.solved_at or None
    versions = {*header.versions, *([header.version] if header.version else [])}
    lines = [f"id: {ticket_id}"] if ticket_id is not None else []
    lines += [
        line
        for key, value in case.frontmatter.items()
        if str(key) not in _NOT_TEXT
        for line in _meta_lines(str(key), value)
    ]
    return _Doc(
        ticket_id=ticket_id,
        title=case.title,
        status=header.status,
        solved_at=solved_at,
        sort_at=solved_at or header.updated_at or header.created_at or "",
        url=header.url or None,
        versions=tuple(sorted(sorted(versions), key=version_key)),
        services=tuple(sorted(set(header.services))),
        keywords=tuple(sorted({k.strip().lower() for k in (*header.keywords, *header.tags)} - {""})),
        body=conversation,
        meta="\n".join(lines),
        created_at=header.created_at,
        version=header.version,
        deployment=header.deployment,
        signatures=header.signatures,
        issues=header.issues,
        jira=header.jira or (),
        facts=json.dumps(facts_of(case), ensure_ascii=False, sort_keys=True),
    )


def facts_of(case: CaseFile) -> dict[str, Any]:
    """What `similar` and `report` read of a case besides the columns: errors, custom fields, resolution, keywords."""
    resolution = case.section("Resolution")
    return {
        "errors": list(case.header.errors),
        "fields": dict(case.header.fields),
        "resolution": first_line(resolution) if resolution is not None else None,
        "keywords": sorted({k.strip().lower() for k in case.header.keywords} - {""}),
    }


def _meta_lines(key: str, value: Any) -> list[str]:
    """`key: value` for every scalar inside a frontmatter value. The key before each list item
    keeps a phrase from matching across two items (keywords [context, deadline])."""
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _meta_lines(f"{key} {scalar_text(k) or ''}", v)]
    if isinstance(value, (list, tuple, set)):
        return [line for v in value for line in _meta_lines(key, v)]
    text = scalar_text(value)
    return [f"{key}: {text}"] if text else []


# -- the index ----------------------------------------------------------------------


def _is_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return True
    # A file that is a database but not ours (or a schema from elsewhere).
    return isinstance(exc, sqlite3.OperationalError) and "no such" in str(exc)


_Stat = tuple[int, int]  # (size, mtime_ns); mtime 0 when too recent to trust
_Row = tuple[int, int, int, str]  # (rowid, size, mtime_ns, sha256) of an indexed file
_T = TypeVar("_T")


def _stat(entry: os.DirEntry[str] | Path, now: int) -> _Stat | None:
    try:
        st = entry.stat(follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_size, st.st_mtime_ns if now - st.st_mtime_ns > RACY_NS else 0)


def _rows(db: sqlite3.Connection, where: str, params: Iterable[Any]) -> dict[str, _Row]:
    rows = db.execute(f"SELECT path, rowid, size, mtime_ns, sha256 FROM docs WHERE {where}", tuple(params))
    return {path: (rowid, size, mtime, sha) for path, rowid, size, mtime, sha in rows}


class _Rebuild(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SearchIndex:
    """The index of one archive. Use as a context manager; `refresh` brings it up to date."""

    def __init__(self, archive_path: Path | str, index_path: Path | str | None = None) -> None:
        self.archive = Path(archive_path).expanduser().resolve()
        self.path = Path(index_path) if index_path else self.archive / INDEX_FILE
        self._db: sqlite3.Connection | None = None
        if not self.archive.is_dir():
            raise ArchiveError(f"no archive at {self.archive}; pass --archive with the archive's directory")
        if not (self.archive / TICKETS_DIR).is_dir() and not (self.archive / STATE_DIR).is_dir():
            raise ArchiveError(f"{self.archive} is not a ticket archive (it has no {TICKETS_DIR}/ directory)")

    def __enter__(self) -> "SearchIndex":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- keeping it current --------------------------------------------------------

    def refresh(self, rebuild: bool = False) -> IndexStats:
        """Bring the index in line with the files on disk; rebuild it when asked or when it is unusable."""
        started = time.perf_counter()
        stats = self._guard(self._refresh, rebuild=rebuild)
        stats.seconds = time.perf_counter() - started
        return stats

    def read(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `work(db)` on the index as it is (see archive.search); a missing or corrupt index is rebuilt first."""
        return self._guard(work)

    def _refresh(self, db: sqlite3.Connection) -> IndexStats:
        """Compare directory signatures first; only a directory whose signature changed is compared file by file."""
        scanned = self._scan()
        stored = dict(db.execute("SELECT path, signature FROM dirs"))
        stale = {d for d, (signature, _) in scanned.items() if not signature or stored.get(d) != signature}
        stale |= stored.keys() - scanned.keys()
        known: dict[str, _Row] = {}
        files: dict[str, _Stat | None] = {}
        for directory in stale:
            # Paths between "dir/" and "dir0" ('0' follows '/'), then only those directly in it.
            rows = _rows(db, "path > ? AND path < ?", (directory + "/", directory + "0"))
            known.update((p, row) for p, row in rows.items() if p.rpartition("/")[0] == directory)
            files.update(scanned[directory][1] if directory in scanned else {})
        return self._apply(db, files, known, {d: scanned[d][0] if d in scanned else None for d in stale})

    def _guard(self, work: Callable[[sqlite3.Connection], _T], rebuild: bool = False) -> _T:
        """Run `work(db)`; rebuild a missing, stale or corrupt index and run it again, once."""
        try:
            try:
                if rebuild:
                    raise _Rebuild("--reindex")
                return work(self._connect())
            except _Rebuild as why:
                built = self._rebuild(why.reason)
            except sqlite3.DatabaseError as exc:
                if not _is_corrupt(exc):
                    raise
                built = self._rebuild(f"corrupt index ({exc})")
            result = work(self._connect())
            if isinstance(result, IndexStats):
                result.rebuilt, result.reason, result.added = True, built.reason, result.added + built.added
            return result
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ArchiveError(
                    f"the search index {self.path} is busy (another process is updating it); try again"
                ) from exc
            raise ArchiveError(f"cannot use the search index {self.path} ({exc}); retry with --reindex") from exc
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"cannot use the search index {self.path} ({exc}); retry with --reindex") from exc
        except OSError as exc:
            raise ArchiveError(f"cannot write the search index {self.path}: {exc.strerror or exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        if not self.path.exists():
            raise _Rebuild("no index yet")
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None or row[0] != SCHEMA_VERSION:
                raise _Rebuild("index from another version")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA cache_size = -65536")
            db.execute("PRAGMA mmap_size = 1073741824")
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _rebuild(self, reason: str) -> IndexStats:
        """Build a fresh index next to the old one, then swap it in atomically."""
        self.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            db = sqlite3.connect(tmp, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode = OFF")
                db.execute("PRAGMA synchronous = OFF")
                db.executescript(_SCHEMA)
                scanned = self._scan()
                files = {p: st for _, found in scanned.values() for p, st in found.items()}
                stats = self._apply(db, files, {}, {d: signature for d, (signature, _) in scanned.items()})
                db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
                db.execute("PRAGMA journal_mode = WAL")
            finally:
                db.close()
            # Sidecars of the old file would be replayed into the new one.
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        stats.rebuilt, stats.reason = True, reason
        return stats

    def _scan(self) -> dict[str, tuple[str, dict[str, _Stat]]]:
        """Each directory under tickets/: its signature and its ticket files with their stat.

        The signature digests the names, sizes and mtimes; it is empty when a file is
        too recent to trust its mtime, so that directory is always compared."""
        root = str(self.archive)
        now = time.time_ns()
        scanned: dict[str, tuple[str, dict[str, _Stat]]] = {}
        pending = [os.path.join(root, TICKETS_DIR)]
        while pending:
            directory = pending.pop()
            try:
                with os.scandir(directory) as listing:
                    entries = list(listing)
            except (FileNotFoundError, NotADirectoryError):
                continue
            prefix = directory[len(root) + 1 :]
            found: dict[str, _Stat] = {}
            for entry in entries:
                name = entry.name
                if name.startswith("."):  # temp files of a write in progress
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    st = _stat(entry, now)
                    if st is not None:
                        found[f"{prefix}/{name}"] = st
            if found:
                racy = any(mtime == 0 for _, mtime in found.values())
                lines = sorted(f"{p}\0{size}\0{mtime}" for p, (size, mtime) in found.items())
                signature = "" if racy else hashlib.blake2b("\n".join(lines).encode(), digest_size=16).hexdigest()
                scanned[prefix] = (signature, found)
        return scanned

    def _apply(
        self,
        db: sqlite3.Connection,
        files: dict[str, _Stat | None],
        known: dict[str, _Row],
        signatures: dict[str, str | None],
    ) -> IndexStats:
        """Make the index match `files` (path -> stat, None = gone) within the scope of `known`, and
        record the directories' signatures (None = forget it)."""
        stats = IndexStats()
        gone = [row[0] for p, row in known.items() if files.get(p) is None]
        candidates = [
            p for p, st in files.items() if st is not None and (p not in known or known[p][1:3] != st or st[1] == 0)
        ]
        if gone or candidates or signatures:
            db.execute("BEGIN IMMEDIATE")
            try:
                for rowid in gone:
                    self._delete(db, rowid)
                stats.removed = len(gone)
                for relpath in candidates:
                    self._upsert(db, relpath, files[relpath], known.get(relpath), stats)  # type: ignore[arg-type]
                db.executemany("DELETE FROM dirs WHERE path = ?", [(d,) for d, s in signatures.items() if s is None])
                db.executemany(
                    "INSERT OR REPLACE INTO dirs (path, signature) VALUES (?, ?)",
                    [(d, s) for d, s in signatures.items() if s is not None],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        stats.files = db.execute("SELECT count(*) FROM docs").fetchone()[0]
        return stats

    def _upsert(
        self, db: sqlite3.Connection, relpath: str, st: _Stat, old: _Row | None, stats: IndexStats
    ) -> None:
        try:
            data = (self.archive / relpath).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            if old is not None:
                self._delete(db, old[0])
                stats.removed += 1
            return
        sha = hashlib.sha256(data).hexdigest()
        if old is not None and old[3] == sha:
            db.execute("UPDATE docs SET size = ?, mtime_ns = ? WHERE rowid = ?", (st[0], st[1], old[0]))
            return
        doc = _document(read_case_file(relpath, data.decode("utf-8", errors="replace")))
        if old is not None:
            self._delete(db, old[0])
            stats.updated += 1
        else:
            stats.added += 1
        cursor = db.execute(
            "INSERT INTO docs (path, size, mtime_ns, sha256, ticket_id, title, status, solved_at, sort_at, url,"
            " versions, services, created_at, version, deployment, facts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                relpath, st[0], st[1], sha, doc.ticket_id, doc.title, doc.status, doc.solved_at, doc.sort_at, doc.url,
                json.dumps(doc.versions), json.dumps(doc.services), doc.created_at, doc.version, doc.deployment,
                doc.facts,
            ),
        )
        rowid = cursor.lastrowid
        db.execute(
            "INSERT INTO fts (rowid, title, body, meta) VALUES (?, ?, ?, ?)", (rowid, doc.title, doc.body, doc.meta)
        )
        db.executemany(
            "INSERT OR IGNORE INTO facets (kind, value, doc) VALUES (?, ?, ?)",
            [("version", v, rowid) for v in doc.versions]
            + [("service", s, rowid) for s in doc.services]
            + [("keyword", k, rowid) for k in doc.keywords]
            + [("signature", v, rowid) for v in doc.signatures]
            + [("issue", v, rowid) for v in doc.issues]
            + [("jira", v, rowid) for v in doc.jira],
        )

    @staticmethod
    def _delete(db: sqlite3.Connection, rowid: int) -> None:
        db.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM facets WHERE doc = ?", (rowid,))
        db.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
