"""The archive's git repository, driven through the `git` CLI."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Iterable, Sequence

from archive.errors import GitError, GitTooOld, PushRejected

log = logging.getLogger("ticket_archive.archive")

COMMITTER_NAME = "ticket-archive"
COMMITTER_EMAIL = "ticket-archive@localhost"
# Remote URLs may embed credentials (https://user:token@host); git echoes them in errors.
_URL_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]+@")


def _nul_list(paths: Iterable[str]) -> bytes:
    return "\0".join(sorted(paths)).encode("utf-8")


def last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines() or ["no output"]
    return _URL_CREDENTIALS.sub(r"\1***@", lines[-1])


class GitRepo:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Descriptors every git child inherits: the archive's run lock while a run holds it
        # (see Archive.locked), so a git command outlives a killed run only while keeping
        # the archive locked.
        self.inherit_fds: tuple[int, ...] = ()

    def git(
        self, *args: str, input: bytes | None = None, check: bool = True, timeout: float | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """Run git here; `timeout` (seconds) for what talks to a remote that may never answer."""
        env = dict(os.environ)
        # Unattended: never prompt for credentials, never open an editor or pager.
        env.update(GIT_TERMINAL_PROMPT="0", GIT_EDITOR="true", GIT_PAGER="cat", LC_ALL="C")
        command = next((a for a in args if not a.startswith("-") and "=" not in a), args[0])
        try:
            # With a timeout git gets its own process group: killing git alone would leave its ssh or
            # upload-pack child holding the pipes open, and the wait for them would hang in turn.
            with subprocess.Popen(
                ["git", "-C", str(self.path), *args],
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                pass_fds=self.inherit_fds,
                start_new_session=timeout is not None,
            ) as process:
                try:
                    stdout, stderr = process.communicate(input, timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.communicate()
                    raise GitError(f"git {command} in {self.path} gave no answer within {timeout:g} s") from None
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH; install git") from None
        result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        if check and result.returncode != 0:
            raise GitError(f"git {command} failed in {self.path}: {last_line(result.stderr)}")
        return result

    def exists(self) -> bool:
        return (self.path / ".git").exists()

    def remove_stale_locks(self, older_than: float) -> list[str]:
        """Remove git's lock files (index.lock, HEAD.lock, refs/**/*.lock, ...) last touched before
        `older_than` (a time.time()); the caller guarantees no git process can still hold them.

        git leaves these behind when it is killed, and refuses to work until they are gone.
        Removing one discards only the unfinished update it held: the index, ref or config
        it was to replace is untouched."""
        git_dir = self.path / ".git"
        if not git_dir.is_dir():
            return []
        removed = []
        for lock in sorted([*git_dir.glob("*.lock"), *git_dir.glob("refs/**/*.lock")]):
            try:
                if lock.is_file() and lock.stat().st_mtime < older_than:
                    lock.unlink()
                    removed.append(str(lock.relative_to(self.path)))
            except FileNotFoundError:
                continue
        for name in removed:
            log.warning("removed %s, left by a git command of a killed run", name)
        return removed

    def init(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        if not self.exists():
            self.git("init", "--quiet", "--initial-branch=main")
        # The archive grows to many thousands of files; git's index settings for that.
        self.git("config", "feature.manyFiles", "true")
        if not self.git("config", "user.name", check=False).stdout.strip():
            self.git("config", "user.name", COMMITTER_NAME)
        if not self.git("config", "user.email", check=False).stdout.strip():
            self.git("config", "user.email", COMMITTER_EMAIL)

    def add(self, paths: Sequence[str]) -> None:
        if paths:
            # Paths go on stdin: a large backfill would overflow the command line. -A stages
            # deletions too, but git refuses a path that is neither on disk nor tracked
            # (written and removed within one run), so those are dropped first.
            absent = sorted(p for p in paths if not (self.path / p).exists())
            keep = set(paths) - (set(absent) - self.tracked(absent))
            if keep:
                self.git("add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul", input=_nul_list(keep))

    def tracked(self, paths: Sequence[str]) -> set[str]:
        found: set[str] = set()
        # git 2.39's ls-files has no --pathspec-from-file; chunks keep the command line short.
        for start in range(0, len(paths), 500):
            chunk = list(paths[start : start + 500])
            out = self.git("ls-files", "-z", "--", *chunk).stdout
            found.update(out.decode("utf-8", "replace").split("\0"))
        return found - {""}

    def uncommitted_paths(self, *pathspecs: str) -> list[str]:
        out = self.git("status", "--porcelain", "-z", "--untracked-files=all", "--", *pathspecs).stdout.decode("utf-8", "replace")
        paths = []
        for entry in out.split("\0"):
            if len(entry) > 3:
                paths.append(entry[3:])
        return paths

    def has_staged_changes(self) -> bool:
        return self.git("diff", "--cached", "--quiet", check=False).returncode != 0

    def commit(self, message: str) -> str | None:
        """Commit what is staged; None when nothing is."""
        if not self.has_staged_changes():
            return None
        # Auto-gc in the foreground: detached, it would inherit the run lock and make the next run exit 7.
        self.git(
            "-c", "gc.autoDetach=false", "-c", "maintenance.autoDetach=false",
            "commit", "--quiet", "--no-verify", "-F", "-",
            input=message.encode("utf-8"),
        )
        return self.head()

    def head(self) -> str | None:
        result = self.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return result.stdout.decode().strip() or None

    def commit_count(self) -> int:
        if self.head() is None:
            return 0
        return int(self.git("rev-list", "--count", "HEAD").stdout.decode().strip())

    def push(self, remote: str | None = None) -> None:
        remote = remote or self.default_remote()
        branch = self.branch()
        result = self.git("push", "--quiet", remote, f"HEAD:refs/heads/{branch}", check=False)
        if result.returncode != 0:
            err = result.stderr.decode("utf-8", "replace")
            if "non-fast-forward" in err or "rejected" in err or "fetch first" in err:
                raise PushRejected(
                    f"the remote {remote!r} rejected the push (it has commits this archive lacks); "
                    "the local commit is kept: pull/rebase the archive or fix the remote, then rerun with --push"
                )
            raise GitError(f"git push to {remote!r} failed: {last_line(result.stderr)}")

    def force_push(self, remote: str, branch: str, expect: str) -> None:
        """Replace the remote branch with HEAD, only while it still points at `expect` (a rewritten history)."""
        result = self.git(
            "push", "--quiet", f"--force-with-lease=refs/heads/{branch}:{expect}", remote, f"HEAD:refs/heads/{branch}",
            check=False,
        )
        if result.returncode != 0:
            err = result.stderr.decode("utf-8", "replace")
            if "stale info" in err or "rejected" in err:
                raise PushRejected(
                    f"the remote {remote!r} refused the forced push: its {branch} is no longer at {expect[:12]} "
                    "(someone pushed since); fetch, look, then push by hand"
                )
            raise GitError(f"git push to {remote!r} failed: {last_line(result.stderr)}")

    def remote_head(self, remote: str, branch: str) -> str:
        """What the remote's branch points at now ('' when it has none)."""
        out = self.git("ls-remote", remote, f"refs/heads/{branch}", timeout=60).stdout.decode().split()
        return out[0] if out else ""

    def branch(self) -> str:
        return self.git("symbolic-ref", "--short", "HEAD").stdout.decode().strip()

    def refs(self, prefix: str = "refs/") -> dict[str, str]:
        """Every ref under `prefix` and the object it points at."""
        out = self.git("for-each-ref", "--format=%(refname) %(objectname)", prefix).stdout.decode("utf-8", "replace")
        pairs = (line.split(" ", 1) for line in out.splitlines() if line)
        return {ref: sha for ref, sha in pairs}

    def update_refs(self, updates: dict[str, str | None]) -> None:
        """Set (to an object id) or delete (None) these refs in one transaction: all or none."""
        if updates:
            lines = "".join(
                f"delete {ref}\n" if sha is None else f"update {ref} {sha}\n" for ref, sha in sorted(updates.items())
            )
            self.git("update-ref", "--stdin", input=lines.encode("utf-8"))

    def require_version(self, minimum: tuple[int, ...], needed_for: str) -> None:
        """Raise GitTooOld unless `git --version` is at least `minimum`."""
        out = self.git("version").stdout.decode("utf-8", "replace")
        found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
        have = tuple(int(n or 0) for n in found.groups()) if found else (0,)
        if have < minimum:
            want = ".".join(map(str, minimum))
            raise GitTooOld(f"{needed_for} needs git {want} or later; this is {out.strip() or 'an unknown git'}: upgrade git")

    def default_remote(self) -> str:
        remotes = self.git("remote").stdout.decode().split()
        if not remotes:
            raise GitError(f"--push needs a remote: run `git -C {self.path} remote add origin URL`")
        return "origin" if "origin" in remotes else remotes[0]
