"""Bad input from Zendesk: every kind is archived (or withheld with a reason), never a crash of the run.

The malformed records and bytes are rewritten on the wire (the fake's `rewrite`
fault), so the fake's own data stays whole, and go through the real client,
redactor and git archive. Every test also checks that the well-formed tickets of
the same run are archived as usual and that every file is valid UTF-8 with a
frontmatter that reads back.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Iterator

import pytest

from archive.header import split_header
from archive.settings import NoteSettings
from archive.store import Archive
from exporter.fake import FakeZendesk, build_dataset, iso
from exporter.jobs import run_export
from tests.conftest import client_for, git

MISSING = object()
EXPORT = "/api/v2/incremental/tickets/cursor"


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    with FakeZendesk(dataset=build_dataset(tickets=6, seed=5, big_log=False)) as server:
        yield server


def solved_ticket(fake: FakeZendesk, subject: str, body: str = "gitserver keeps restarting.") -> int:
    ticket_id = fake.add_ticket(subject=subject, body=body, status="solved")
    fake.add_comment(ticket_id, "Restarting gitserver with more memory fixed it.", public=True)
    return ticket_id


def malform(fake: FakeZendesk, changes: dict[int, dict[str, object]]) -> None:
    """Zendesk sends these tickets' records changed (MISSING drops a field), in every export page and show_many."""

    def rewrite(body: bytes) -> bytes:
        data = json.loads(body)
        for ticket in data.get("tickets") or ():
            for key, value in changes.get(ticket.get("id"), {}).items():
                if value is MISSING:
                    ticket.pop(key, None)
                else:
                    ticket[key] = value
        return json.dumps(data).encode()

    fake.reset_faults()
    for path in (EXPORT, "/api/v2/tickets/show_many"):
        fake.fail_next(10_000, kind="rewrite", rewrite=rewrite, path=path)


def export(fake: FakeZendesk, redactor, path: Path, notes: NoteSettings | None = None):
    with client_for(fake, read_timeout=30.0) as client:
        return run_export(client, redactor, Archive(path, notes=notes))


def add_comments(fake: FakeZendesk, ticket_id: int, total: int) -> None:
    """Give the ticket `total` comments, a minute apart, before it was solved (in bulk: add_comment is O(n))."""
    comments = fake.dataset.comments[ticket_id]  # no request is in flight yet
    solved = int(fake.dataset.tickets[ticket_id]["generated_timestamp"])
    start = solved - total * 60
    fake.dataset.tickets[ticket_id]["created_at"] = iso(start)
    for n, comment in enumerate(comments):
        comment["created_at"] = iso(start + n)
    template, author = comments[0], comments[-1]["author_id"]
    for n in range(len(comments), total):
        comment = copy.deepcopy(template)
        comment.update(
            id=template["id"] + 10_000 + n,
            audit_id=template["audit_id"] + 10_000 + n,
            author_id=author if n % 2 else template["author_id"],
            created_at=iso(start + n * 60),
        )
        comment["body"] = comment["plain_body"] = f"Update {n}: restarted gitserver-{n % 3}, still failing."
        comment["html_body"] = f"<p>{comment['body']}</p>"
        comments.append(comment)


def case_files(path: Path) -> dict[int, tuple[dict, str]]:
    """id -> (frontmatter, body) of every case file; each must be UTF-8 with a readable frontmatter."""
    files: dict[int, tuple[dict, str]] = {}
    for file in sorted(path.glob("tickets/*/*/*.md")):
        data = file.read_bytes()
        assert b"\0" not in data, file
        meta, body = split_header(data.decode("utf-8"))  # raises on invalid UTF-8
        assert int(file.stem) not in files, f"ticket {file.stem} archived twice"
        files[int(file.stem)] = (meta, body)
    return files


def assert_the_rest_archived(fake: FakeZendesk, path: Path, withheld: set[int] = frozenset()) -> None:
    assert set(case_files(path)) == fake.dataset.expected_archived_ids() - set(withheld)
    assert git(path, "status", "--porcelain") == ""


def test_malformed_records_are_archived_or_withheld_and_the_run_goes_on(fake, redactor, tmp_path: Path) -> None:
    nul = solved_ticket(fake, "gitserver\0 crash", "It crashed\0 again.")
    no_description = solved_ticket(fake, "No description at all")
    empty_description = solved_ticket(fake, "Empty description")
    missing = solved_ticket(fake, "never seen")
    unknown_fields = solved_ticket(fake, "Custom fields nobody defined")
    bad_times = solved_ticket(fake, "Timestamps from another planet")
    unreadable = solved_ticket(fake, "A custom field without an id")
    changes: dict[int, dict[str, object]] = {
        nul: {"tags": ["crash\0", "gitserver"], "custom_fields": [{"id": 360001, "value": "4.5\0.0"}]},
        no_description: {"description": MISSING},
        empty_description: {"description": ""},
        missing: {
            "subject": MISSING,
            "raw_subject": MISSING,
            "created_at": MISSING,
            "tags": None,
            "custom_fields": None,
            "via": None,
            "priority": None,
            "type": None,
        },
        unknown_fields: {
            "custom_fields": [
                {"id": 990001, "value": "plain"},
                {"id": 990002, "value": ["a", "b"]},
                {"id": 990003, "value": {"nested": 1}},
                {"id": 990004, "value": True},
                {"id": 990005, "value": 3.5},
                {"id": 990006, "value": None},
            ]
        },
        bad_times: {"created_at": "yesterday", "updated_at": 12345},
        unreadable: {"custom_fields": [{"value": "orphan"}]},
    }
    malform(fake, changes)

    summary = export(fake, redactor, tmp_path / "archive")

    assert summary.commit is not None
    assert summary.withheld == {unreadable}
    assert summary.as_dict()["withheld_reasons"] == {
        str(unreadable): f"ticket {unreadable}: unreadable record from Zendesk (KeyError)"
    }
    files = case_files(tmp_path / "archive")
    assert_the_rest_archived(fake, tmp_path / "archive", withheld={unreadable})
    assert files[nul][0]["title"] == "gitserver\0 crash"  # escaped as \0 in the frontmatter, never raw
    assert "crashed\ufffd again" in files[nul][1]
    assert files[no_description][0]["comments"] == files[empty_description][0]["comments"] == 2
    assert files[missing][0]["title"] == "" and f"\n# Ticket {missing}\n" in files[missing][1]
    assert files[missing][0]["tags"] == [] and files[missing][0]["created_at"] == "1970-01-01T00:00:00Z"
    assert files[unknown_fields][0]["fields"] == {
        "field_990001": "plain",
        "field_990002": "a, b",
        "field_990003": "{'nested': 1}",
        "field_990004": "True",
        "field_990005": "3.5",
    }
    assert bad_times in files

    # The withheld ticket is retried, and stays withheld with its reason, until Zendesk sends it whole.
    again = export(fake, redactor, tmp_path / "archive")
    assert again.withheld == {unreadable} and again.commit is None
    del changes[unreadable]
    malform(fake, changes)
    fixed = export(fake, redactor, tmp_path / "archive")
    assert fixed.withheld == set()
    assert_the_rest_archived(fake, tmp_path / "archive")


@pytest.mark.parametrize(
    "raw, replacement",
    [(b"\xff\xfe\xc3(", "\ufffd\ufffd\ufffd("), (b"[\\ud800|\\udfff]", "[\ufffd|\ufffd]")],
    ids=["invalid-utf8", "lone-surrogates"],
)
def test_undecodable_text_on_the_wire_is_archived_with_replacement_characters(
    fake, redactor, tmp_path: Path, raw: bytes, replacement: str
) -> None:
    broken = solved_ticket(fake, "Repository path shows MARK after the upgrade", "The log shows MARK for a path.")
    fake.add_comment(broken, "Agent note: MARK again.", public=False)
    fake.fail_next(10_000, kind="rewrite", rewrite=lambda body: body.replace(b"MARK", raw))

    summary = export(fake, redactor, tmp_path / "archive")

    assert summary.withheld == set()
    assert_the_rest_archived(fake, tmp_path / "archive")
    meta, body = case_files(tmp_path / "archive")[broken]
    assert meta["title"].endswith(f"path shows {replacement} after the upgrade")
    assert f"Agent note: {replacement} again." in body


def test_a_10_mb_comment_is_archived_trimmed_within_the_indexing_bounds(fake, redactor, tmp_path: Path) -> None:
    paste = "Full dump of the response body below.\n" + "A" * 10_000_000
    big = solved_ticket(fake, "Huge paste in a comment")
    fake.add_comment(big, paste, public=True)

    summary = export(fake, redactor, tmp_path / "archive")

    assert summary.withheld == set()
    assert_the_rest_archived(fake, tmp_path / "archive")
    (path,) = (tmp_path / "archive").glob(f"tickets/*/*/{big}.md")
    assert path.stat().st_size < NoteSettings().max_file_bytes
    assert "Full dump of the response body below." in path.read_text("utf-8")
    assert "characters left out" in path.read_text("utf-8")


def test_5000_comments_on_one_ticket_are_all_archived(fake, redactor, tmp_path: Path) -> None:
    busy = solved_ticket(fake, "A ticket with a very long conversation")
    add_comments(fake, busy, 5_000)

    summary = export(fake, redactor, tmp_path / "archive")

    assert summary.withheld == set()
    assert_the_rest_archived(fake, tmp_path / "archive")
    meta, body = case_files(tmp_path / "archive")[busy]
    assert meta["comments"] == 5_000
    assert body.count("\n### ") == 5_000
    assert "Update 4999: restarted gitserver-1, still failing." in body


def test_a_ticket_too_big_to_render_is_withheld_with_its_reason_and_the_rest_archived(
    fake, redactor, tmp_path: Path
) -> None:
    # Bounds a fiftieth of Sourcegraph's: 400 comment headings alone exceed them, as 20,000 would the real ones.
    notes = NoteSettings(max_file_bytes=20_000)
    huge = solved_ticket(fake, "Conversation longer than any case file may be")
    add_comments(fake, huge, 400)

    summary = export(fake, redactor, tmp_path / "archive", notes=notes)

    assert summary.withheld == {huge} and summary.commit is not None
    reason = summary.as_dict()["withheld_reasons"][str(huge)]
    assert reason.startswith(f"ticket {huge}: even without its comment bodies it exceeds the indexing bounds")
    assert_the_rest_archived(fake, tmp_path / "archive", withheld={huge})
