"""Erasure: `forget A B --purge-history` leaves no trace of A and B anywhere in the repository or its caches.

One archive is built once for the module: two nightly exports from the fake Zendesk,
with tickets A and B carrying unique words in their titles, comments and resolutions
(and A an error, so that pages quote its signature's template), and A changed between
the runs so the history holds two versions of it. Each test works on a copy. The
purge runs as the real command in a subprocess (no spaCy there), killed with SIGKILL
at stages the test chooses (archive.scrub.PAUSE_ENV) and run again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from archive.backlinks import build_backlink_pages
from archive.casefile import INDEX_FILE, MANIFEST_FILE, STATE_DIR, TICKET_FILES
from archive.erasure import BACKUP_PREFIX, PURGE_FILE
from archive.history import verify_history
from archive.verify import verify_archive
from archive.manifest import Manifest
from archive.pages import build_pages
from archive.scrub import PAUSE_ENV, Scrubber, quotable_texts
from archive.search import search_archive
from archive.settings import NoteSettings
from archive.store import Archive
from exporter.fake import FakeZendesk, build_dataset
from exporter.jobs import run_export
from redaction.scanner import LeakScanner
from tests.conftest import cli_env, client_for, git

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # the module's archive is exported with the real redactor

# Words no generated ticket has; the redactor keeps them (the world fixture checks they reached the archive).
MARKERS_A = ("quokkatitle", "quokkaproblem", "quokkaresolved", "quokkalater", "quokkaerror")
MARKERS_B = ("wombattitle", "wombatproblem", "wombatresolved")


@dataclass
class World:
    fake: FakeZendesk
    base: Path
    a: int
    b: int
    env: dict[str, str]


def export(fake: FakeZendesk, redactor, path: Path):
    with client_for(fake) as client:
        return run_export(client, redactor, Archive(path))


@pytest.fixture(scope="module")
def world(redactor, tmp_path_factory) -> Iterator[World]:
    with FakeZendesk(dataset=build_dataset(tickets=12, seed=5, big_log=False)) as fake:
        a = fake.add_ticket(
            subject="Searches hang quokkatitle after upgrade",
            body="Every search hangs since the upgrade to 5.2.1 quokkaproblem; zoekt-webserver restarts.\n"
            "ERROR: quokkaerror failed to open shard index at /data/index/shard-7",
            status="open",
        )
        fake.add_comment(a, "Restart zoekt quokkaresolved and the hangs stop.", public=True)
        fake.solve(a)
        b = fake.add_ticket(subject="Batch changes stall wombattitle", body="The batch change stalls wombatproblem on 4.1.2; the executor pod shows OOMKilled.", status="open")
        fake.add_comment(b, "Raise the executor timeout wombatresolved to fix it.", public=True)
        fake.solve(b)
        base = tmp_path_factory.mktemp("erasure") / "base"
        export(fake, redactor, base)
        fake.add_comment(a, "One more note quokkalater on the same hang.", public=False)
        assert export(fake, redactor, base).written >= 1
        everything = all_objects(base)
        for marker in (*MARKERS_A, *MARKERS_B):
            assert marker.encode() in everything, f"{marker} never reached the archive: the test would prove nothing"
        # Every kind of page quoted them in some commit: versions, services, signatures (the template too).
        quoted = git(base, "grep", "-h", "-e", "quokka", "-e", "wombat", *git(base, "rev-list", "--all").split(), "--", "versions", "services", "signatures")
        for marker in ("quokkatitle", "quokkaresolved", "quokkaerror", "wombattitle", "wombatresolved"):
            assert marker in quoted, marker
        yield World(fake, base, a, b, cli_env(fake))


def all_objects(path: Path) -> bytes:
    """Every object of the repository, reachable or not, as `git cat-file --batch-all-objects --batch` prints it."""
    return subprocess.run(
        ["git", "-C", str(path), "cat-file", "--batch-all-objects", "--batch"], capture_output=True, check=True
    ).stdout


def state_files(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted((path / STATE_DIR).rglob("*")) if p.is_file())


def note_hashes(path: Path, without: set[int]) -> dict[str, str]:
    return {
        p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.glob(TICKET_FILES))
        if int(p.stem) not in without
    }


def copy(world: World, to: Path) -> Path:
    shutil.copytree(world.base, to, symlinks=True)
    git(to, "update-index", "-q", "--refresh")
    search_archive(to, "hangs")  # the search index exists and holds A's text before the purge
    assert b"quokkatitle" in state_files(to)
    return to


def forget(world: World, path: Path, *args: str, pause: str | None = None, flag: Path | None = None):
    env = dict(world.env)
    if pause:
        env[PAUSE_ENV] = f"{pause}:{flag}"
    return subprocess.Popen(
        [sys.executable, "-m", "exporter.cli", "forget", str(world.a), str(world.b), "--archive", str(path), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def purge(world: World, path: Path, *args: str) -> str:
    proc = forget(world, path, "--purge-history", *args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    return out


def assert_no_trace(world: World, path: Path, notes_before: dict[str, str]) -> None:
    objects, caches = all_objects(path), state_files(path)
    for marker in (*MARKERS_A, *MARKERS_B):
        assert marker.encode() not in objects, f"{marker} is still in an object of the repository"
        assert marker.encode() not in caches, f"{marker} is still in a file under {STATE_DIR}/"
    assert note_hashes(path, {world.a, world.b}) == notes_before
    assert not list(path.glob(f"tickets/*/*/{world.a}.md")) and not list(path.glob(f"tickets/*/*/{world.b}.md"))
    fsck = subprocess.run(["git", "-C", str(path), "fsck", "--full", "--strict"], capture_output=True, text=True)
    assert fsck.returncode == 0 and fsck.stdout + fsck.stderr == "", fsck.stdout + fsck.stderr
    assert git(path, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(path, "for-each-ref", BACKUP_PREFIX) == ""
    assert not (path / PURGE_FILE).exists()
    assert (path / INDEX_FILE).exists() and (path / MANIFEST_FILE).exists()  # the caches are back, rebuilt
    assert {world.a, world.b} <= Archive(path).read_state().forgotten
    # HEAD's pages are what the archive's own page build gives from the notes left.
    entries = Manifest.rebuild(path).entries.values()
    pages = {**build_pages(entries, NoteSettings()), **build_backlink_pages(entries, NoteSettings())}
    for relpath, data in pages.items():
        assert (path / relpath).read_bytes() == data, relpath
    tracked = {p for p in git(path, "ls-files").split() if not p.startswith(("tickets/", "."))}
    assert tracked == set(pages)


def test_purge_leaves_no_trace_and_a_later_export_does_not_bring_them_back(world: World, redactor, tmp_path: Path) -> None:
    path = copy(world, tmp_path / "archive")
    notes_before = note_hashes(path, {world.a, world.b})
    commits_before = int(git(path, "rev-list", "--count", "HEAD"))

    started = time.monotonic()
    out = purge(world, path)
    seconds = time.monotonic() - started

    assert_no_trace(world, path, notes_before)
    assert verify_history(path, LeakScanner().scan) == []
    assert f"tickets {world.a}, {world.b} erased from the archive's history" in out
    assert "clone again" in out and "Reclone" in out
    assert int(git(path, "rev-list", "--count", "HEAD")) == commits_before + 1
    print(f"purge of two tickets from a two-run archive: {seconds:.2f} s")

    world.fake.add_comment(world.a, "Still hanging quokkaagain.", public=True)
    world.fake.solve(world.a)
    summary = export(world.fake, redactor, path)
    assert summary.skipped >= 1
    assert not list(path.glob(f"tickets/*/*/{world.a}.md"))
    assert b"quokka" not in all_objects(path)


@pytest.mark.parametrize("stage", ["backed-up", "rewriting", "rewritten", "pruning"])
def test_a_purge_killed_midway_is_finished_by_running_it_again(world: World, stage: str, tmp_path: Path) -> None:
    path = copy(world, tmp_path / "archive")
    notes_before = note_hashes(path, {world.a, world.b})
    flag = tmp_path / "paused"
    proc = forget(world, path, "--purge-history", pause=stage, flag=flag)
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"the purge never reached {stage}"
        time.sleep(0.02)
    if stage == "rewriting":
        # The run lock is held throughout, here by the purge and by the git-filter-repo it started.
        other = subprocess.run(
            [sys.executable, "-m", "exporter.cli", "forget", "1", "--archive", str(path)],
            cwd=ROOT, env=world.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert other.returncode == 7, other.stderr
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert (path / PURGE_FILE).exists()

    out = purge(world, path)

    assert "finished the purge an interrupted run began" in out
    assert_no_trace(world, path, notes_before)


def test_tags_stash_and_old_backups_keep_nothing_either(world: World, tmp_path: Path) -> None:
    path = copy(world, tmp_path / "archive")
    notes_before = note_hashes(path, {world.a, world.b})
    git(path, "tag", "-a", "-m", "first night", "first-night", "HEAD~1")
    git(path, "update-ref", "refs/original/refs/heads/main", "HEAD")  # what git filter-branch leaves
    (note,) = path.glob(f"tickets/*/*/{world.a}.md")
    note.write_text(note.read_text("utf-8") + "a hand edit quokkastash\n")
    git(path, "-c", "user.name=x", "-c", "user.email=x@x.invalid", "stash", "--quiet")
    assert b"quokkastash" in all_objects(path)

    purge(world, path)

    assert_no_trace(world, path, notes_before)
    assert b"quokkastash" not in all_objects(path)
    assert git(path, "for-each-ref", "--format=%(refname)", "refs/original/") == ""
    tagged = git(path, "rev-parse", "first-night^{commit}").strip()
    assert tagged == git(path, "rev-parse", "HEAD~2").strip()  # the tag follows its rewritten commit
    assert not list(path.glob(f"tickets/*/*/{world.a}.md"))


def pushed_copy(world: World, tmp_path: Path) -> tuple[Path, Path, str]:
    """A copy of the archive pushed to a bare remote `origin`: the copy, the remote, the commit pushed."""
    path = copy(world, tmp_path / "archive")
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(path, "remote", "add", "origin", str(remote))
    git(path, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    return path, remote, git(path, "rev-parse", "HEAD").strip()


def test_push_force_pushes_with_lease_and_keeps_the_remote(world: World, tmp_path: Path) -> None:
    path, remote, old = pushed_copy(world, tmp_path)

    out = purge(world, path, "--push")

    assert "force-pushed main to origin (with lease)" in out
    assert git(remote, "rev-parse", "refs/heads/main").strip() == git(path, "rev-parse", "HEAD").strip() != old
    assert git(path, "remote", "get-url", "origin").strip() == str(remote)
    assert git(path, "rev-parse", "refs/remotes/origin/main").strip() == git(path, "rev-parse", "HEAD").strip()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(remote), str(clone)], check=True)
    assert b"quokka" not in all_objects(clone) and b"wombat" not in all_objects(clone)


def test_without_push_it_prints_the_push_command_and_the_lease_refuses_a_moved_remote(world: World, tmp_path: Path) -> None:
    path, remote, old = pushed_copy(world, tmp_path)

    out = purge(world, path)

    command = f"git -C {path} push --force-with-lease=refs/heads/main:{old} origin HEAD:refs/heads/main"
    assert command in out
    # Someone pushes meanwhile: the lease refuses to overwrite their commit.
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", "--branch", "main", str(remote), str(other)], check=True)
    git(other, "-c", "user.name=x", "-c", "user.email=x@x.invalid", "commit", "--quiet", "--allow-empty", "-m", "theirs")
    git(other, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    refused = subprocess.run(command.split(), capture_output=True, text=True)
    assert refused.returncode != 0 and "stale info" in refused.stderr


def test_a_remote_ahead_of_the_archive_is_refused_before_anything_changes(world: World, tmp_path: Path) -> None:
    path, remote, old = pushed_copy(world, tmp_path)
    git(path, "-c", "user.name=x", "-c", "user.email=x@x.invalid", "commit", "--quiet", "--allow-empty", "-m", "theirs")
    git(path, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    git(path, "reset", "--quiet", "--hard", old)  # the archive never merged what the remote got

    proc = forget(world, path, "--purge-history")
    out, err = proc.communicate(timeout=60)

    assert proc.returncode == 5
    assert "origin/main has commits this archive lacks" in err
    assert git(path, "rev-parse", "HEAD").strip() == old and list(path.glob(f"tickets/*/*/{world.a}.md"))


def test_forget_without_purge_says_history_still_holds_them(world: World, tmp_path: Path) -> None:
    path = copy(world, tmp_path / "archive")
    proc = forget(world, path)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert f"tickets {world.a}, {world.b} forgotten in commit" in out
    assert "--purge-history" in err and "earlier commits still hold them" in err
    assert b"quokkatitle" in all_objects(path)


def test_too_old_a_git_is_refused_with_its_own_exit_code(world: World, tmp_path: Path) -> None:
    path = copy(world, tmp_path / "archive")
    real = shutil.which("git")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "git").write_text(f'#!/bin/sh\ncase " $* " in *" version "*) echo "git version 2.30.1"; exit 0;; esac\nexec {real} "$@"\n')
    (shim / "git").chmod(0o755)
    env = {**world.env, "PATH": f"{shim}:{world.env['PATH']}"}
    result = subprocess.run(
        [sys.executable, "-m", "exporter.cli", "forget", str(world.a), "--archive", str(path), "--purge-history"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 9
    assert result.stderr.strip().splitlines() == [
        "ticket-archive: error: forget --purge-history needs git 2.36.0 or later; this is git version 2.30.1: upgrade git"
    ]
    assert list(path.glob(f"tickets/*/*/{world.a}.md"))  # nothing changed


# -- verify --history ------------------------------------------------------------------------

TOKEN = "sgp_0123456789abcdef0123456789abcdef01234567"


def verify(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exporter.cli", "verify", "--archive", str(path), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_verify_history_finds_a_leak_an_old_commit_holds_and_head_does_not(world: World, tmp_path: Path) -> None:
    path = copy(world, tmp_path / "archive")
    scan = LeakScanner().scan
    assert verify_history(path, scan) == []
    note = sorted(path.glob(TICKET_FILES))[0]
    relpath = note.relative_to(path).as_posix()
    original = note.read_text("utf-8")
    lines = original.splitlines()
    lines.insert(len(lines) - 1, f"the token is {TOKEN}")
    note.write_text("\n".join(lines) + "\n")
    git(path, "commit", "--quiet", "-am", "a hand edit that leaks")
    leaked_at = git(path, "rev-parse", "HEAD").strip()
    note.write_text(original)
    git(path, "commit", "--quiet", "-am", "the leak removed again")
    git(path, "commit", "--quiet", "--allow-empty", "-m", "later")
    assert verify_archive(path, scan) == []  # HEAD is clean

    found = verify(path, "--history")

    assert found.returncode == 1
    assert found.stdout.splitlines() == [f"{leaked_at[:12]}:{relpath}:{len(lines) - 1}: SECRET: the token is sg…(44)"]
    assert TOKEN not in found.stdout + found.stderr
    assert found.stderr == "1 suspected leak(s) in 1 file version(s) of the history\n"


def test_verify_history_on_an_archive_of_80_tickets_reports_nothing(fake_archive) -> None:
    path, _ = fake_archive
    started = time.monotonic()
    assert verify_history(path, LeakScanner().scan) == []
    print(f"verify --history, 80-ticket archive: {time.monotonic() - started:.2f} s")


# -- what each file of a rewritten commit keeps (archive.scrub) -----------------------------


def test_a_page_loses_the_lines_that_link_or_quote_a_forgotten_case_and_nothing_else() -> None:
    scrubber = Scrubber({42}, {"gc failed repo=<*> pod=gitserver-<n>"})
    page = "\n".join(
        [
            "# Cases: gitserver",
            "- 2024-03-02 · [Disk full](../tickets/2024/03/42.md) · 5.1.0 — Grew the disk.",
            "- 2024-03-01 · [Slow search](../tickets/2024/03/420.md) · 5.1.0 — Restarted.",
            r"`gc failed repo=<*> pod=gitserver-<n>`",
            r"| 1 | [sig-0123456789](sig-0123456789.md) | gc failed repo=\<\*\> pod=gitserver-\<n\> | 2024-03-01 |",
            "",
        ]
    )
    assert scrubber.scrub("services/gitserver.md", page) == "\n".join(
        ["# Cases: gitserver", "- 2024-03-01 · [Slow search](../tickets/2024/03/420.md) · 5.1.0 — Restarted.", ""]
    )
    only_forgotten = "# Cases: x\n- 2024-03-02 · [Disk full](../tickets/2024/03/42.md)\n"
    assert scrubber.scrub("services/x.md", only_forgotten) is None
    assert scrubber.scrub("README.md", only_forgotten) == "# Cases: x\n"  # the README is never removed
    assert scrubber.drops("tickets/2024/03/42.md") and not scrubber.drops("tickets/2024/03/420.md")
    assert scrubber.keeps_as_is("tickets/2024/03/420.md")


def test_the_quotable_texts_of_a_note_are_what_pages_show_of_it(world: World) -> None:
    (note,) = world.base.glob(f"tickets/*/*/{world.a}.md")
    quotes = quotable_texts(note.relative_to(world.base).as_posix(), note.read_text("utf-8"))
    assert any("quokkatitle" in q for q in quotes)
    assert any("quokkaresolved" in q for q in quotes)
    assert any("quokkaerror" in q for q in quotes)
    assert any(q.startswith("sig-") for q in quotes)  # the row of signatures/README.md names it
