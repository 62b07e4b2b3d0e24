"""The archive writer: rendering, atomic writes, git commits and state."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import frontmatter
import pytest

from archive.errors import ArchiveError, ArchiveLocked, GitError, RenderError
from archive.facts import find_services, find_versions
from archive.render import render_ticket
from archive.state import ArchiveState, ExportCursor
from archive.store import Archive
from redaction.models import RedactedComment, RedactedTicket


def when(day: int, hour: int = 9) -> datetime:
    return datetime(2023, 4, day, hour, 30, tzinfo=timezone.utc)


def make_ticket(ticket_id: int = 42, title: str = "gitserver OOMKilled after upgrade to 4.1", **kw) -> RedactedTicket:
    fields = dict(
        id=ticket_id,
        title=title,
        status="solved",
        created_at=when(3),
        updated_at=when(5),
        solved_at=when(5, 8),
        url=f"https://acme.zendesk.com/agent/tickets/{ticket_id}",
        priority="high",
        type="problem",
        channel="email",
        tags=("kubernetes", "gitserver", "kubernetes"),
        custom_fields=(("Product version", "4.1.3"),),
        comments=(
            RedactedComment(when(3), "<PERSON_1>", "customer", True, "gitserver-0 restarts every few minutes on v4.1.3"),
            RedactedComment(when(4), "Dana Agent", "agent", False, "Internal: raise memory limit", ("heap.pprof",)),
            RedactedComment(when(5), "Dana Agent", "agent", True, "Set resources.limits.memory to 8Gi; fixed."),
        ),
        redactions={"PERSON": 2, "EMAIL": 1},
    )
    fields.update(kw)
    return RedactedTicket(**fields)


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=True).stdout


# -- rendering ---------------------------------------------------------------------


def test_rendering_is_deterministic_and_parses_back() -> None:
    data = render_ticket(make_ticket())
    assert data == render_ticket(make_ticket())
    assert data.endswith(b"\n") and b"\r" not in data
    post = frontmatter.loads(data.decode())
    assert post["id"] == 42
    assert post["solved_at"] == "2023-04-05T08:30:00Z"
    assert post["tags"] == ["gitserver", "kubernetes"]
    assert post["versions"] == ["4.1", "4.1.3"]
    assert post["comments"] == 3
    assert list(post.keys())[:8] == ["id", "title", "status", "created_at", "updated_at", "solved_at", "url", "priority"]


def test_lists_are_one_line_so_sourcegraph_regexps_match() -> None:
    text = render_ticket(make_ticket()).decode()
    assert "\ntags: [gitserver, kubernetes]\n" in text
    # '4.1' is quoted so YAML keeps it a string, not the float 4.1.
    assert "\nversions: ['4.1', 4.1.3]\n" in text


def test_body_has_title_and_conversation_in_order_with_roles() -> None:
    text = render_ticket(make_ticket()).decode()
    body = text.split("\n---\n", 1)[1]
    assert body.lstrip().startswith("# gitserver OOMKilled after upgrade to 4.1")
    first = body.index("customer <PERSON_1> · public")
    second = body.index("agent Dana Agent · internal note")
    third = body.index("agent Dana Agent · public")
    assert first < second < third
    assert "Attachments: `heap.pprof`" in body


@pytest.mark.parametrize(
    "title",
    ["---", "yes", "null", "1e3", '"quoted": with: colons', "emoji 🚀 ok", "rtl \u200f mark", "# hash", "~", "- dash", "2024-01-01"],
)
def test_hostile_titles_round_trip_exactly(title: str) -> None:
    data = render_ticket(make_ticket(title=title)).decode()
    assert frontmatter.loads(data)["title"] == title


def test_nul_round_trips_escaped_and_lone_surrogates_are_replaced_not_crashed_on() -> None:
    data = render_ticket(make_ticket(title="bad\x00title\ud800"))
    assert b"\x00" not in data  # a raw NUL would make the file binary to git and Sourcegraph
    assert frontmatter.loads(data.decode())["title"] == "bad\x00title\ufffd"
    assert "\n# bad\ufffdtitle\ufffd\n" in data.decode()


def test_only_redacted_tickets_render() -> None:
    with pytest.raises(RenderError):
        render_ticket(object())  # type: ignore[arg-type]


def test_versions_are_not_taken_from_ips_dates_or_phones() -> None:
    text = (
        "Upgraded to 3.42.1 from v3.41, host 10.0.12.7, on 2024-03-05 at 12.30, call +1 555.123.4567, "
        "ratio 0.5, sourcegraph/server:5.1.2, version 4.0"
    )
    assert find_versions([text]) == ["3.41", "3.42.1", "4.0", "5.1.2"]


def test_services_come_from_the_glossary() -> None:
    assert find_services(["gitserver-0 and zoekt-webserver; frontends"]) == ["gitserver", "zoekt-webserver"]


# -- the archive on disk -------------------------------------------------------------


def test_write_commit_and_nothing_to_commit_when_unchanged(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a").open()
    assert archive.write_ticket(make_ticket())
    archive.write_state(ArchiveState(nightly=ExportCursor("c1")))
    sha = archive.commit("export: 1 written")
    assert sha and git(archive.path, "rev-list", "--count", "HEAD").strip() == "1"
    assert (archive.path / "tickets/2023/04/42.md").is_file()
    assert "tickets/2023/04/42.md" in git(archive.path, "ls-files")
    assert ".ticket-archive/state.json" in git(archive.path, "ls-files")

    again = Archive(tmp_path / "a").open()
    assert not again.write_ticket(make_ticket())
    assert again.commit("nothing") is None
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "1"
    assert git(archive.path, "config", "feature.manyFiles").strip() == "true"


STATE_JSON = """{
  "forgotten": [
    7
  ],
  "later": {
    "key": [
      1
    ]
  },
  "nightly": {
    "cursor": "c1",
    "high_water": 1700000000
  },
  "withheld": [
    3,
    5
  ]
}
"""


def test_state_is_typed_and_its_json_keeps_its_bytes_and_unknown_keys(tmp_path: Path) -> None:
    state = ArchiveState.loads(STATE_JSON)
    assert state.nightly == ExportCursor("c1", 1_700_000_000)
    assert (state.withheld, state.forgotten) == ({3, 5}, {7})
    assert state.dumps().decode() == STATE_JSON  # a key of a newer version survives an older run
    state.forget(5)
    assert (state.withheld, state.forgotten) == ({3}, {5, 7})
    # Before the first export there is no cursor, and nothing was ever forgotten.
    assert ArchiveState(withheld={9}).dumps() == b'{\n  "withheld": [\n    9\n  ]\n}\n'

    archive = Archive(tmp_path / "a").open()
    assert archive.read_state() == ArchiveState()
    assert archive.write_state(state) and archive.read_state() == state
    (archive.path / ".ticket-archive/state.json").write_text('{"withheld": ["x"]}')
    with pytest.raises(ArchiveError, match="state.json is unreadable.*checkout"):
        archive.read_state()


def test_remove_ticket_is_committed(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a").open()
    archive.write_ticket(make_ticket())
    archive.commit("one")
    assert archive.remove_ticket(42)
    archive.commit("remove")
    assert "42.md" not in git(archive.path, "ls-files")
    assert not archive.remove_ticket(42)


def test_files_left_uncommitted_by_a_killed_run_are_committed_next_time(tmp_path: Path) -> None:
    first = Archive(tmp_path / "a").open()
    first.write_ticket(make_ticket())  # the process "dies" before committing
    rerun = Archive(tmp_path / "a").open()
    assert not rerun.write_ticket(make_ticket())
    assert rerun.commit("rerun")
    assert "tickets/2023/04/42.md" in git(rerun.path, "ls-files")


def test_write_is_atomic_no_temp_files_left(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a").open()
    archive.write_ticket(make_ticket())
    archive.write_ticket(make_ticket(title="changed"))
    leftovers = [p for p in archive.path.rglob("*.tmp")]
    assert leftovers == []


def test_push_rejected_keeps_local_commit(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--bare", "--quiet", "--initial-branch=main", str(remote)], check=True)
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(other)], check=True, capture_output=True)
    (other / "x").write_text("x")
    git(other, "add", "x")
    git(other, "-c", "user.name=o", "-c", "user.email=o@x", "commit", "-qm", "other")
    git(other, "push", "-q", "origin", "HEAD:main")

    archive = Archive(tmp_path / "a").open()
    git(archive.path, "remote", "add", "origin", str(remote))
    archive.write_ticket(make_ticket())
    sha = archive.commit("export")
    with pytest.raises(GitError, match="rejected"):
        archive.push()
    assert archive.repo.head() == sha


def test_push_without_remote_says_how_to_add_one(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a").open()
    with pytest.raises(GitError, match="remote add origin"):
        archive.push()


def test_second_run_is_locked_out_and_lock_dies_with_its_process(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from archive.store import Archive\n"
            "with Archive(sys.argv[1]).locked():\n    print('locked', flush=True); time.sleep(60)",
            str(archive.path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ArchiveLocked, match=f"pid {holder.pid}"):
            with archive.locked():
                pass
    finally:
        holder.kill()
        holder.wait()
    with archive.locked():  # the kernel released the dead process's lock
        pass


def test_ticket_written_and_removed_in_one_run_commits_cleanly(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a").open()
    archive.write_ticket(make_ticket(1))
    archive.write_ticket(make_ticket(2))
    archive.remove_ticket(2)
    assert archive.commit("run")
    assert [p for p in git(archive.path, "ls-files", "tickets").split() if p.endswith(".md")] == ["tickets/2023/04/1.md"]
