"""End to end: the fake Zendesk over loopback → the real redactor → a real git archive."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from pathlib import Path

import frontmatter
import pytest

from archive.store import Archive
from exporter.jobs import forget_ticket, run_backfill, run_export
from tests.conftest import client_for, git
from tests.test_cli import run_cli


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


def archived(archive: Archive) -> dict[int, list[Path]]:
    found: dict[int, list[Path]] = {}
    for path in sorted(archive.path.glob("tickets/*/*/*.md")):
        found.setdefault(int(path.stem), []).append(path)
    return found


def export(fake, redactor, archive: Archive, **kw):
    with client_for(fake) as client:
        return run_export(client, redactor, archive, **kw)


def commits(archive: Archive) -> int:
    return int(git(archive.path, "rev-list", "--count", "HEAD").strip())


def test_faulty_rate_limited_export_yields_exactly_the_solved_tickets_each_once(fake, redactor, tmp_path: Path) -> None:
    fake.error_rate = 0.03
    fake.rate_limit_per_minute = 12
    fake.rate_window_seconds = 1.0
    fake.fail_next(2, status=429, retry_after=None)
    fake.fail_next(1, kind="reset")
    archive = Archive(tmp_path / "archive")

    summary = export(fake, redactor, archive)

    files = archived(archive)
    assert set(files) == fake.dataset.expected_archived_ids()
    assert all(len(paths) == 1 for paths in files.values())
    assert summary.withheld == set()
    assert summary.retries >= 3
    assert fake.early_requests == 0
    # Paced under the limit: the only 429s are the two injected ones.
    assert sum(1 for r in fake.requests if r.status == 429) == 2
    for ticket_id, (path,) in files.items():
        post = frontmatter.load(path)
        assert post["id"] == ticket_id
        assert post["status"] in ("solved", "closed")
        public = len(re.findall(r"^### \d+\. .* · public$", post.content, re.M))
        assert public == fake.dataset.public_comment_count(ticket_id), ticket_id
        created = fake.dataset.created_at(ticket_id)
        assert path.parent == archive.path / "tickets" / f"{created.year:04d}" / f"{created.month:02d}"
    assert commits(archive) == 1


def test_second_run_without_changes_makes_no_commit(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    export(fake, redactor, archive)
    head = archive.repo.head()
    before = {p: p.read_bytes() for p in archive.path.rglob("*.md")}

    summary = export(fake, redactor, archive)

    assert summary.commit is None and summary.written == 0
    assert archive.repo.head() == head
    assert {p: p.read_bytes() for p in archive.path.rglob("*.md")} == before


def test_changed_new_and_deleted_tickets_are_reflected_by_the_next_run(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    export(fake, redactor, archive)
    ids = sorted(fake.dataset.expected_archived_ids())
    changed, deleted = ids[0], ids[1]

    fake.add_comment(changed, "Follow-up: the fix also needed zoekt-webserver restarted.", public=True)
    new_id = fake.add_ticket(subject="searcher timeouts on 5.1.2", status="solved")
    fake.delete_ticket(deleted)

    summary = export(fake, redactor, archive)

    files = archived(archive)
    assert new_id in files and deleted not in files and changed in files
    assert "zoekt-webserver restarted" in files[changed][0].read_text()
    assert summary.removed == 1 and summary.written >= 2
    assert commits(archive) == 2
    assert deleted not in {int(Path(p).stem) for p in git(archive.path, "ls-files", "tickets").split()}


def test_reopened_ticket_keeps_its_solved_version(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    export(fake, redactor, archive)
    ticket_id = sorted(fake.dataset.expected_archived_ids())[0]
    (before,) = archived(archive)[ticket_id]
    before_text = before.read_text("utf-8")

    fake.reopen(ticket_id)
    summary = export(fake, redactor, archive)

    assert archived(archive)[ticket_id] == [before] and before.read_text("utf-8") == before_text
    assert summary.skipped >= 1


def test_backfill_selects_exactly_the_solved_range_and_keeps_the_cursor(fake, redactor, tmp_path: Path) -> None:
    solved = {i: fake.dataset.solved_at(i) for i in fake.dataset.expected_archived_ids()}
    days = sorted(d.date() for d in solved.values())
    since, until = days[len(days) // 4], days[(3 * len(days)) // 4]
    expected = {i for i, d in solved.items() if since <= d.date() <= until}
    archive = Archive(tmp_path / "archive")

    with client_for(fake) as client:
        summary = run_backfill(client, redactor, archive, since=since, until=until)

    assert set(archived(archive)) == expected
    assert summary.out_of_range > 0
    assert archive.read_state().nightly is None


def test_forgotten_ticket_stays_out(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    export(fake, redactor, archive)
    ticket_id = sorted(fake.dataset.expected_archived_ids())[0]

    assert forget_ticket(archive, ticket_id)
    fake.add_comment(ticket_id, "one more thing", public=True)
    export(fake, redactor, archive)

    assert ticket_id not in archived(archive)


def test_nothing_planted_reaches_the_archive_or_its_history(fake, redactor, tmp_path: Path, caplog) -> None:
    caplog.set_level("DEBUG")
    archive = Archive(tmp_path / "archive")
    export(fake, redactor, archive)
    history = git(archive.path, "log", "-p", "--all").lower()
    files = "\n".join(p.read_text() for p in archive.path.rglob("*") if p.is_file() and ".git" not in p.parts).lower()
    leaks = [v for v in fake.dataset.planted_sensitive() if v.lower() in files or v.lower() in history]
    assert leaks == []
    assert fake.api_token not in history and fake.api_token not in caplog.text
    assert "content_url" not in files and "token=" not in files


def test_parallel_redaction_writes_the_same_bytes_as_one_process(fake, redactor, tmp_path: Path) -> None:
    one, two = Archive(tmp_path / "one"), Archive(tmp_path / "two")
    export(fake, redactor, one, workers=1)
    summary = export(fake, redactor, two, workers=2)

    def contents(archive: Archive) -> dict[str, bytes]:
        return {str(p.relative_to(archive.path)): p.read_bytes() for p in archive.path.glob("tickets/*/*/*.md")}

    assert summary.written == len(fake.dataset.expected_archived_ids())
    assert contents(one) == contents(two)


class LeakyRedactor:
    """Our redactor with a bug planted: one ticket's title keeps a customer email."""

    def __init__(self, real, ticket_id: int, leak: str) -> None:
        self.real, self.ticket_id, self.leak = real, ticket_id, leak
        self.settings = real.settings

    def redact_ticket(self, ticket):
        redacted = self.real.redact_ticket(ticket)
        if ticket.id != self.ticket_id:
            return redacted
        return dataclasses.replace(redacted, title=f"{redacted.title} (reported by {self.leak})")


def test_a_leak_the_redactor_missed_is_caught_before_writing_and_withheld(fake, redactor, tmp_path: Path) -> None:
    victim = sorted(fake.dataset.expected_archived_ids())[0]
    archive = Archive(tmp_path / "archive")

    summary = export(fake, LeakyRedactor(redactor, victim, "jane.doe@customer-corp.com"), archive)

    assert summary.withheld == {victim}
    assert "looks like a leak" in summary.withheld_reasons[victim]
    assert "jane.doe" not in summary.withheld_reasons[victim]
    assert victim not in archived(archive)
    assert "jane.doe@customer-corp.com" not in git(archive.path, "log", "-p", "--all")
    assert victim in archive.read_state().withheld


def test_verify_passes_a_clean_archive_and_names_file_and_line_of_a_planted_leak(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    export(fake, redactor, archive)
    clean = run_cli("verify", "--archive", str(archive.path))
    assert clean.returncode == 0, clean.stdout + clean.stderr

    path = sorted(archive.path.glob("tickets/*/*/*.md"))[0]
    lines = path.read_text().splitlines()
    token = "sgp_0123456789abcdef0123456789abcdef01234567"
    lines.insert(len(lines) - 1, f"the token is {token}")
    path.write_text("\n".join(lines) + "\n")

    leaky = run_cli("verify", "--archive", str(archive.path))
    assert leaky.returncode == 1
    relpath = path.relative_to(archive.path).as_posix()
    assert f"{relpath}:{len(lines) - 1}: SECRET" in leaky.stdout
    assert token not in leaky.stdout + leaky.stderr
