"""Crash safety and overlap: a real `ticket-archive export` process, killed with SIGKILL at known points.

Every test starts from the same committed archive (a first export), lets Zendesk change
(notes on three archived tickets, two new solved tickets, one deletion) and runs the
nightly export of those changes in a subprocess against the fake Zendesk served by this
process. The kill lands at a point the test controls, never at a guessed moment:

- fetching: the fake holds one ticket's comments request open; the exporter is killed;
- writing: an audit hook the exporter is started with (`sys.addaudithook`) sends it SIGKILL
  when `write_atomic` is about to rename the second ticket file into place (temp file written
  and synced, not yet renamed);
- staging: a git clean filter on state.json freezes `git add` while it holds
  .git/index.lock; the whole process group is killed;
- committing: a reference-transaction hook freezes `git commit` with HEAD.lock and the
  branch's lock held; the whole process group is killed;
- committing, exporter only: git outlives the exporter and finishes the commit; a run
  started meanwhile is refused, because git inherited the run lock.

Then a rerun must leave the archive identical to an uninterrupted run of the same
export: same tree, same tracked bytes (state included), no temp or lock files, fsck clean.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest

from archive.errors import ArchiveLocked
from archive.casefile import LOCK_FILE
from archive.store import Archive
from exporter.fake import FakeZendesk, build_dataset
from exporter.jobs import run_export
from tests.conftest import cli_env, client_for, git

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


@dataclass(frozen=True)
class Snapshot:
    tree: str
    commits: int
    files: dict[str, bytes]


@dataclass
class World:
    fake: FakeZendesk
    base: Path  # the committed first export, copied by each test
    reference: Snapshot  # base + the nightly export, uninterrupted
    changed: list[int]  # tickets the nightly export writes, in stream order
    env: dict[str, str]


def snapshot(path: Path) -> Snapshot:
    tracked = [p for p in git(path, "ls-files", "-z").split("\0") if p]
    return Snapshot(
        tree=git(path, "rev-parse", "HEAD^{tree}").strip(),
        commits=int(git(path, "rev-list", "--count", "HEAD")),
        files={p: (path / p).read_bytes() for p in tracked},
    )


def assert_healthy(path: Path) -> None:
    """A valid repository, everything committed, nothing a killed run left behind."""
    fsck = subprocess.run(["git", "-C", str(path), "fsck", "--strict", "--no-dangling"], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    assert git(path, "status", "--porcelain", "--untracked-files=all") == ""
    assert [p for p in path.rglob("*.tmp") if ".git" not in p.relative_to(path).parts] == []
    assert git_locks(path) == []


def git_locks(path: Path) -> list[str]:
    locks = [*(path / ".git").glob("*.lock"), *(path / ".git" / "refs").rglob("*.lock")]
    return sorted(str(p.relative_to(path)) for p in locks)


def export_in_process(fake: FakeZendesk, redactor, path: Path):
    with client_for(fake) as client:
        return run_export(client, redactor, Archive(path))


def copy_archive(world: World, to: Path) -> Path:
    shutil.copytree(world.base, to, symlinks=True)
    # A copy has new inodes and ctimes; refresh the index so git does not re-read every file.
    git(to, "update-index", "-q", "--refresh")
    return to


def change_zendesk(fake: FakeZendesk) -> list[int]:
    archived = sorted(fake.dataset.expected_archived_ids())
    noted = archived[:3]
    for ticket_id in noted:
        fake.add_comment(ticket_id, f"Internal: linked ticket {ticket_id} to the known issue.", public=False)
    new = [
        fake.add_ticket(subject="gitserver disk full after 5.2", body="Disk full on gitserver-0.", status="solved"),
        fake.add_ticket(subject="search timeouts on a monorepo", body="Searches time out after 60s.", status="solved"),
    ]
    fake.delete_ticket(archived[3])
    return [*noted, *new]


@pytest.fixture(scope="module")
def world(redactor, tmp_path_factory) -> Iterator[World]:
    with FakeZendesk(dataset=build_dataset(tickets=16, seed=23, big_log=False)) as fake:
        root = tmp_path_factory.mktemp("crash")
        export_in_process(fake, redactor, root / "base")
        changed = change_zendesk(fake)
        shutil.copytree(root / "base", root / "reference", symlinks=True)
        summary = export_in_process(fake, redactor, root / "reference")
        assert summary.written == len(changed) and summary.removed == 1
        yield World(fake, root / "base", snapshot(root / "reference"), changed, cli_env(fake))


# `python -m exporter.cli` with one audit hook more: the process kills itself at the second rename
# of a ticket's temp file. (It was strace's fsync injection: ptrace stops the export at every
# syscall of every thread, and CPython's ~90,000 mmap/munmap calls took 6-25 s under it.)
KILLED_AT_SECOND_TICKET_RENAME = """
import os, runpy, signal, sys

renames = 0

def hook(event, args):
    global renames
    if event == "os.rename" and f"{os.sep}tickets{os.sep}" in str(args[0]) and str(args[0]).endswith(".tmp"):
        renames += 1
        if renames == 2:
            os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(hook)
runpy.run_module("exporter.cli", run_name="__main__", alter_sys=True)
"""


def start_export(
    world: World, archive: Path, log: Path, *, run: tuple[str, ...] = ("-m", "exporter.cli"), group: bool = False
):
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, *run, "export", "--archive", str(archive), "--workers", "1"],
            cwd=ROOT,
            env=world.env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=group,
        )


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen, log: Path, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the export ended (exit {proc.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.02)


def kill(proc: subprocess.Popen, *, group: bool = False) -> None:
    if group:
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) != 0


def ticket_file(archive: Path, ticket_id: int) -> Path:
    (path,) = archive.glob(f"tickets/*/*/{ticket_id}.md")
    return path


def kill_while_fetching(world: World, work: Path, tmp_path: Path) -> None:
    # The applier finishes a change when the next one arrives: holding the third
    # ticket's comments leaves the first written and the run stuck mid-stream.
    first, held = world.changed[0], world.changed[2]
    before = ticket_file(work, first).read_bytes()
    seen = len(world.fake.requests)
    world.fake.fail_next(1, kind="timeout", delay=30, path=f"/tickets/{held}/comments")
    log = tmp_path / "export.log"
    proc = start_export(world, work, log)
    wait_for(
        lambda: ticket_file(work, first).read_bytes() != before
        and any(r.path.startswith(f"/api/v2/tickets/{held}/comments") for r in world.fake.requests[seen:]),
        proc,
        log,
        f"the export to hold on ticket {held}'s comments",
    )
    kill(proc)
    assert git(work, "status", "--porcelain", "tickets"), "the killed run had written a ticket file"


def kill_while_writing(world: World, work: Path, tmp_path: Path) -> None:
    # Rename #1 is the first changed ticket's file, #2 the second's: killed with its temp file written.
    log = tmp_path / "export.log"
    proc = start_export(world, work, log, run=("-c", KILLED_AT_SECOND_TICKET_RENAME))
    assert proc.wait(timeout=120) != 0, log.read_text()
    assert list(work.glob("tickets/*/*/.*.tmp")), "killed inside write_atomic, with its temp file on disk"


def kill_while_staging(world: World, work: Path, tmp_path: Path) -> None:
    marker = tmp_path / "in-git-add"
    git(work, "config", "filter.freeze.clean", f"touch '{marker}'; sleep 60; cat")
    (work / ".git" / "info" / "attributes").write_text(".ticket-archive/state.json filter=freeze\n")
    log = tmp_path / "export.log"
    proc = start_export(world, work, log, group=True)
    wait_for(marker.exists, proc, log, "git add to reach state.json")
    kill(proc, group=True)
    assert (work / ".git" / "index.lock").exists(), "killed inside git add, with the index locked"
    git(work, "config", "--unset", "filter.freeze.clean")
    (work / ".git" / "info" / "attributes").unlink()


def install_commit_hook(work: Path, marker: Path, sleep: int) -> Path:
    hook = work / ".git" / "hooks" / "reference-transaction"
    hook.write_text(f'#!/bin/sh\nif [ "$1" = prepared ]; then touch \'{marker}\'; sleep {sleep}; fi\nexit 0\n')
    hook.chmod(0o755)
    return hook


def kill_while_committing(world: World, work: Path, tmp_path: Path) -> None:
    marker = tmp_path / "in-git-commit"
    hook = install_commit_hook(work, marker, sleep=60)
    log = tmp_path / "export.log"
    proc = start_export(world, work, log, group=True)
    wait_for(marker.exists, proc, log, "git commit to lock the branch")
    kill(proc, group=True)
    assert git_locks(work) == [".git/HEAD.lock", ".git/refs/heads/main.lock"]
    hook.unlink()


@pytest.mark.parametrize(
    "kill_at",
    [kill_while_fetching, kill_while_writing, kill_while_staging, kill_while_committing],
    ids=["fetching", "writing", "staging", "committing"],
)
def test_a_killed_export_and_a_rerun_end_as_one_uninterrupted_run(world, redactor, tmp_path: Path, kill_at) -> None:
    work = copy_archive(world, tmp_path / "archive")

    kill_at(world, work, tmp_path)
    assert int(git(work, "rev-list", "--count", "HEAD")) == world.reference.commits - 1, "killed before its commit"
    summary = export_in_process(world.fake, redactor, work)

    assert summary.commit is not None
    assert snapshot(work) == world.reference
    assert_healthy(work)


def test_a_first_export_killed_before_its_first_commit_is_completed_by_the_rerun(
    world, redactor, tmp_path: Path
) -> None:
    work = tmp_path / "archive"
    seen = len(world.fake.requests)
    world.fake.fail_next(1, kind="timeout", delay=30, path="/api/v2/incremental/tickets/cursor")
    log = tmp_path / "export.log"
    proc = start_export(world, work, log)
    wait_for(
        lambda: any(r.path.startswith("/api/v2/incremental/tickets/") for r in world.fake.requests[seen:]),
        proc,
        log,
        "the first export page",
    )
    kill(proc)
    assert (work / ".gitignore").exists() and Archive(work).repo.head() is None

    export_in_process(world.fake, redactor, work)

    # The same tree as the two runs of the reference: the archive is a function of Zendesk's data.
    assert snapshot(work).tree == world.reference.tree and snapshot(work).files == world.reference.files
    assert snapshot(work).commits == 1
    assert_healthy(work)


def test_git_outliving_a_killed_export_keeps_the_archive_locked_until_it_ends(world, redactor, tmp_path: Path) -> None:
    work = copy_archive(world, tmp_path / "archive")
    marker = tmp_path / "in-git-commit"
    hook = install_commit_hook(work, marker, sleep=2)
    log = tmp_path / "export.log"
    proc = start_export(world, work, log)
    wait_for(marker.exists, proc, log, "git commit to lock the branch")
    kill(proc)  # the exporter only: its `git commit` lives on, holding HEAD.lock

    with pytest.raises(ArchiveLocked, match="or a git command it started"):
        export_in_process(world.fake, redactor, work)
    deadline = time.monotonic() + 30
    while True:
        try:
            with Archive(work).locked():
                break
        except ArchiveLocked:
            assert time.monotonic() < deadline, "git should have finished the commit"
            time.sleep(0.1)
    hook.unlink()
    summary = export_in_process(world.fake, redactor, work)

    assert summary.commit is None, "the orphaned git finished the killed run's commit"
    assert snapshot(work) == world.reference
    assert_healthy(work)


def test_a_second_run_exits_7_at_once_and_a_dead_runs_lock_is_taken_over(world, redactor, tmp_path: Path) -> None:
    work = copy_archive(world, tmp_path / "archive")
    held = world.changed[2]
    seen = len(world.fake.requests)
    world.fake.fail_next(1, kind="timeout", delay=30, path=f"/tickets/{held}/comments")
    log = tmp_path / "first.log"
    first = start_export(world, work, log)
    wait_for(
        lambda: any(r.path.startswith(f"/api/v2/tickets/{held}/comments") for r in world.fake.requests[seen:]),
        first,
        log,
        "the first run to be mid-export",
    )

    started = time.monotonic()
    second = subprocess.run(
        [sys.executable, "-m", "exporter.cli", "export", "--archive", str(work), "--workers", "1"],
        cwd=ROOT,
        env=world.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started

    assert second.returncode == 7, second.stderr
    assert first.poll() is None, "the second run did not wait for the first"
    assert elapsed < 20
    # One line for the error; before it only the warning that API tokens are being retired.
    *warnings, line = second.stderr.strip().splitlines()
    assert len(warnings) == 1 and "Zendesk is retiring API tokens" in warnings[0]
    assert line.startswith("ticket-archive: error: another ticket-archive run")
    assert f"pid {first.pid}" in line and "wait for it to finish" in line

    kill(first)
    assert (work / LOCK_FILE).read_text() == f"pid {first.pid}\n", "the dead run's lock file is still there"
    summary = export_in_process(world.fake, redactor, work)

    assert summary.commit is not None
    assert snapshot(work) == world.reference
    assert_healthy(work)
