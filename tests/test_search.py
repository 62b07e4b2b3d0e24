"""Offline search: the FTS5 index over real ticket files, its upkeep, and the `search` command."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.casefile import INDEX_FILE
from archive.index import SearchIndex
from archive.query import Filters, parse_query
from archive.search import search_archive
from archive.store import Archive
from redaction.models import RedactedComment, RedactedTicket
from tests.conftest import git

DAY0 = datetime(2023, 4, 1, 9, 0, tzinfo=timezone.utc)
FILLER = "The customer shared the logs from their Kubernetes cluster and we reviewed the configuration together."


def ticket(
    ticket_id: int,
    title: str,
    *texts: str,
    solved: int = 0,
    status: str = "solved",
    tags: tuple[str, ...] = (),
) -> RedactedTicket:
    """A ticket created on DAY0 and solved `solved` days later; its texts become alternating comments."""
    solved_at = DAY0 + timedelta(days=solved, hours=1)
    comments = tuple(
        RedactedComment(DAY0 + timedelta(minutes=n), "<PERSON_1>" if n % 2 == 0 else "Dana Agent",
                        "customer" if n % 2 == 0 else "agent", True, text)
        for n, text in enumerate(texts or (FILLER,))
    )
    return RedactedTicket(
        id=ticket_id,
        title=title,
        status=status,
        created_at=DAY0,
        updated_at=solved_at,
        solved_at=solved_at,
        url=f"https://acme.zendesk.com/agent/tickets/{ticket_id}",
        tags=tags,
        comments=comments,
    )


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive").open()


def ids(archive: Archive, query: str = "", **filters) -> list[int]:
    return [hit.id for hit in search_archive(archive.path, query, Filters(**filters)).hits]


def write(archive: Archive, *tickets: RedactedTicket) -> None:
    for t in tickets:
        archive.write_ticket(t)


# -- ranking and the query language -------------------------------------------------------


def test_the_exact_error_phrase_ranks_its_case_first(archive: Archive) -> None:
    write(
        archive,
        ticket(1, "Context deadline on the search page", "The deadline for the context switch was exceeded twice."),
        ticket(2, "Searches fail on large monorepo", FILLER, "searcher: rpc error: context deadline exceeded", FILLER),
        ticket(3, "deadline exceeded", "context", "deadline exceeded again, context context deadline"),
        ticket(4, "Unrelated SSO question", "SAML redirect loops after login."),
    )
    assert ids(archive, "context deadline exceeded")[0] == 2
    assert ids(archive, '"context deadline exceeded"') == [2]
    hit = search_archive(archive.path, "context deadline exceeded").hits[0]
    assert "**context deadline exceeded**" in hit.snippet
    assert hit.score is not None and hit.path == "tickets/2023/04/2.md"


def test_title_outranks_the_conversation(archive: Archive) -> None:
    write(
        archive,
        ticket(1, "Login page is slow", "we checked gitserver memory", FILLER),
        ticket(2, "gitserver memory keeps growing", FILLER),
        ticket(3, "Something else", FILLER),
    )
    assert ids(archive, "gitserver")[0] == 2


def test_hyphenated_dotted_and_prefix_terms_work_as_typed(archive: Archive) -> None:
    write(
        archive,
        ticket(1, "Pod restarts", "gitserver-0 restarts every few minutes"),
        ticket(2, "Other pod", "gitserver-1 is fine but repo-updater is not"),
        ticket(3, "Big files", "Set search.largeFiles in the site config."),
        ticket(4, "Upgrade", "We upgraded to 3.42.1 yesterday."),
    )
    assert ids(archive, "gitserver-0") == [1]
    assert sorted(ids(archive, "gitserv*")) == [1, 2]
    assert sorted(ids(archive, "gitserver-*")) == [1, 2]
    assert ids(archive, "search.largeFiles") == [3]
    assert ids(archive, "largefiles") == [3]
    assert ids(archive, "3.42.1") == [4]
    assert ids(archive, "repo-updater") == [2]
    assert ids(archive, "gitserver -repo-updater") == [1]
    assert ids(archive, "gitserver NOT repo-updater") == [1]
    assert sorted(ids(archive, "largeFiles OR upgraded")) == [3, 4]


def test_query_translation() -> None:
    query = parse_query('gitserver-0 "context deadline" gitserv* -flaky')
    assert query.match == '"gitserver-0" AND "context deadline" AND "gitserv" *'
    assert query.exclude == '"flaky"'
    assert query.phrase is None
    assert parse_query("context deadline exceeded").phrase == '"context deadline exceeded"'
    assert parse_query('a OR b c').match == '("a" OR "b") AND "c"'
    assert parse_query('say "hi" ( ) OR').match == '"say" AND "hi"'
    assert parse_query("( * - OR AND NOT").expression() is None


HOSTILE = [
    '"', '""', '"unterminated phrase', "((", ")", "AND", "OR OR", "NOT", "-", "--", "*", "**", "a:b", "title:gitserver",
    "NEAR(a b)", "NEAR(a b, 2)", "foo*bar*", "^foo", "col:", "{title body}: x", "a AND OR NOT b", "-gitserver -oom",
    "gitserver\x00oom", "bad\ud800surrogate", "'single' quotes", "\\", "🚀", "x" * 5000, " ".join(["word"] * 400),
    "+", "a + b", '"a" * "b"', "OR a", "a OR", "NOT NOT a", "a NOT", "%_", "[]", "'; DROP TABLE docs; --",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail(archive: Archive, query: str) -> None:
    write(archive, ticket(1, "gitserver OOM", "word gitserver-0 OOMKilled"), ticket(2, "x", "a b"))
    result = search_archive(archive.path, query)
    assert isinstance(result.hits, list)
    assert ids(archive, "gitserver") == [1]  # and the index survived it


# -- filters --------------------------------------------------------------------------


def test_version_filter_matches_the_release_and_its_patches_only(archive: Archive) -> None:
    write(
        archive,
        ticket(1, "a", "Running version 3.42 here."),
        ticket(2, "b", "Upgraded to 3.42.1 last night."),
        ticket(3, "c", "Upgraded to 3.42.10 last night."),
        ticket(4, "d", "Upgraded to 3.420 by mistake."),
        ticket(5, "e", "Upgraded to 3.4.2 and 13.42.1."),
        ticket(6, "f", "Upgraded to 3.43.0."),
    )
    assert sorted(ids(archive, version="3.42")) == [1, 2, 3]
    assert sorted(ids(archive, version="v3.42.x")) == [1, 2, 3]
    assert ids(archive, version="3.42.1") == [2]
    assert ids(archive, version="3.4") == [5]
    assert sorted(ids(archive, version="3")) == [1, 2, 3, 4, 5, 6]
    assert ids(archive, version="nonsense") == []


def test_filters_are_exact_and_combine_with_and(archive: Archive) -> None:
    write(
        archive,
        ticket(1, "gitserver OOM", "gitserver-0 OOMKilled on 4.1.3", solved=0, tags=("kubernetes",)),
        ticket(2, "gitserver disk", "gitserver disk full on 4.1.3", solved=5, status="closed", tags=("docker",)),
        ticket(3, "frontend 502", "frontend returns 502 on 4.2.0", solved=10, tags=("kubernetes",)),
        ticket(4, "zoekt memory", "zoekt-webserver memory on 4.1.3", solved=15, tags=("kubernetes-operator",)),
    )
    assert sorted(ids(archive, service="gitserver")) == [1, 2]
    assert ids(archive, service="zoekt") == []  # exact, not a substring
    assert sorted(ids(archive, keyword="kubernetes")) == [1, 3]
    assert ids(archive, keyword="gitserver", status="closed") == [2]
    assert sorted(ids(archive, status="solved")) == [1, 3, 4]
    day = DAY0.date()
    assert ids(archive, since=day + timedelta(days=5), until=day + timedelta(days=10)) == [3, 2]
    assert ids(archive, until=day) == [1]
    assert ids(archive, "memory", version="4.1", since=day + timedelta(days=1)) == [4]
    assert ids(archive, "gitserver", keyword="kubernetes", version="4.1") == [1]


def test_an_empty_query_lists_the_newest_solved_first(archive: Archive) -> None:
    write(archive, *(ticket(i, f"t{i}", FILLER, solved=i) for i in range(1, 6)))
    assert ids(archive) == [5, 4, 3, 2, 1]
    assert ids(archive, "-t3", since=DAY0.date() + timedelta(days=2)) == [5, 4, 2]
    hits = search_archive(archive.path, "", Filters(), limit=2).hits
    assert [h.id for h in hits] == [5, 4] and hits[0].score is None and "The customer shared" in hits[0].snippet


# -- keeping the index current ----------------------------------------------------------


def test_an_edited_ticket_is_found_by_its_new_text_not_its_old(archive: Archive) -> None:
    write(archive, ticket(1, "Pod restarts", "gitserver OOMKilled"), ticket(2, "Other", FILLER))
    assert ids(archive, "OOMKilled") == [1]
    write(archive, ticket(1, "Pod restarts", "gitserver evicted for disk pressure"))
    assert ids(archive, "OOMKilled") == []
    assert ids(archive, "evicted") == [1]
    # An in-place edit of the same size within the clock's granularity is still seen.
    path = archive.path / "tickets/2023/04/1.md"
    path.write_bytes(path.read_bytes().replace(b"evicted", b"drained"))
    assert ids(archive, "evicted") == [] and ids(archive, "drained") == [1]


def test_a_deleted_ticket_disappears(archive: Archive) -> None:
    write(archive, ticket(1, "gitserver OOM", FILLER), ticket(2, "gitserver disk", FILLER))
    assert sorted(ids(archive, "gitserver")) == [1, 2]
    archive.remove_ticket(1)
    assert ids(archive, "gitserver") == [2]
    assert ids(archive) == [2]


def test_only_changed_files_are_reparsed(archive: Archive) -> None:
    write(archive, *(ticket(i, f"t{i}", FILLER) for i in range(1, 6)))
    first = search_archive(archive.path, "t1").index
    assert first.rebuilt and first.files == 5
    old = datetime(2020, 1, 1).timestamp()
    for path in (archive.path / "tickets").rglob("*.md"):
        os.utime(path, (old, old))  # out of the racy window
    with SearchIndex(archive.path) as index:
        index.refresh()
        assert index.refresh().changed == 0
        write(archive, ticket(3, "t3 changed", FILLER), ticket(9, "new", FILLER))
        archive.remove_ticket(5)
        stats = index.refresh()
    assert (stats.added, stats.updated, stats.removed, stats.files, stats.rebuilt) == (1, 1, 1, 5, False)


def test_the_search_after_an_export_takes_in_what_the_export_changed(archive: Archive) -> None:
    write(archive, ticket(1, "gitserver OOM", FILLER), ticket(2, "frontend 502", FILLER))
    archive.commit("export")
    assert ids(archive, "OOM") == [1]
    write(archive, ticket(1, "gitserver evicted", FILLER), ticket(3, "zoekt crash", FILLER))
    archive.remove_ticket(2)
    archive.commit("export")  # the pages it writes are not ticket files
    result = search_archive(archive.path, "evicted")
    stats = result.index
    assert (stats.added, stats.updated, stats.removed, stats.files, stats.rebuilt) == (1, 1, 1, 2, False)
    assert [h.id for h in result.hits] == [1]
    assert ids(archive, "OOM") == [] and ids(archive, "zoekt") == [3] and ids(archive, "frontend") == []


def execute(path: Path, sql: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute(sql)
        db.commit()


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"this is not a database at all" * 100),
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(p.read_bytes()[:4096] + b"\x00" * (len(p.read_bytes()) - 4096)),
        lambda p: p.write_bytes(b""),
        lambda p: execute(p, "DROP TABLE docs"),
        lambda p: execute(p, "UPDATE meta SET value = '0'"),
    ],
    ids=["garbage", "truncated", "zeroed", "empty", "foreign-schema", "old-schema"],
)
def test_a_corrupt_or_stale_index_is_rebuilt_not_crashed_on(archive: Archive, damage) -> None:
    write(archive, ticket(1, "gitserver OOM", FILLER), ticket(2, "frontend 502", FILLER))
    assert ids(archive, "gitserver") == [1]
    damage(archive.path / INDEX_FILE)
    result = search_archive(archive.path, "gitserver")
    assert [h.id for h in result.hits] == [1]
    assert result.index.rebuilt
    assert ids(archive, "frontend") == [2]


def test_reindex_and_a_missing_index_rebuild(archive: Archive) -> None:
    write(archive, ticket(1, "gitserver OOM", FILLER))
    assert search_archive(archive.path, "x").index.reason == "no index yet"
    assert search_archive(archive.path, "x", reindex=True).index.rebuilt
    assert not search_archive(archive.path, "x").index.rebuilt
    (archive.path / INDEX_FILE).unlink()
    assert ids(archive, "gitserver") == [1]
    leftovers = [p.name for p in (archive.path / INDEX_FILE).parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_clone_of_the_archive_is_searchable_and_the_index_stays_out_of_git(archive: Archive, tmp_path: Path) -> None:
    write(archive, ticket(1, "gitserver OOM", FILLER))
    archive.commit("export")
    assert ids(archive, "gitserver") == [1]
    assert git(archive.path, "status", "--porcelain") == ""  # the cache is ignored
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(archive.path), str(clone)], check=True)
    assert [h.id for h in search_archive(clone, "gitserver").hits] == [1]


def test_a_directory_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    from archive.errors import ArchiveError

    with pytest.raises(ArchiveError, match="not a ticket archive"):
        search_archive(tmp_path, "x")
    assert not (tmp_path / ".ticket-archive").exists()


def test_hand_edited_files_are_indexed_defensively(archive: Archive) -> None:
    folder = archive.path / "tickets/2023/05"
    folder.mkdir(parents=True)
    (folder / "7.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n\nzoekt crashed\n")
    (folder / "8.md").write_text("no frontmatter at all, searcher panic\n")
    (folder / "9.md").write_text("---\nid: 9\ntitle: Future keys\nversions: [4.1.2]\nerrors: [ErrNoSpace]\n"
                                 "deployment: helm\nsolved_at: 2023-05-02T10:00:00Z\n---\n# Future keys\n")
    assert ids(archive, "zoekt") == [7]
    assert ids(archive, "searcher panic") == [8]
    assert ids(archive, "ErrNoSpace") == [9] and ids(archive, "helm") == [9]
    assert ids(archive, version="4.1") == [9]


# -- the command ----------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TICKET_ARCHIVE_"))}
    command = [sys.executable, "-m", "exporter.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)


def test_cli_json_shape_and_table(archive: Archive) -> None:
    write(
        archive,
        ticket(1, "gitserver OOM [bold]", "gitserver-0 OOMKilled after upgrade to 4.1.3"),
        ticket(2, "frontend 502", "frontend 502 on 4.2.0"),
        ticket(3, "SAML loop", "SSO redirect loop"),
    )
    result = run_cli("search", "gitserver-0", "oomkilled", "--archive", str(archive.path), "--json", "--version", "4.1")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["id"] for h in hits] == [1]
    assert set(hits[0]) >= {"id", "title", "path", "versions", "solved_at", "score", "snippet"}
    assert hits[0]["path"] == "tickets/2023/04/1.md" and hits[0]["versions"] == ["4.1.3"]
    assert hits[0]["solved_at"] == "2023-04-01T10:00:00Z" and hits[0]["score"] > 0
    assert "**gitserver-0 OOMKilled**" in hits[0]["snippet"]

    table = run_cli("search", "--archive", str(archive.path), "--service", "frontend")
    assert table.returncode == 0 and "frontend 502" in table.stdout and "2023-04-01" in table.stdout
    hostile = run_cli("search", '"(', "NOT", "--archive", str(archive.path), "--json")
    assert hostile.returncode == 0 and json.loads(hostile.stdout) == []
    bad = run_cli("search", "x", "--archive", str(archive.path), "--status", "open")
    assert bad.returncode == 2 and "--status" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_help_has_an_example() -> None:
    result = run_cli("search", "--help")
    assert result.returncode == 0 and "Example: ticket-archive search" in " ".join(result.stdout.split())
