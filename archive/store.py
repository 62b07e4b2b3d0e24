"""The archive on disk: ticket files, generated pages, the run state, and the one commit per run.

Files are written atomically (temp file in the same directory, fsync, rename)
and only when their bytes change. The export state (the incremental cursor)
lives in `.ticket-archive/state.json` and is committed together with the
ticket files, so data and state never disagree. The generated pages (README.md,
versions/, services/) are rebuilt from the manifest cache (archive.manifest)
just before each commit and go into the same commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from archive.errors import ArchiveError, ArchiveLocked
from archive.manifest import MANIFEST_FILE, Manifest
from archive.pages import README, SERVICES_DIR, VERSIONS_DIR, build_pages, sourcegraph_repo_name
from archive.render import render_ticket
from archive.repo import GitRepo
from archive.settings import NoteSettings
from redaction.models import RedactedTicket

STATE_DIR = ".ticket-archive"
STATE_FILE = f"{STATE_DIR}/state.json"
LOCK_FILE = f"{STATE_DIR}/run.lock"
TICKETS_DIR = "tickets"
GITIGNORE = (
    "# Caches rebuilt from the ticket files, locks and temp files of a killed run; never committed.\n"
    ".ticket-archive/cache/\n.ticket-archive/*.lock\n*.tmp\n"
)


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that; True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


class Archive:
    def __init__(self, path: Path | str, notes: NoteSettings | None = None) -> None:
        self.path = Path(path).expanduser().resolve()
        self.repo = GitRepo(self.path)
        self.notes = notes or NoteSettings()
        self._changed: set[str] = set()
        self._manifest: Manifest | None = None  # loaded on first use

    def open(self) -> "Archive":
        """Create the archive (a git repo) when missing; idempotent."""
        if self.path.exists() and not self.path.is_dir():
            raise ArchiveError(f"{self.path} is a file; --archive must name a directory")
        try:
            self.repo.init()
        except OSError as exc:
            raise ArchiveError(f"cannot create the archive at {self.path}: {exc.strerror}") from None
        self._write(".gitignore", GITIGNORE.encode())
        # Files a killed run wrote but did not commit belong to the next commit.
        self._changed.update(self.repo.uncommitted_paths(TICKETS_DIR, STATE_FILE, README, VERSIONS_DIR, SERVICES_DIR))
        return self

    @contextlib.contextmanager
    def locked(self) -> Iterator["Archive"]:
        """Hold the archive's run lock, so two runs never write at once.

        An OS lock (flock) rather than a pid file: the kernel drops it when its
        process dies, so a lock left by a killed run is never stale."""
        lock_path = self.path / LOCK_FILE
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+")
        except OSError as exc:
            raise ArchiveError(f"cannot use {self.path} as the archive: {exc.strerror}") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise ArchiveLocked(
                    f"another ticket-archive run ({holder}) is using {self.path}; wait for it to finish"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}\n")
            handle.flush()
            try:
                yield self
            finally:
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- tickets ----------------------------------------------------------

    def ticket_relpath(self, ticket: RedactedTicket) -> str:
        created = ticket.created_at
        return f"{TICKETS_DIR}/{created.year:04d}/{created.month:02d}/{ticket.id}.md"

    def find_ticket(self, ticket_id: int) -> list[str]:
        root = self.path / TICKETS_DIR
        return sorted(str(p.relative_to(self.path)) for p in root.glob(f"*/*/{int(ticket_id)}.md"))

    def write_ticket(self, ticket: RedactedTicket) -> bool:
        """Render and write one ticket; True when its file changed."""
        relpath = self.ticket_relpath(ticket)
        data = render_ticket(ticket, self.notes)
        manifest = self.manifest()
        changed = self._write(relpath, data)
        if changed or relpath not in manifest.entries:
            manifest.put(relpath, data.decode("utf-8"))
        # A ticket whose created_at moved would otherwise exist twice.
        for stale in self.find_ticket(ticket.id):
            if stale != relpath:
                self._remove(stale)
                manifest.drop(stale)
                changed = True
        return changed

    def remove_ticket(self, ticket_id: int) -> bool:
        removed = False
        for relpath in self.find_ticket(ticket_id):
            self._remove(relpath)
            self.manifest().drop(relpath)
            removed = True
        return removed

    # -- generated pages --------------------------------------------------

    def manifest(self) -> Manifest:
        """What the pages are built from: the saved manifest when it matches HEAD, else rebuilt from the files."""
        if self._manifest is None:
            manifest = Manifest.load(self.path, self.repo.head() if self.repo.exists() else None)
            if manifest is None:
                manifest = Manifest.rebuild(self.path, TICKETS_DIR)
            else:
                # Ticket files a killed run left uncommitted (found by open()) may differ from the manifest.
                manifest.refresh(self.path, sorted(p for p in self._changed if p.startswith(f"{TICKETS_DIR}/")))
            self._manifest = manifest
        return self._manifest

    def write_pages(self) -> int:
        """Write README.md, versions/*.md and services/*.md from the manifest; how many files changed."""
        pages = build_pages(self.manifest().entries.values(), self.notes, self._sourcegraph_repo())
        changed = sum(self._write(relpath, data) for relpath, data in sorted(pages.items()))
        for folder in (VERSIONS_DIR, SERVICES_DIR):
            for path in sorted((self.path / folder).glob("*.md")):
                relpath = f"{folder}/{path.name}"
                if relpath not in pages:
                    self._remove(relpath)
                    changed += 1
        return changed

    def _sourcegraph_repo(self) -> str | None:
        if self.notes.sourcegraph_repo:
            return self.notes.sourcegraph_repo
        result = self.repo.git("remote", "get-url", "origin", check=False) if self.repo.exists() else None
        if result is None or result.returncode != 0:
            return None
        return sourcegraph_repo_name(result.stdout.decode("utf-8", "replace"))

    def _save_manifest(self) -> None:
        if self._manifest is None:
            return
        data = self._manifest.dumps(self.repo.head())
        try:
            write_atomic(self.path / MANIFEST_FILE, data)
        except OSError as exc:
            raise ArchiveError(f"cannot write {MANIFEST_FILE} in {self.path}: {exc.strerror}") from None

    def read_ticket(self, ticket_id: int) -> str | None:
        paths = self.find_ticket(ticket_id)
        return (self.path / paths[0]).read_text("utf-8") if paths else None

    # -- state and commits ------------------------------------------------

    def read_state(self) -> dict[str, Any]:
        try:
            data = json.loads((self.path / STATE_FILE).read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ArchiveError(
                f"{self.path / STATE_FILE} is unreadable ({type(exc).__name__}); restore it with "
                f"`git -C {self.path} checkout -- {STATE_FILE}`"
            ) from None
        return data if isinstance(data, dict) else {}

    def write_state(self, state: dict[str, Any]) -> bool:
        data = json.dumps(state, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        return self._write(STATE_FILE, data.encode("utf-8"))

    @property
    def pending_changes(self) -> int:
        return len(self._changed)

    def commit(self, message: str) -> str | None:
        """Update the generated pages, stage what this run changed and commit it; None when nothing changed."""
        self.write_pages()
        if not self._changed:
            self._save_manifest()
            return None
        self.repo.add(sorted(self._changed))
        sha = self.repo.commit(message)
        self._changed.clear()
        # Saved after the commit and recorded at it: a run killed in between leaves a
        # manifest of an older HEAD, which the next run rebuilds rather than trusts.
        self._save_manifest()
        return sha

    def push(self) -> None:
        self.repo.push()

    def _write(self, relpath: str, data: bytes) -> bool:
        try:
            changed = write_atomic(self.path / relpath, data)
        except OSError as exc:
            raise ArchiveError(f"cannot write {relpath} in {self.path}: {exc.strerror}") from None
        if changed:
            self._changed.add(relpath)
        return changed

    def _remove(self, relpath: str) -> None:
        (self.path / relpath).unlink(missing_ok=True)
        self._changed.add(relpath)
