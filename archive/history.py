"""Checks every version of every file the archive's history holds, not only HEAD's (`verify --history`).

    suspects = verify_history(root, LeakScanner().scan)
    for s in suspects: print(s)        # 3f9a1c0b2d4e:tickets/2024/03/42.md:17: SECRET: the token is sg…(44)

Every Markdown blob any ref reaches (the case notes and the generated pages, in
branches, tags, remote-tracking refs, stash, the backup refs of a purge) is
scanned once, however many commits hold it, and is reported at the first commit
that added it, with the path it had there. The run state and .gitignore are the
tool's bookkeeping (the export cursor would read as a secret) and are not scanned.
The scan and the masking are archive.verify's. This is how a team checks an archive
before it first pushes it, and after `forget --purge-history`.
"""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archive.repo import GitRepo
from archive.verify import Scan, Suspect, verify_text


@dataclass(frozen=True)
class HistorySuspect:
    commit: str  # the first commit that added the blob ('-' when only a tag or tree reaches it)
    suspect: Suspect

    def __str__(self) -> str:
        s = self.suspect
        return f"{self.commit[:12]}:{s.path}:{s.line}: {s.kind}: {s.excerpt}"


def verify_history(root: Path, scan: Scan) -> list[HistorySuspect]:
    """Suspects in every distinct Markdown blob the refs of the repository at `root` reach, oldest commit first."""
    repo = GitRepo(Path(root))
    if repo.head() is None and not repo.git("for-each-ref", "--count=1").stdout.strip():
        return []
    first = _first_seen(repo)
    found: list[tuple[int, HistorySuspect]] = []
    markdown = [sha for sha, (_, _, path) in first.items() if path.endswith(".md")]
    for sha, data in _blobs(repo, markdown):
        order, commit, path = first[sha]
        if b"\0" in data[:8192]:
            continue  # binary: the archive writes none
        for suspect in verify_text(path, data.decode("utf-8", "replace"), scan):
            found.append((order, HistorySuspect(commit, suspect)))
    found.sort(key=lambda f: (f[0], f[1].suspect.path, f[1].suspect.line, f[1].suspect.kind))
    return [s for _, s in found]


def _first_seen(repo: GitRepo) -> dict[str, tuple[int, str, str]]:
    """Each blob any ref reaches -> (the order of its first commit, that commit, the path it was added at)."""
    out = repo.git(
        "log", "--all", "--reverse", "--topo-order", "-m", "--raw", "--no-renames", "--no-abbrev", "-z",
        "--format=%x00commit %H",
    ).stdout  # fmt: skip
    first: dict[str, tuple[int, str, str]] = {}
    commit, order = "-", 0
    fields = out.split(b"\0")
    i = 0
    while i < len(fields):
        field = fields[i].strip(b"\n")
        i += 1
        if field.startswith(b"commit "):
            commit, order = field[7:].decode(), order + 1
        elif field.startswith(b":"):
            # ":100644 100644 <old> <new> M" then the path as the next field.
            meta = field.split()
            path = fields[i].decode("utf-8", "replace")
            i += 1
            new = meta[3].decode() if len(meta) > 3 else ""
            if new.strip("0") and new not in first:
                first[new] = (order, commit, path)
    # Blobs no commit adds (a tag pointing at a tree or blob): still scanned.
    listing = repo.git("rev-list", "--all", "--objects", "--filter=object:type=blob").stdout
    for line in listing.decode("utf-8", "replace").splitlines():
        sha, _, path = line.partition(" ")
        if path and sha not in first:
            first[sha] = (order + 1, "-", path)
    return first


def _blobs(repo: GitRepo, shas: list[str]) -> Iterator[tuple[str, bytes]]:
    """The contents of these blobs, one at a time: a large history is never held in memory whole."""
    if not shas:
        return
    proc = subprocess.Popen(
        ["git", "-C", str(repo.path), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:
        try:
            for sha in shas:
                proc.stdin.write(f"{sha}\n".encode())  # type: ignore[union-attr]
            proc.stdin.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for sha in shas:
            header = proc.stdout.readline().split()
            if len(header) < 3:  # "<sha> missing"
                continue
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)
            if header[1] == b"blob":
                yield sha, data
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()
        writer.join()
