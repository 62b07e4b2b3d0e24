"""Erasure: forget tickets in every commit, not only in HEAD (`ticket-archive forget ID... --purge-history`).

Under the run lock, in stages a rerun resumes (the stage is recorded in PURGE_FILE,
which holds ids, stages and commit ids only):

    forget      HEAD: the notes removed, the ids remembered in the run state, committed
                (what `forget` without --purge-history does)
    backed-up   every ref copied under refs/ticket-archive/purge-backup/: the old history
                stays whole until the rewrite is done, and a rerun reads the forgotten
                notes from it again
    rewritten   git-filter-repo rewrites every branch, tag and stash (archive.scrub
                decides what each file of each commit keeps); remote-tracking refs,
                which would keep the old commits, are deleted after their commit ids
                are recorded for the push's lease
    rebuilt     working tree reset; caches deleted; pages rebuilt and committed if the
                scrub left them different from what the notes give
    pruned      backup refs deleted, reflogs expired, `git gc --prune=now`: no object of
                the old history is left, reachable or not; the search index rebuilt

Killed at any point, the repository stays a valid repository (filter-repo updates the
refs only once its new history is written) and the same command finishes the job.
git-filter-repo runs with `--refs`, which makes it a "partial" rewrite: it keeps the
`origin` remote and leaves reflogs and gc to us, so the backup refs are neither
rewritten nor pruned too early. It needs git MINIMUM_GIT (its file-info callback reads
blobs with `git cat-file --batch-command`).

Every commit id from the first commit that held a forgotten ticket on changes: clones
and the remote keep the old history until they are replaced. With `push`, the branch is
force-pushed with a lease on the commit the remote had before the rewrite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from archive.casefile import CACHE_DIR
from archive.errors import ArchiveError, GitError
from archive.index import SearchIndex
from archive.repo import last_line
from archive.scrub import FILE_INFO_CALLBACK, FORGOTTEN_ENV, forgotten_versions, pause_at
from archive.store import Archive, write_atomic

MINIMUM_GIT = (2, 36, 0)
PURGE_FILE = f"{CACHE_DIR}/purge.json"
BACKUP_PREFIX = "refs/ticket-archive/purge-backup/"
_REMOTE_TRACKING = "refs/remotes/"
_FILTER_BRANCH_BACKUP = "refs/original/"
_STAGES = ("forgotten", "backed-up", "rewritten", "rebuilt", "pruned")


@dataclass
class Purge:
    """PURGE_FILE: a purge under way. No ticket text, ever: ids, a stage and commit ids."""

    ids: list[int]
    stage: str = "forgotten"
    # Each remote-tracking ref and the commit it held before the rewrite: the push's lease.
    remote_refs: dict[str, str] = field(default_factory=dict)
    versions: int = 0  # versions of the forgotten notes the old history held
    rewritten: int = 0  # commits whose id changed

    def done(self, stage: str) -> bool:
        return _STAGES.index(self.stage) >= _STAGES.index(stage)


@dataclass(frozen=True)
class PurgeResult:
    ids: list[int]
    versions: int  # versions of their notes the history held
    rewritten: int  # commits whose id changed
    commit: str | None  # HEAD after the purge
    remote: str | None  # the remote to push to (None: the archive has none)
    branch: str
    lease: str | None  # the commit the remote's branch held before the rewrite, as last fetched or pushed
    resumed: bool  # finished a purge an earlier run began
    seconds: float

    def push_command(self, path: Path) -> str | None:
        """The command that pushes the rewritten history, as `--push` runs it."""
        if self.remote is None:
            return None
        # Without a recorded commit there is nothing to lease on: fetching one first would bring the old history back.
        force = f"--force-with-lease=refs/heads/{self.branch}:{self.lease}" if self.lease else "--force"
        return f"git -C {path} push {force} {self.remote} HEAD:refs/heads/{self.branch}"


def purge_history(archive: Archive, ticket_ids: Iterable[int], *, push: bool = False) -> PurgeResult:
    """Forget these tickets in HEAD and in every commit, finishing a purge a killed run began; with `push`,
    force-push the rewritten branch (see `PurgeResult.push_command`)."""
    started = time.monotonic()
    with archive.locked():
        repo = archive.repo
        repo.require_version(MINIMUM_GIT, "forget --purge-history")
        archive.open()
        purge = _read(archive)
        resumed = purge is not None
        ids = sorted({int(i) for i in ticket_ids} | set(purge.ids if purge else ()))
        if purge is None or set(ids) != set(purge.ids):
            if purge is None:
                _require_remote_merged(archive)
            forget_in_head(archive, ids, "and purge them from history")
            _require_committed(archive)
            remote_refs = repo.refs(_REMOTE_TRACKING) if repo.head() else {}
            # Ids added to a purge under way: the rewrite starts again, from the same backup.
            purge = Purge(ids, remote_refs={**remote_refs, **(purge.remote_refs if purge else {})})
            _write(archive, purge)
        _finish(archive, purge)
        remote = _remote(archive)
        branch = repo.branch()
        result = PurgeResult(
            ids=ids,
            versions=purge.versions,
            rewritten=purge.rewritten,
            commit=repo.head(),
            remote=remote,
            branch=branch,
            lease=purge.remote_refs.get(f"{_REMOTE_TRACKING}{remote}/{branch}") if remote else None,
            resumed=resumed,
            seconds=time.monotonic() - started,
        )
        if push:
            _push(archive, result)
        return result


def _push(archive: Archive, result: PurgeResult) -> None:
    """Force-push the rewritten branch, only while the remote still holds the commit it had before the rewrite.

    Without a recorded remote-tracking ref (the archive never fetched, or pushed with
    one), the lease is what the remote holds just before the push."""
    if result.remote is None:
        raise GitError(f"history purged; --push needs a remote: run `git -C {archive.path} remote add origin URL`")
    try:
        expect = result.lease or archive.repo.remote_head(result.remote, result.branch)
        archive.repo.force_push(result.remote, result.branch, expect)
    except GitError as exc:
        raise type(exc)(f"history purged, but the push failed: {exc}; push with: {result.push_command(archive.path)}") from None


def forget_in_head(archive: Archive, ids: Iterable[int], why: str = "") -> str | None:
    """Remove the tickets' notes from the working tree, remember them as forgotten, commit; the caller holds the lock."""
    ids = sorted(set(ids))
    for ticket_id in ids:
        archive.remove_ticket(ticket_id)
    state = archive.read_state()
    for ticket_id in ids:
        state.forget(ticket_id)
    archive.write_state(state)
    named = f"ticket {ids[0]}" if len(ids) == 1 else f"tickets {', '.join(map(str, ids))}"
    return archive.commit(f"forget {named}" + (f" {why}" if why else ""))


def _finish(archive: Archive, purge: Purge) -> None:
    repo = archive.repo
    if not purge.done("backed-up"):
        if not repo.refs(BACKUP_PREFIX):
            backup = {
                f"{BACKUP_PREFIX}{ref[len('refs/'):]}": sha
                for ref, sha in repo.refs().items()
                if not ref.startswith("refs/ticket-archive/")
            }
            repo.update_refs(backup)
        purge.versions = len(forgotten_versions(archive.path, frozenset(purge.ids)))
        _advance(archive, purge, "backed-up")
    if not purge.done("rewritten"):
        if purge.versions:
            purge.rewritten = _rewrite(archive, purge.ids)
        _advance(archive, purge, "rewritten")
    if not purge.done("rebuilt"):
        # filter-repo resets the tree itself; not when it was killed before it could.
        repo.git("reset", "--quiet", "--hard")
        archive.drop_caches(keep=[PURGE_FILE])
        archive.open()
        forget_in_head(archive, purge.ids, "and purge them from history (pages rebuilt)")
        _advance(archive, purge, "rebuilt")
    if not purge.done("pruned"):
        repo.update_refs({ref: None for ref in repo.refs(BACKUP_PREFIX)})
        pause_at("pruning")
        _prune(archive)
        _advance(archive, purge, "pruned")
    with SearchIndex(archive.path) as index:
        index.refresh(rebuild=True)
    (archive.path / PURGE_FILE).unlink(missing_ok=True)


def _rewrite(archive: Archive, ids: list[int]) -> int:
    """Run git-filter-repo over every ref but the backup; how many commits got a new id."""
    repo = archive.repo
    repo.update_refs({ref: None for ref in [*repo.refs(_REMOTE_TRACKING), *repo.refs(_FILTER_BRANCH_BACKUP)]})
    refs = sorted(ref for ref in repo.refs() if not ref.startswith("refs/ticket-archive/"))
    if not refs:
        return 0
    work = archive.path / ".git" / "filter-repo"
    # A leftover from an earlier run makes filter-repo ask whether this run continues it.
    shutil.rmtree(work, ignore_errors=True)
    command = [
        sys.executable, "-P", "-m", "git_filter_repo",
        "--force",  # the archive is not a fresh clone; the backup refs stand in for one
        "--quiet",
        "--refs", *refs,
        "--file-info-callback", FILE_INFO_CALLBACK,
    ]  # fmt: skip
    env = {**os.environ, FORGOTTEN_ENV: ",".join(map(str, ids)), "LC_ALL": "C"}
    try:
        result = subprocess.run(
            command, cwd=archive.path, env=env, capture_output=True, pass_fds=repo.inherit_fds
        )
    except OSError as exc:
        raise GitError(f"cannot run git-filter-repo: {exc.strerror}") from None
    if result.returncode != 0:
        tail = last_line(result.stderr if result.stderr.strip() else result.stdout)
        raise GitError(f"git-filter-repo failed in {archive.path}: {tail}")
    try:
        pairs = [line.split() for line in (work / "commit-map").read_text("ascii").splitlines()[1:]]
    except OSError:
        pairs = []
    shutil.rmtree(work, ignore_errors=True)
    return sum(1 for pair in pairs if len(pair) == 2 and pair[0] != pair[1])


def _prune(archive: Archive) -> None:
    """Drop every object only the old history reached: reflogs first, then everything unreachable."""
    git = archive.repo.git
    git("reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
    # In the foreground: detached, gc would inherit the run lock and outlive this run.
    git("-c", "gc.autoDetach=false", "-c", "gc.reflogExpire=now", "gc", "--quiet", "--prune=now")


def _remote(archive: Archive) -> str | None:
    try:
        return archive.repo.default_remote()
    except GitError:
        return None


def _require_remote_merged(archive: Archive) -> None:
    """Refuse when the remote's branch, as last fetched, has commits HEAD lacks: the forced push would drop them."""
    repo = archive.repo
    remote = _remote(archive)
    if remote is None or repo.head() is None:
        return
    branch = repo.branch()
    tracking = repo.refs(f"{_REMOTE_TRACKING}{remote}/{branch}").get(f"{_REMOTE_TRACKING}{remote}/{branch}")
    if tracking and repo.git("merge-base", "--is-ancestor", tracking, "HEAD", check=False).returncode != 0:
        raise ArchiveError(
            f"{remote}/{branch} has commits this archive lacks, which the rewritten history's forced push would "
            f"drop: merge them (git -C {archive.path} merge {remote}/{branch}), then run forget --purge-history again"
        )


def _require_committed(archive: Archive) -> None:
    dirty = archive.repo.git("status", "--porcelain", "--untracked-files=no").stdout.decode("utf-8", "replace")
    if dirty.strip():
        paths = ", ".join(line[3:] for line in dirty.splitlines()[:3])
        raise ArchiveError(
            f"{archive.path} has uncommitted changes ({paths}); the rewrite resets the working tree: "
            "commit or discard them, then run forget --purge-history again"
        )


def _read(archive: Archive) -> Purge | None:
    try:
        data = json.loads((archive.path / PURGE_FILE).read_text("utf-8"))
        purge = Purge(**data)
        if purge.stage not in _STAGES:
            raise ValueError(purge.stage)
        return purge
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise ArchiveError(
            f"{archive.path / PURGE_FILE} is unreadable ({type(exc).__name__}); the purge it records cannot be "
            f"resumed: restore the refs under {BACKUP_PREFIX} if the history looks wrong, then delete the file"
        ) from None


def _write(archive: Archive, purge: Purge) -> None:
    data = json.dumps(asdict(purge), indent=2, sort_keys=True) + "\n"
    try:
        write_atomic(archive.path / PURGE_FILE, data.encode("utf-8"))
    except OSError as exc:
        raise ArchiveError(f"cannot write {PURGE_FILE} in {archive.path}: {exc.strerror}") from None


def _advance(archive: Archive, purge: Purge, stage: str) -> None:
    purge.stage = stage
    _write(archive, purge)
    pause_at(stage)
