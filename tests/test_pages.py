"""Generated pages (README.md, versions/, services/) and the manifest they are built from, in a real git archive."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from archive.casefile import MANIFEST_FILE
from archive.manifest import Entry, Manifest
from archive.pages import MAX_PAGE_CASES, version_page
from archive.sourcegraph import sourcegraph_repo_name
from archive.store import Archive
from redaction.models import RedactedComment
from tests import sourcegraph_query
from tests.cases import at, case, check_golden, simple

CASES = [
    case(),  # 4.1.3 · kubernetes · gitserver
    simple(101, "gitserver OOMKilled during clones", version="4.1.2", deployment="kubernetes", service="gitserver",
           solved=at(5, 9), resolution="Raised the gitserver memory limit to 12Gi.", error='git gc failed err="signal: killed"'),
    simple(102, "Searches time out", version="v4.1.0", deployment="docker_compose", service="searcher",
           solved=at(6, 2), resolution="Scaled searcher to 6 replicas; raised maxTimeoutSeconds.",
           error='search failed repo=<HOST_1>/x err="context deadline exceeded"'),
    simple(103, "gitserver slow on 4.10", version="4.10.2", deployment="kubernetes", service="gitserver",
           solved=at(7, 3), resolution="Moved gitserver to faster disks."),
    simple(104, "Old gitserver problem", version="3.4.1", deployment="single_container", service="gitserver",
           solved=at(2, 7, year=2022), resolution="Upgraded to 3.5.0."),
    simple(105, "Users logged out", version=None, deployment=None, service="redis",
           solved=at(8, 8), resolution="Split redis-store from redis-cache.", error='session lookup failed err="context deadline exceeded"'),
]  # fmt: skip


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=True).stdout


def export(path: Path, tickets, message: str = "export") -> Archive:
    archive = Archive(path).open()
    for ticket in tickets:
        archive.write_ticket(ticket)
    archive.commit(message)
    return archive


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return export(tmp_path / "archive", CASES)


def page_cases(archive: Archive, relpath: str) -> list[str]:
    """The case files a generated page lists, one line each (`- solved · [title](../tickets/…) · …`), in its order."""
    line = r"^- [^\n]*? · \[(?:\\.|[^\]\\\n])*\]\(\.\./(tickets/[^)]+)\)"
    return re.findall(line, (archive.path / relpath).read_text("utf-8"), re.M)


def matching_files(archive: Archive, query: str) -> list[str]:
    """The case files a query finds, matched as Sourcegraph does (per line, ignoring case); only frontmatter lines match."""
    found = sourcegraph_query.matching_files(archive.path, query)
    for relpath in found:
        text = (archive.path / relpath).read_text("utf-8")
        header_end = text.index("\n---\n", 3)
        for regexp in sourcegraph_query.parse(query).regexps():
            assert all(m.start() < header_end for m in regexp.finditer(text)), (relpath, regexp)  # no body line
    return found


# -- what is generated ---------------------------------------------------------------


def test_pages_are_generated_and_committed_in_the_runs_single_commit(archive: Archive) -> None:
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "1"
    tracked = set(git(archive.path, "ls-files").split())
    assert {"README.md", "versions/4.1.md", "versions/4.10.md", "versions/3.4.md"} <= tracked
    assert {"services/gitserver.md", "services/searcher.md", "services/redis.md"} <= tracked
    assert git(archive.path, "status", "--porcelain") == ""
    assert (archive.path / MANIFEST_FILE).is_file() and MANIFEST_FILE not in tracked  # a cache, never committed
    assert not [p for p in tracked if p.startswith("versions/") and not re.fullmatch(r"versions/\d+\.\d+\.md", p)]


def test_version_page_lists_the_cases_of_that_version_with_their_resolutions(archive: Archive) -> None:
    check_golden("versions_4.1.md", (archive.path / "versions/4.1.md").read_bytes())
    assert page_cases(archive, "versions/4.1.md") == [
        "tickets/2023/06/102.md", "tickets/2023/05/101.md", "tickets/2023/04/4242.md",
    ]  # fmt: skip  (newest first; not 4.10.2, not 3.4.1)
    text = (archive.path / "versions/4.1.md").read_text("utf-8")
    assert "· 4.1.3 · gitserver · kubernetes — gitserver had an 8Gi memory limit" in text
    assert page_cases(archive, "versions/4.10.md") == ["tickets/2023/07/103.md"]
    assert page_cases(archive, "services/gitserver.md") == [
        "tickets/2023/07/103.md", "tickets/2023/05/101.md", "tickets/2023/04/4242.md", "tickets/2022/02/104.md",
    ]  # fmt: skip


def test_every_query_finds_exactly_the_cases_it_claims(archive: Archive) -> None:
    readme = (archive.path / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| (.+?) \| (\d+) \| `(.+)` \|$", readme, re.M)
    labels = [label for label, _, _ in rows]
    assert labels[:3] == ["reported on 4.10", "mentioning 4.10", "naming gitserver"]
    assert labels[3].startswith("with the error “")
    assert {"on kubernetes", "on docker-compose", "on single-container"} <= set(labels)
    assert any(" · " in label for label in labels)  # a combined query: version AND deployment AND service
    for label, claimed, query in rows:
        assert sourcegraph_query.ready_query_problems(query, None) == [], label
        assert len(matching_files(archive, query)) == int(claimed) > 0, label
    # The pages' own queries find exactly the cases the page lists.
    for page in ["versions/4.1.md", "versions/3.4.md", "services/gitserver.md", "services/redis.md"]:
        query = re.search(r"^In Sourcegraph: `(.+)`$", (archive.path / page).read_text("utf-8"), re.M).group(1)
        assert sourcegraph_query.ready_query_problems(query, None) == [], page
        assert sorted(matching_files(archive, query)) == sorted(page_cases(archive, page)), page


def test_version_queries_do_not_confuse_neighbouring_versions(archive: Archive) -> None:
    readme = (archive.path / "README.md").read_text("utf-8")
    (query,) = re.findall(r"^\| mentioning 4\.10 \| \d+ \| `(.+)` \|$", readme, re.M)
    assert matching_files(archive, query) == ["tickets/2023/07/103.md"]
    four_one = query.replace("4\\.10", "4\\.1")
    assert four_one != query
    assert "tickets/2022/02/104.md" not in matching_files(archive, four_one)  # 3.4.1 is not 4.1
    assert "tickets/2023/07/103.md" not in matching_files(archive, four_one)  # 4.10.2 is not 4.1


def test_readme_has_counts_a_search_context_and_a_code_monitor(archive: Archive) -> None:
    readme = (archive.path / "README.md").read_text("utf-8")
    assert "**6 cases**, solved 2022-02-07 to 2023-08-08." in readme
    assert "[4.1](versions/4.1.md) 3" in readme and "[gitserver](services/gitserver.md) 4" in readme
    assert "- query: `repo:^github\\.com/ORG/REPO$ file:^tickets/`" in readme
    assert ("`repo:^github\\.com/ORG/REPO$ type:diff select:commit.diff.added file:^tickets/ patternType:regexp "
            "^id:\\ \\d+$`") in readme  # fmt: skip


def test_readme_queries_name_the_repository_from_origin_without_credentials(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "a").open()
    git(archive.path, "remote", "add", "origin", "https://bot:s3cr3t-t0ken@github.com/acme/support-cases.git")
    archive.write_ticket(case())
    archive.commit("export")
    readme = (archive.path / "README.md").read_text("utf-8")
    assert "`repo:^github\\.com/acme/support-cases$ file:^tickets/ patternType:regexp count:all ^version:\\ " in readme
    assert "s3cr3t" not in readme and "bot" not in readme


@pytest.mark.parametrize(
    "url, name",
    [
        ("https://github.com/acme/cases.git", "github.com/acme/cases"),
        ("https://user:token@GitHub.com/acme/cases/", "github.com/acme/cases"),
        ("git@gitlab.example.com:support/archive.git", "gitlab.example.com/support/archive"),
        ("ssh://git@git.example.com:2222/support/archive.git", "git.example.com/support/archive"),
        ("/srv/git/archive.git", None),
        ("file:///srv/git/archive.git", None),
        ("../remote.git", None),
    ],
)
def test_sourcegraph_repo_name(url: str, name: str | None) -> None:
    assert sourcegraph_repo_name(url) == name


# -- only what changed ----------------------------------------------------------------


def test_a_run_that_changes_nothing_rewrites_no_page_and_makes_no_commit(archive: Archive) -> None:
    pages = [p for pattern in ("*.md", "versions/*.md", "services/*.md") for p in sorted(archive.path.glob(pattern))]
    before = {p: p.stat().st_mtime_ns for p in pages}
    rerun = export(archive.path, CASES, "nothing")
    assert git(rerun.path, "rev-list", "--count", "HEAD").strip() == "1"
    assert {p: p.stat().st_mtime_ns for p in pages} == before


def test_a_nightly_run_reads_only_the_tickets_it_writes(archive: Archive) -> None:
    # Take an unchanged ticket's file away behind git's back: a run that re-read
    # every file would drop it from the pages; the manifest keeps it.
    git(archive.path, "update-index", "--skip-worktree", "tickets/2022/02/104.md")
    (archive.path / "tickets/2022/02/104.md").unlink()
    note = RedactedComment(at(5, 3), "Ann Agent", "agent", False, "Resolution: Gave gitserver 16Gi.")
    changed = replace(CASES[1], comments=(*CASES[1].comments[:1], note))
    export(archive.path, [changed], "nightly")

    assert "Gave gitserver 16Gi." in (archive.path / "versions/4.1.md").read_text("utf-8")
    assert page_cases(archive, "versions/3.4.md") == ["tickets/2022/02/104.md"]
    assert git(archive.path, "rev-list", "--count", "HEAD").strip() == "2"
    assert set(git(archive.path, "show", "--name-only", "--format=", "HEAD").split()) == {
        "tickets/2023/05/101.md", "versions/4.1.md", "services/gitserver.md",
        # the pages of its error signatures list its resolution line too
        "signatures/sig-a1d4180f93.md", "signatures/sig-daf6c5a4a9.md",
    }  # fmt: skip

    # Without the manifest the pages are rebuilt from the files, and the missing one is gone.
    (archive.path / MANIFEST_FILE).unlink()
    export(archive.path, [], "rebuild")
    assert not (archive.path / "versions/3.4.md").exists()
    assert "versions/3.4.md" not in git(archive.path, "ls-files")


@pytest.mark.parametrize("damage", ["garbage", "other format", "other commit"])
def test_a_manifest_that_cannot_be_trusted_is_rebuilt_to_the_same_entries(archive: Archive, damage: str) -> None:
    path = archive.path / MANIFEST_FILE
    good = json.loads(path.read_text("utf-8"))
    if damage == "garbage":
        path.write_bytes(b"\x00{not json")
    else:
        path.write_text(json.dumps({**good, **({"format": 0} if damage == "other format" else {"head": "0" * 40})}))
    rerun = Archive(archive.path).open()
    assert rerun.commit("nothing") is None
    assert json.loads(path.read_text("utf-8")) == good
    assert Manifest.rebuild(archive.path).entries == rerun.manifest().entries


def test_a_ticket_edited_and_committed_by_hand_reaches_the_pages(archive: Archive) -> None:
    ticket = archive.path / "tickets/2023/07/103.md"
    ticket.write_text(ticket.read_text("utf-8").replace("title: gitserver slow on 4.10", "title: slow on NFS"))
    git(archive.path, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "fix a title")
    export(archive.path, [], "pages")
    assert "[slow on NFS](../tickets/2023/07/103.md)" in (archive.path / "versions/4.10.md").read_text("utf-8")


def test_tickets_left_uncommitted_by_a_killed_run_reach_the_pages(archive: Archive) -> None:
    killed = Archive(archive.path).open()
    killed.write_ticket(simple(107, "New in 5.0", version="5.0.1", deployment="kubernetes", service="worker",
                               solved=at(9, 9), resolution="Restarted the worker."))  # fmt: skip
    # ... and the process dies before commit(): no pages, no manifest update.
    rerun = Archive(archive.path).open()
    assert rerun.commit("rerun")
    tracked = git(archive.path, "ls-files").split()
    assert "tickets/2023/09/107.md" in tracked and "versions/5.0.md" in tracked
    assert page_cases(rerun, "versions/5.0.md") == ["tickets/2023/09/107.md"]


def test_removing_the_last_case_of_a_version_removes_its_page(archive: Archive) -> None:
    assert archive.remove_ticket(104)
    archive.commit("remove")
    tracked = git(archive.path, "ls-files").split()
    assert "versions/3.4.md" not in tracked and "tickets/2022/02/104.md" not in tracked
    assert "tickets/2022/02/104.md" not in (archive.path / "services/gitserver.md").read_text("utf-8")
    assert git(archive.path, "status", "--porcelain") == ""


def test_a_page_lists_at_most_a_thousand_cases_and_says_how_many_more() -> None:
    entries = [
        Entry(f"tickets/2023/01/{i}.md", i, f"Case {i}", f"2023-01-{i % 28 + 1:02d}", "4.1.3", ("4.1.3",),
              ("gitserver",), "kubernetes", (), "Fixed.")
        for i in range(MAX_PAGE_CASES + 5)
    ]  # fmt: skip
    text = version_page("4.1", entries).decode()
    assert len(re.findall(r"^- 2023-", text, re.M)) == MAX_PAGE_CASES
    assert text.endswith("_… and 5 older cases: the query above finds them all._\n")
