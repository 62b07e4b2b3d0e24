"""The archive on disk: ticket files, generated pages, the run state, and the one commit per run.

Files are written atomically (temp file in the same directory, fsync, rename)
and only when their bytes change. The export state (the incremental cursor)
lives in `.ticket-archive/state.json` and is committed together with the
ticket files, so data and state never disagree. The generated pages (README.md,
versions/, services/, and the backlink pages signatures/, issues/, jira/) are
rebuilt from the manifest cache (archive.manifest) just before each commit and
go into the same commit. So does the one-time rewrite of every note's derived
keys when the rules or settings they come from changed (`derive_notes`,
archive.derived), which the export and backfill jobs ask for.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from archive.backlinks import build_backlink_pages
from archive.casefile import (
    CACHE_DIR,
    CLEAN_FILE,
    GITIGNORE,
    GITIGNORE_FILE,
    ISSUES_DIR,
    JIRA_DIR,
    LOCK_FILE,
    MANIFEST_FILE,
    PAGE_DIRS,
    README,
    SERVICES_DIR,
    SIGNATURES_DIR,
    STATE_DIR,
    STATE_FILE,
    TICKET_FILES,
    TICKETS_DIR,
    VERSIONS_DIR,
    read_case_file,
    ticket_path,
)
from archive.derived import derive_from_note, stamp, with_derived
from archive.errors import ArchiveError, ArchiveLocked, LeakSuspected
from archive.manifest import Manifest
from archive.pages import build_pages
from archive.sourcegraph import sourcegraph_repo_name
from archive.render import render_ticket
from archive.repo import GitRepo
from archive.settings import NoteSettings
from archive.state import ArchiveState
from redaction.models import RedactedTicket

# Given a file's path and rendered text, returns what looks like a leak (nothing when clean).
Check = Callable[[str, str], Iterable[object]]

# Where write_atomic puts its temp files (`.<name>.<random>.tmp` next to the target).
_TEMP_FILES = (
    ".*.tmp",
    f"{TICKETS_DIR}/*/*/.*.tmp",
    f"{VERSIONS_DIR}/.*.tmp",
    f"{SERVICES_DIR}/.*.tmp",
    f"{SIGNATURES_DIR}/.*.tmp",
    f"{ISSUES_DIR}/**/.*.tmp",
    f"{JIRA_DIR}/.*.tmp",
    f"{STATE_DIR}/.*.tmp",
    f"{CACHE_DIR}/.*.tmp",
)


def write_atomic(path: Path, data: bytes, before: Callable[[], None] | None = None) -> bool:
    """Write `data` to `path` unless it already holds exactly that; True when written.

    `before` is called just before the file changes."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    if before is not None:
        before()
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
        self._locked_at: float | None = None  # time.time() when this process took the run lock
        self._dirtied = False  # this instance changed a file (and withdrew the clean record)
        self._rendered: set[str] = set()  # case files rendered since the last commit (their derived keys are current)

    def open(self) -> "Archive":
        """Create the archive (a git repo) when missing; idempotent."""
        if self.path.exists() and not self.path.is_dir():
            raise ArchiveError(f"{self.path} is a file; --archive must name a directory")
        # After a run that committed everything (the usual case) nothing is left over, and the
        # tree is not walked: a nightly run costs what changed, not what the archive holds.
        clean = self._ended_cleanly()
        if self._locked_at is not None:
            self._clean_up_after_killed_run(temp_files=not clean)
        try:
            self.repo.init()
        except OSError as exc:
            raise ArchiveError(f"cannot create the archive at {self.path}: {exc.strerror}") from None
        self._write(GITIGNORE_FILE, GITIGNORE.encode())
        if not clean:
            # Files a killed run wrote but did not commit belong to the next commit.
            self._changed.update(
                self.repo.uncommitted_paths(GITIGNORE_FILE, TICKETS_DIR, STATE_FILE, README, *PAGE_DIRS)
            )
        return self

    def _ended_cleanly(self) -> bool:
        """The last run committed all it wrote, at the current HEAD (see CLEAN_FILE)."""
        try:
            recorded = (self.path / CLEAN_FILE).read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return False
        return recorded == (self.repo.head() or "none")

    def _clean_up_after_killed_run(self, *, temp_files: bool = True) -> None:
        """Remove what a run killed mid-write left: write_atomic's temp files and git's lock files.

        Safe only under the run lock: every git command a run starts inherits that lock
        (see `locked`), so while we hold it no git process of an earlier run is alive,
        and a lock file older than our lock was not taken by a git command of ours. The
        one git process this cannot see is a person's, run in the archive by hand across
        the moment our run started; run such commands under the lock
        (`flock .ticket-archive/run.lock git ...`)."""
        assert self._locked_at is not None
        for pattern in _TEMP_FILES if temp_files else ():
            for tmp in self.path.glob(pattern):
                tmp.unlink(missing_ok=True)
        self.repo.remove_stale_locks(older_than=self._locked_at)

    @contextlib.contextmanager
    def locked(self) -> Iterator["Archive"]:
        """Hold the archive's run lock, so two runs never write at once.

        An OS lock (flock) rather than a pid file: the kernel drops it when its
        process dies, so a lock left by a killed run is never stale. The git commands
        the run starts inherit it, so a git process that outlives a killed run keeps
        the archive locked until it ends."""
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
                    f"another ticket-archive run ({holder}, or a git command it started) is using {self.path}; "
                    "wait for it to finish"
                ) from None
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}\n")
            handle.flush()
            self._locked_at = time.time()
            self.repo.inherit_fds = (handle.fileno(),)
            try:
                yield self
            finally:
                self.repo.inherit_fds = ()
                self._locked_at = None
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- tickets ----------------------------------------------------------

    def find_ticket(self, ticket_id: int) -> list[str]:
        """The ticket's case files, from the manifest: the tree is never listed."""
        return self.manifest().paths_of(ticket_id)

    def write_ticket(self, ticket: RedactedTicket, check: Check | None = None) -> bool:
        """Render and write one ticket; True when its file changed.

        `check(relpath, text)` sees the rendered file before it is written and
        returns what looks like a leak; anything it returns withholds the file."""
        relpath = ticket_path(ticket.id, ticket.created_at)
        data = render_ticket(ticket, self.notes)
        if check is not None:
            suspects = tuple(check(relpath, data.decode("utf-8")))
            if suspects:
                where = ", ".join(f"line {getattr(s, 'line', '?')} {getattr(s, 'kind', '?')}" for s in suspects[:5])
                raise LeakSuspected(f"{relpath} withheld: looks like a leak at {where}", suspects)
        manifest = self.manifest()
        changed = self._write(relpath, data)
        self._rendered.add(relpath)
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
                manifest = Manifest.rebuild(self.path)
            else:
                # Ticket files a killed run left uncommitted (found by open()) may differ from the manifest.
                manifest.refresh(self.path, sorted(p for p in self._changed if p.startswith(f"{TICKETS_DIR}/")))
            self._manifest = manifest
        return self._manifest

    def write_pages(self) -> int:
        """Write README.md and the pages under versions/, services/, signatures/, issues/ and jira/
        from the manifest; how many files changed."""
        entries, repo = self.manifest().entries.values(), self.sourcegraph_repo()
        pages = build_pages(entries, self.notes, repo)
        pages.update(build_backlink_pages(entries, self.notes, repo))
        changed = sum(self._write(relpath, data) for relpath, data in sorted(pages.items()))
        for folder in PAGE_DIRS:
            for path in sorted((self.path / folder).rglob("*.md")):
                relpath = path.relative_to(self.path).as_posix()
                if relpath not in pages and not path.name.startswith("."):
                    self._remove(relpath)
                    changed += 1
        return changed

    def derive_notes(self) -> int:
        """Bring every note's derived keys (signatures, issues, jira) up to the current rules and settings,
        once: when the stamp in the run state differs. How many notes changed.

        Reads only the notes' own text, never Zendesk; the state records the stamp for the next commit.
        The export and backfill jobs call it before they commit, with the settings they render with."""
        current = stamp(self.notes)
        state = self.read_state()
        if state.derived == current:
            return 0
        changed = 0
        notes = 0
        for path in sorted(self.path.glob(TICKET_FILES)):
            relpath = path.relative_to(self.path).as_posix()
            notes += 1
            if relpath in self._rendered:
                continue  # rendered by this run, by these rules
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            case = read_case_file(relpath, text)
            if not case.readable:
                continue
            updated = with_derived(text, derive_from_note(case, self.notes))
            if updated != text:
                self._write(relpath, updated.encode("utf-8"))
                self.manifest().put(relpath, updated)
                changed += 1
        if notes or self._changed:
            state.derived = current
            self.write_state(state)
        return changed

    def sourcegraph_repo(self) -> str | None:
        """The archive's repository name on Sourcegraph: the setting, else from the `origin` remote."""
        if self.notes.sourcegraph_repo:
            return self.notes.sourcegraph_repo
        result = self.repo.git("remote", "get-url", "origin", check=False) if self.repo.exists() else None
        if result is None or result.returncode != 0:
            return None
        return sourcegraph_repo_name(result.stdout.decode("utf-8", "replace"))

    def drop_caches(self, keep: Iterable[str] = ()) -> None:
        """Delete the cache files (manifest, search index, clean record) but `keep` (paths relative to the
        archive); each is rebuilt from the notes when next needed.

        For after a history rewrite (archive.erasure): the caches may still hold text that no
        note has any more, in their entries or in a database's free pages."""
        cache, kept = self.path / CACHE_DIR, {self.path / k for k in keep}
        if cache.is_dir():
            for path in sorted(cache.rglob("*"), reverse=True):
                if path in kept:
                    continue
                try:
                    path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
                except OSError as exc:
                    if path.is_dir():
                        continue  # holds a file we keep
                    raise ArchiveError(f"cannot remove {path}: {exc.strerror}") from None
        self._manifest = None
        self._rendered.clear()

    def _save_manifest(self) -> None:
        if self._manifest is None:
            return
        data = self._manifest.dumps(self.repo.head())
        try:
            write_atomic(self.path / MANIFEST_FILE, data)
        except OSError as exc:
            raise ArchiveError(f"cannot write {MANIFEST_FILE} in {self.path}: {exc.strerror}") from None

    # -- state and commits ------------------------------------------------

    def read_state(self) -> ArchiveState:
        try:
            return ArchiveState.loads((self.path / STATE_FILE).read_text("utf-8"))
        except FileNotFoundError:
            return ArchiveState()
        except (OSError, ValueError) as exc:
            raise ArchiveError(
                f"{self.path / STATE_FILE} is unreadable ({type(exc).__name__}); restore it with "
                f"`git -C {self.path} checkout -- {STATE_FILE}`"
            ) from None

    def write_state(self, state: ArchiveState) -> bool:
        """Write the state for the next commit; True when it changed."""
        return self._write(STATE_FILE, state.dumps())

    def commit(self, message: str) -> str | None:
        """Update the generated pages, stage what this run changed and commit it; None when nothing changed."""
        self.write_pages()
        self._rendered.clear()
        if not self._changed:
            self._save_manifest()
            self._record_clean()
            return None
        self.repo.add(sorted(self._changed))
        sha = self.repo.commit(message)
        self._changed.clear()
        # Saved after the commit and recorded at it: a run killed in between leaves a
        # manifest of an older HEAD, which the next run rebuilds rather than trusts.
        self._save_manifest()
        self._record_clean()
        return sha

    def _record_clean(self) -> None:
        try:
            write_atomic(self.path / CLEAN_FILE, f"{self.repo.head() or 'none'}\n".encode())
        except OSError as exc:
            raise ArchiveError(f"cannot write {CLEAN_FILE} in {self.path}: {exc.strerror}") from None
        self._dirtied = False

    def _withdraw_clean(self) -> None:
        # Before this run's first change: until it commits, the next run must look for leftovers.
        if not self._dirtied:
            (self.path / CLEAN_FILE).unlink(missing_ok=True)
            self._dirtied = True

    def push(self) -> None:
        self.repo.push()

    def _write(self, relpath: str, data: bytes) -> bool:
        try:
            changed = write_atomic(self.path / relpath, data, before=self._withdraw_clean)
        except OSError as exc:
            raise ArchiveError(f"cannot write {relpath} in {self.path}: {exc.strerror}") from None
        if changed:
            self._changed.add(relpath)
        return changed

    def _remove(self, relpath: str) -> None:
        self._withdraw_clean()
        (self.path / relpath).unlink(missing_ok=True)
        self._changed.add(relpath)
