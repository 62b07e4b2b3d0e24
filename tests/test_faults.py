"""Faults, each injected into the fake Zendesk (or git, or the disk) during a real export.

Every test ends the same way: the archive holds exactly what an export without the
fault holds (same git tree, so nothing lost and nothing duplicated), and the run
says clearly how it ended. A fresh export is compared with `fresh`, a nightly
export after some Zendesk changes with `nightly.reference`. The last test greps
everything a run leaves behind for the Zendesk credentials.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from archive.errors import ArchiveError, GitError
from archive.store import Archive
from exporter.budget import RateBudget
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import ZendeskConfig
from exporter.errors import ExportError, ZendeskServerError
from exporter.fake import FakeZendesk, build_dataset
from exporter.jobs import run_export
from tests.conftest import cli_env, client_for, git
from tests.support import FakeTime

ROOT = Path(__file__).resolve().parent.parent
EXPORT = "/api/v2/incremental/tickets/cursor"


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


def new_fake(**kw) -> FakeZendesk:
    return FakeZendesk(dataset=build_dataset(tickets=12, seed=31, big_log=False), **kw)


def tree(path: Path) -> str:
    return git(path, "rev-parse", "HEAD^{tree}").strip()


def commits(path: Path) -> int:
    return int(git(path, "rev-list", "--count", "HEAD"))


def archived_ids(path: Path) -> list[int]:
    return sorted(int(p.stem) for p in path.glob("tickets/*/*/*.md"))


def export(fake: FakeZendesk, redactor, path: Path, client: ZendeskClient | None = None, **kw):
    with client or client_for(fake) as c:
        return run_export(c, redactor, Archive(path), **kw)


def assert_exactly_the_archivable_tickets(fake: FakeZendesk, path: Path) -> None:
    assert archived_ids(path) == sorted(fake.dataset.expected_archived_ids())  # each once: ids are sorted, not a set


def export_requests(fake: FakeZendesk) -> list[dict[str, str]]:
    return [dict(r.query, status=str(r.status)) for r in fake.requests if r.path.startswith(EXPORT)]


@pytest.fixture(scope="module")
def fresh(redactor, tmp_path_factory) -> str:
    """The tree of an uninterrupted first export of the dataset every `fake` serves."""
    path = tmp_path_factory.mktemp("fresh") / "archive"
    with new_fake() as fake:
        export(fake, redactor, path)
    return tree(path)


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    with new_fake() as server:
        yield server


@dataclass
class Nightly:
    fake: FakeZendesk
    base: Path  # a committed first export
    reference: str  # the tree after an uninterrupted nightly export of the changes
    changed: list[int]  # archived tickets the nightly export rewrites, in stream order

    def copy(self, to: Path) -> Path:
        shutil.copytree(self.base, to, symlinks=True)
        return to


@pytest.fixture(scope="module")
def nightly(redactor, tmp_path_factory) -> Iterator[Nightly]:
    """Shared by the tests that change nothing in Zendesk (faults are consumed by each test)."""
    root = tmp_path_factory.mktemp("nightly")
    with new_fake() as fake:
        export(fake, redactor, root / "base")
        changed = sorted(fake.dataset.expected_archived_ids())[:4]
        for ticket_id in changed:
            fake.add_comment(ticket_id, f"Internal: ticket {ticket_id} linked to the known issue.", public=False)
        shutil.copytree(root / "base", root / "reference", symlinks=True)
        summary = export(fake, redactor, root / "reference")
        assert summary.written == len(changed)
        yield Nightly(fake, root / "base", tree(root / "reference"), changed)


def fake_time_client(fake: FakeZendesk, clock: FakeTime, **policy: float) -> ZendeskClient:
    config = ZendeskConfig.from_env(fake.env())
    return ZendeskClient(
        config,
        policy=RetryPolicy(backoff_initial=0.01, backoff_max=0.05, **policy),
        sleep=clock.sleep,
        clock=clock.clock,
        budget=RateBudget(clock=clock.clock, sleep=clock.sleep),
    )


# -- Zendesk faults the retry policy absorbs ---------------------------------------------


@pytest.mark.parametrize("retry_after", [2, None], ids=["with-retry-after", "without-retry-after"])
def test_a_429_storm_waits_out_each_retry_after(fake, fresh, redactor, tmp_path: Path, retry_after) -> None:
    fake.fail_next(5, status=429, retry_after=retry_after, path=EXPORT)
    clock = FakeTime()
    client = fake_time_client(fake, clock, default_retry_after=7.0)

    summary = export(fake, redactor, tmp_path / "archive", client=client)

    assert tree(tmp_path / "archive") == fresh
    assert [r["status"] for r in export_requests(fake)] == ["429"] * 5 + ["200"]
    # Retry-After when Zendesk sends it, the policy's default when it does not; never less.
    assert clock.sleeps[:5] == [2.0 if retry_after else 7.0] * 5
    assert summary.retries == 5 and summary.withheld == set() and summary.commit


@pytest.mark.parametrize("fault", [500, 502, 503, 504, "reset", "timeout", "truncated"])
def test_a_burst_of_transient_faults_is_retried_and_nothing_is_lost_or_duplicated(
    fake, fresh, redactor, tmp_path: Path, fault
) -> None:
    kind = {"kind": fault, "delay": 1.0} if isinstance(fault, str) else {"status": fault}
    fake.fail_next(2, path="/ticket_fields", **kind)
    fake.fail_next(3, path=EXPORT, **kind)

    summary = export(fake, redactor, tmp_path / "archive", client=client_for(fake, read_timeout=0.3))

    assert tree(tmp_path / "archive") == fresh
    assert_exactly_the_archivable_tickets(fake, tmp_path / "archive")
    assert summary.retries == 5 and summary.withheld == set() and summary.commit
    sizes = [int(r["per_page"]) for r in export_requests(fake)]
    # What times out is a big page: a timeout or a 504 asks again for half as many.
    assert sizes == ([1000, 500, 250, 125] if fault in (504, "timeout") else [1000] * 4)


def test_5xx_bursts_all_over_the_run_are_absorbed(fake, fresh, redactor, tmp_path: Path) -> None:
    fake.error_rate = 0.25

    summary = export(fake, redactor, tmp_path / "archive")

    assert tree(tmp_path / "archive") == fresh
    assert summary.retries >= 3 and summary.retries == sum(1 for r in fake.requests if r.status in (500, 502, 503))


def test_a_fault_outlasting_the_retries_fails_the_run_clearly_and_the_next_run_completes(
    nightly, redactor, tmp_path: Path
) -> None:
    work = nightly.copy(tmp_path / "archive")
    head = git(work, "rev-parse", "HEAD")
    # The third changed ticket's comments never come (fetched one by one, so the fault hits them).
    broken = nightly.changed[2]
    nightly.fake.fail_next(8, status=503, path=f"/tickets/{broken}/comments")

    with pytest.raises(ZendeskServerError) as failure:
        export(nightly.fake, redactor, work, comments="per-ticket")

    assert str(failure.value) == f"Zendesk answered 503 on /api/v2/tickets/{broken}/comments.json"
    assert git(work, "rev-parse", "HEAD") == head, "nothing committed"
    assert git(work, "status", "--porcelain", "tickets"), "the tickets before it were written"
    summary = export(nightly.fake, redactor, work)
    assert tree(work) == nightly.reference
    assert summary.commit and commits(work) == commits(nightly.base) + 1


# -- the incremental cursor -----------------------------------------------------------------


def test_a_refused_saved_cursor_restarts_from_the_last_committed_point(nightly, redactor, tmp_path: Path) -> None:
    work = nightly.copy(tmp_path / "archive")
    committed = Archive(work).read_state().nightly
    seen = len(nightly.fake.requests)
    nightly.fake.fail_next(1, status=400, path="cursor=")

    summary = export(nightly.fake, redactor, work)

    assert summary.cursor_restarted
    asked = [dict(r.query, status=r.status) for r in nightly.fake.requests[seen:] if r.path.startswith(EXPORT)]
    assert [(q.get("cursor"), q.get("start_time"), q["status"]) for q in asked] == [
        (committed.cursor, None, 400),
        (None, str(committed.high_water), 200),
    ]
    assert tree(work) == nightly.reference


def test_a_cursor_expiring_mid_stream_restarts_from_the_high_water_mark(fake, fresh, redactor, tmp_path: Path) -> None:
    # Seven 504s shrink the first page to 10 tickets, so the export takes a second page,
    # whose cursor Zendesk then refuses.
    fake.fail_next(7, status=504, path=EXPORT)
    fake.fail_next(1, status=400, path="cursor=")

    summary = export(fake, redactor, tmp_path / "archive")

    asked = export_requests(fake)
    assert [q["status"] for q in asked] == ["504"] * 7 + ["200", "400", "200"]
    assert asked[7]["per_page"] == "10" and "cursor" in asked[8] and int(asked[9]["start_time"]) > 0
    assert summary.cursor_restarted
    assert tree(tmp_path / "archive") == fresh
    assert_exactly_the_archivable_tickets(fake, tmp_path / "archive")


# -- 404s ---------------------------------------------------------------------------------


def test_a_ticket_deleted_after_its_export_page_is_removed_when_its_comments_404(
    fake, redactor, tmp_path: Path
) -> None:
    work = tmp_path / "archive"
    export(fake, redactor, work)
    victim = sorted(fake.dataset.expected_archived_ids())[0]
    fake.add_comment(victim, "Internal: customer confirmed the fix.", public=False)

    def delete_once_sent(body: bytes) -> bytes:
        fake.delete_ticket(victim)  # the page lists the ticket as solved; then it is deleted
        return body

    fake.fail_next(1, kind="rewrite", rewrite=delete_once_sent, path=EXPORT)
    summary = export(fake, redactor, work, comments="per-ticket")

    assert any(r.path.endswith(f"/tickets/{victim}/comments.json") and r.status == 404 for r in fake.requests)
    assert victim not in archived_ids(work)
    assert_exactly_the_archivable_tickets(fake, work)
    assert summary.removed == 1 and summary.withheld == set() and summary.commit


def test_a_passing_404_on_a_live_tickets_comments_loses_nothing(nightly, redactor, tmp_path: Path) -> None:
    work = nightly.copy(tmp_path / "archive")
    flaky = nightly.changed[1]
    nightly.fake.fail_next(1, status=404, path=f"/tickets/{flaky}/comments")

    first = export(nightly.fake, redactor, work, comments="per-ticket")

    # Not taken for a deletion: withheld (the archived version stays) and retried next run.
    assert first.withheld == {flaky} and first.removed == 0
    assert first.as_dict()["withheld_reasons"] == {
        str(flaky): f"ticket {flaky}: its comments answered 404, yet the ticket exists"
    }
    assert flaky in archived_ids(work)
    second = export(nightly.fake, redactor, work)
    assert second.withheld == set() and second.written == 1
    assert tree(work) == nightly.reference


# -- git and the disk ---------------------------------------------------------------------------


def test_a_push_rejected_as_non_fast_forward_exits_5_keeps_the_commit_and_the_next_run_pushes_it(
    nightly, redactor, tmp_path: Path
) -> None:
    work = nightly.copy(tmp_path / "archive")
    remote, other = tmp_path / "remote.git", tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(work), str(remote)], check=True)
    git(work, "remote", "add", "origin", str(remote))
    base_head = git(work, "rev-parse", "HEAD").strip()
    subprocess.run(["git", "clone", "--quiet", str(remote), str(other)], check=True)
    (other / "NOTES.md").write_text("someone else's commit\n")
    git(other, "add", "NOTES.md")
    git(other, "-c", "user.name=x", "-c", "user.email=x@example.com", "commit", "--quiet", "-m", "elsewhere")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    theirs = git(remote, "rev-parse", "main").strip()

    result = run_cli(nightly.fake, "export", "--archive", str(work), "--workers", "1", "--push")

    assert result.returncode == 5, result.stderr
    # One line for the error; before it only the warning that API tokens are being retired.
    *warnings, line = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and "Zendesk is retiring API tokens" in warnings[0]
    assert "rejected the push" in line and "the local commit is kept" in line and "rerun with --push" in line
    assert git(remote, "rev-parse", "main").strip() == theirs
    assert tree(work) == nightly.reference and commits(work) == commits(nightly.base) + 1

    # The operator drops the stray commit from the remote; the next run pushes ours.
    git(remote, "update-ref", "refs/heads/main", base_head)
    summary = export(nightly.fake, redactor, work, push=True)

    assert summary.commit is None and summary.pushed
    assert git(remote, "rev-parse", "main") == git(work, "rev-parse", "HEAD")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_a_write_leaves_no_partial_file(fake, fresh, redactor, tmp_path: Path, small_disk) -> None:
    work = small_disk / "archive"
    Archive(work).open()
    stat = os.statvfs(small_disk)
    # Room for a few ticket files, not for all of them.
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - 24 * 1024))

    with pytest.raises(ArchiveError, match=r"cannot write tickets/.*: No space left on device"):
        export(fake, redactor, work)

    assert Archive(work).repo.head() is None, "nothing committed"
    assert [p for p in work.rglob("*.tmp")] == []
    written = {str(p.relative_to(work)): p.read_bytes() for p in work.glob("tickets/*/*/*.md")}
    assert written, "some tickets were written before the disk filled up"

    filler.unlink()
    summary = export(fake, redactor, work)
    assert summary.commit and tree(work) == fresh
    assert [p for p in work.rglob("*.tmp")] == []
    for relpath, data in written.items():  # whole files only: each as the complete run wrote it
        assert subprocess.run(["git", "-C", str(work), "show", f"HEAD:{relpath}"], capture_output=True).stdout == data


# -- secrets ------------------------------------------------------------------------------------

TOKEN = "tok-7Hq2LmX9pV4rZs8NwK3e"
EMAIL = "export-bot@example.com"
BASIC = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()


def run_cli(fake: FakeZendesk, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exporter.cli", *args],
        cwd=ROOT,
        env=cli_env(fake),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_credentials_never_reach_logs_errors_the_archive_or_its_history(redactor, tmp_path: Path) -> None:
    seen: list[str] = []
    with new_fake(email=EMAIL, api_token=TOKEN) as fake:
        work = tmp_path / "archive"
        fake.fail_next(1, status=503, path="/ticket_fields")  # a retry, logged
        text = run_cli(fake, "export", "--archive", str(work), "--workers", "1", "--verbose")
        fake.add_comment(sorted(fake.dataset.expected_archived_ids())[0], "Internal: one more note.", public=False)
        # Credentials in the remote's URL: the generated pages name the repository from it.
        git(work, "remote", "add", "origin", f"https://{EMAIL.split('@')[0]}:{TOKEN}@127.0.0.1:9/archive.git")
        json_run = run_cli(
            fake, "export", "--archive", str(work), "--workers", "1", "--verbose", "--log-format", "json"
        )
        for result in (text, json_run):
            assert result.returncode == 0, result.stderr
            assert "Authorization: Basic ****" in result.stderr  # --verbose shows requests, masked
            assert result.stderr.count("Zendesk is retiring API tokens") == 1  # the deprecation, once a run
            seen += [result.stdout, result.stderr]

        # Errors: each exception's message (what the CLI prints), full traceback and chain.
        failures: list[BaseException] = []
        for fault in ({"status": 401}, {"status": 503}, {"kind": "reset"}, {"kind": "truncated"}):
            fake.fail_next(8, **fault)
            try:
                export(fake, redactor, work)
            except ExportError as exc:
                failures.append(exc)
            fake.reset_faults()
        with pytest.raises(GitError) as push:
            Archive(work).push()
        failures.append(push.value)
        assert len(failures) == 5
        for exc in failures:
            seen.append("".join(traceback.format_exception(exc)) + repr(exc))
            context = exc.__context__
            while context is not None:  # suppressed with `from None`, but still attached
                seen.append(repr(context) + str(context))
                context = context.__context__

    files = [p.read_text("utf-8", "replace") for p in work.rglob("*") if p.is_file() and ".git" not in p.parts]
    history = git(work, "log", "-p", "--all")
    assert len(history) > 10_000 and len(files) > 5
    for secret in (TOKEN, BASIC):
        for where, text in [("output", "\n".join(seen)), ("archive files", "\n".join(files)), ("history", history)]:
            assert secret not in text, f"a credential leaked into the {where}"
