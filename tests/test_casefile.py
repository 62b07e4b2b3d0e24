"""The case file: a rendered note reads back to the header it was rendered from, and every reader reads it alike."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.casefile import Header, format_utc, read_case_file, ticket_path
from archive.manifest import Manifest, entry_of
from archive.query import Filters
from archive.render import case_facts, header, render_ticket
from archive.search import search_archive
from archive.settings import NoteSettings
from archive.store import Archive
from redaction.models import RedactedTicket
from tests.cases import HOSTILE_TITLES, at, case, simple

TICKETS = {
    "rich": case(),
    "no organization, no solve, no redaction versions": case(
        organization=None, solved_at=None, redaction_versions={}, priority=None, type=None, channel=None
    ),
    "no custom fields, no tags, no comments": case(custom_fields=(), tags=(), comments=(), redactions={}),
    "short": simple(7, "Searches time out", version="3.42.1", deployment="docker_compose", service="searcher",
                    solved=at(6, 2), resolution="Scaled searcher.", error='search failed err="context deadline exceeded"'),
    **{f"title {title!r}": case(title=title, tags=(title, "ok"), custom_fields=((title or "empty", title),))
       for title in HOSTILE_TITLES},
}  # fmt: skip


def read_back(ticket: RedactedTicket, settings: NoteSettings | None = None):
    text = render_ticket(ticket, settings).decode("utf-8")
    return read_case_file(ticket_path(ticket.id, ticket.created_at), text)


@pytest.mark.parametrize("ticket", TICKETS.values(), ids=TICKETS.keys())
def test_a_rendered_note_reads_back_to_the_header_it_was_rendered_from(ticket: RedactedTicket) -> None:
    written = header(ticket, case_facts(ticket))
    note = read_back(ticket)
    assert note.header == written
    assert note.readable and note.ticket_id == ticket.id
    assert note.title == (ticket.title.strip() or f"Ticket {ticket.id}")
    assert note.body.startswith("\n# ")


def test_the_round_trip_holds_with_other_settings_too() -> None:
    settings = NoteSettings(custom_fields=("Support tier",), resolution_marker="Fix:")
    ticket = case()
    note = read_back(ticket, settings)
    assert note.header == header(ticket, case_facts(ticket, settings), settings)
    assert note.header.fields == (("Support tier", "tier_premium"),)


def test_header_dump_writes_the_keys_in_order_and_leaves_out_what_is_empty() -> None:
    text = Header(id=1, title="t", created_at=format_utc(at(4, 3)), versions=("4.1",), redactions=(("EMAIL", 1),)).dump()
    assert text == (
        "---\nid: 1\ntitle: t\nstatus: null\ncreated_at: '2023-04-03T09:30:00Z'\nupdated_at: null\nsolved_at: null\n"
        "url: null\npriority: null\ntype: null\nchannel: null\nproduct_area: null\ndeployment: null\nversion: null\n"
        "versions: ['4.1']\nservices: []\nerrors: []\nsignatures: []\nissues: []\nkeywords: []\ntags: []\ncomments: 0\n"
        "redaction:\n  counts: {EMAIL: 1}\n---\n"
    )


def test_layout_and_utc() -> None:
    assert ticket_path(42, datetime(2023, 4, 3, 23, 0, tzinfo=timezone.utc)) == "tickets/2023/04/42.md"
    assert format_utc(datetime(2023, 4, 3, 23, 30, 5, 999, tzinfo=timezone(timedelta(hours=-2)))) == "2023-04-04T01:30:05Z"
    assert format_utc(datetime(2023, 4, 3, 23, 30)) == "2023-04-03T23:30:00Z"  # naive is UTC, not local time


HAND_EDITED = """---
id: 9
title: '  Hand edited  '
status: Solved
solved_at: 2023-05-02T10:00:00+02:00
deployment: Kubernetes
version: ../../etc
versions: [4.1.2, 'a/b', 5, 3.42.10.1.9]
services: [Gitserver, ../x, 'zoekt webserver', searcher]
errors: [ErrNoSpace]
keywords: [NFS]
tags: [Storage, '']
comments: many
owner: storage-team
---

# Ignored: the frontmatter has a title

## Resolution

Moved the repos to local disks; NFS was too slow.

## Errors
"""


def test_every_reader_applies_the_same_rules_to_a_hand_edited_file(tmp_path: Path) -> None:
    note = read_case_file("tickets/2023/05/9.md", HAND_EDITED)
    h = note.header
    assert note.readable and note.title == "Hand edited" and h.status == "solved"
    assert h.solved_at == "2023-05-02T08:00:00Z"  # an unquoted YAML time, read as UTC
    assert (h.version, h.versions) == (None, ("4.1.2",))  # nothing that could leave versions/ or break a query
    assert (h.services, h.deployment) == (("gitserver", "searcher"), "kubernetes")
    assert (h.errors, h.keywords, h.tags, h.comments) == (("ErrNoSpace",), ("NFS",), ("Storage", ""), 0)
    assert note.frontmatter["owner"] == "storage-team"  # unknown keys stay searchable

    # The pages and the search index see what read_case_file sees.
    archive = Archive(tmp_path / "archive").open()
    archive.write_ticket(case())
    (archive.path / "tickets/2023/05").mkdir(parents=True)
    (archive.path / "tickets/2023/05/9.md").write_text(HAND_EDITED)
    entry = Manifest.rebuild(archive.path).entries["tickets/2023/05/9.md"]
    assert entry == entry_of(note)
    assert (entry.title, entry.solved, entry.versions, entry.services) == (
        "Hand edited", "2023-05-02", ("4.1.2",), ("gitserver", "searcher"),
    )  # fmt: skip
    assert entry.resolution == "Moved the repos to local disks; NFS was too slow."

    def ids(query: str = "", **filters: str) -> list[int | None]:
        return [hit.id for hit in search_archive(archive.path, query, Filters(**filters)).hits]

    hit = search_archive(archive.path, "storage-team").hits[0]
    assert (hit.id, hit.title, hit.versions, hit.services, hit.solved_at) == (
        9, "Hand edited", ("4.1.2",), ("gitserver", "searcher"), "2023-05-02T08:00:00Z",
    )  # fmt: skip
    assert ids(service="gitserver") == [9, 4242]
    assert ids(service="zoekt webserver") == [] and ids(version="3.42") == [] and ids(version="4.1.2") == [9]
    assert ids(keyword="storage", status="solved") == [9]


def test_a_file_without_frontmatter_is_read_not_refused() -> None:
    note = read_case_file("tickets/2023/05/8.md", "no frontmatter at all, searcher panic\n")
    assert not note.readable and note.header == Header(id=None)
    assert (note.ticket_id, note.title, note.body) == (8, "Ticket 8", "no frontmatter at all, searcher panic\n")
    assert entry_of(note) is None  # left off the pages, still searchable
    broken = read_case_file("tickets/2023/05/notes.md", "---\ntitle: [unclosed\n---\n# Broken\n")
    assert (broken.readable, broken.ticket_id, broken.title) == (False, None, "Broken")
