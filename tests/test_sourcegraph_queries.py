"""Every Sourcegraph query, search context and code monitor the READMEs give holds to Sourcegraph's rules,
and every "Found" number is the number of case files the query finds, matched as Sourcegraph matches.

The rules and the matching are in tests/sourcegraph_query.py: per line,
ignoring case, every pattern of an AND somewhere in the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.settings import NoteSettings
from archive.store import Archive
from exporter.jobs import run_export
from tests.conftest import client_for
from tests.sourcegraph_query import (
    context_query_problems,
    matching_files,
    monitor_problems,
    parse,
    ready_query_problems,
    search_problems,
    tokens,
)
from tests.test_pages import CASES

ROOT = Path(__file__).resolve().parents[1]
REPO = "github.com/acme/support-cases"
_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_ROW = re.compile(r"^\| (.+?) \| (\d+) \| `(.+)` \|$", re.M)


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


def sourcegraph_spans(markdown: str) -> list[str]:
    """Inline code that is a Sourcegraph query: two terms or more, one of the filters these queries rely on."""
    return [
        s for s in _SPAN.findall(markdown)
        if len(tokens(s)) > 1 and re.search(r"(?:^| )(?:patternType|repo|file|context):", s)
    ]  # fmt: skip


def kind_of(query: str) -> str:
    q = parse(query)
    if q.values("type"):
        return "monitor"
    if not q.patterns:
        return "context"
    if q.values("context"):
        return "search"  # within the search context: an example to start from, not a count
    return "ready"


def problems(query: str, repo: str | None) -> list[str]:
    kind = kind_of(query)
    if kind == "monitor":
        return monitor_problems(query)
    if kind == "context":
        return context_query_problems(query)
    if kind == "search":
        return search_problems(query)
    return ready_query_problems(query, repo)


def readme_of(tmp_path: Path, *, repo: str | None) -> Archive:
    archive = Archive(tmp_path / "archive", notes=NoteSettings(sourcegraph_repo=repo)).open()
    for ticket in CASES:
        archive.write_ticket(ticket)
    archive.commit("export")
    return archive


def check_found_counts(archive: Archive) -> int:
    """Each ready query of the archive's README finds as many case files as its row says; how many rows."""
    rows = _ROW.findall((archive.path / "README.md").read_text("utf-8"))
    for label, claimed, query in rows:
        assert len(matching_files(archive.path, query)) == int(claimed), (label, query)
    return len(rows)


@pytest.mark.parametrize("repo", [REPO, None], ids=["named", "unnamed"])
def test_the_archive_readme_gives_only_queries_that_hold_to_the_rules(tmp_path: Path, repo: str | None) -> None:
    archive = readme_of(tmp_path, repo=repo)
    readme = (archive.path / "README.md").read_text("utf-8")
    spans = sourcegraph_spans(readme)
    kinds = [kind_of(s) for s in spans]
    assert kinds.count("monitor") == 1 and kinds.count("context") == 1 and kinds.count("ready") >= 8
    assert kinds.count("search") == 1
    for span in spans:
        assert problems(span, repo) == [], span
    if repo is None:  # the placeholder, and the sentence that says to replace it
        assert "repo:^github\\.com/ORG/REPO$ file:^tickets/" in spans
        assert "Replace `github\\.com/ORG/REPO`" in readme
    # Where the rules need a name, every query names the archive's repository.
    named = [s for s in spans if kind_of(s) in ("monitor", "context") or (kind_of(s) == "ready" and repo)]
    assert all(parse(s).values("repo") for s in named)


def test_found_is_what_sourcegraph_would_count_even_when_the_body_talks_like_frontmatter(tmp_path: Path) -> None:
    archive = readme_of(tmp_path, repo=REPO)
    assert check_found_counts(archive) >= 8
    # Conversation lines that read like frontmatter do not count: the patterns want the frontmatter's form
    # (a whole `key: value` line, or a one-line list). Only a line that is exactly a frontmatter line would.
    ticket = archive.path / "tickets/2022/02/104.md"
    chat = "Version: 4.10.2 (helm)\nDeployment: kubernetes, we moved\nversions: 4.10 and up\nServices: gitserver\n"
    ticket.write_text(ticket.read_text("utf-8") + chat, "utf-8")
    assert check_found_counts(archive) >= 8
    ticket.write_text(ticket.read_text("utf-8") + "version: 4.10.2\n", "utf-8")
    with pytest.raises(AssertionError, match="reported on 4.10"):
        check_found_counts(archive)


def test_the_project_readme_gives_only_queries_that_hold_to_the_rules() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    spans = sourcegraph_spans(readme)
    kinds = {kind_of(s) for s in spans}
    assert kinds == {"ready", "context", "monitor", "search"}, spans
    for span in spans:
        assert problems(span, None) == [], span
    assert not re.search(r"`[^`]*\s/\^[^`]*/`", readme), "a /…/ query is left in the README"


def test_the_rules_catch_what_goes_wrong_on_some_sourcegraph() -> None:
    # The forms the issue found broken: each breaks at least one rule.
    assert "no repo: (some versions require one)" in monitor_problems(
        "type:diff select:commit.diff.added file:^tickets/ /^id: \\d+$/")
    assert any("/…/" in p for p in ready_query_problems("file:^tickets/ /^versions:.*4\\.1/", None))
    assert any("count:all" in p for p in ready_query_problems("file:^tickets/ patternType:regexp ^id:\\ 1$", None))
    assert any("select:file" in p for p in ready_query_problems(
        "file:^tickets/ patternType:regexp count:all ^a$ AND ^b$", None))
    assert any("quote" in p for p in ready_query_problems(
        "file:^tickets/ patternType:regexp count:all ^version:\\ '?4\\.1", None))
    assert context_query_problems("repo:^a$ file:^tickets/ gitserver") == ["'gitserver': a search context's query holds no pattern"]
    assert context_query_problems("repo:^a$ count:all") == ["count: is not allowed in a search context's query"]


def test_found_counts_hold_on_an_exported_archive(fake, redactor, tmp_path: Path) -> None:
    """The fake Zendesk's tickets, with their real conversations (pasted logs, config), through the real redactor."""
    archive = Archive(tmp_path / "archive", notes=NoteSettings(sourcegraph_repo=REPO))
    with client_for(fake) as client:
        run_export(client, redactor, archive)
    assert check_found_counts(archive) >= 5
    for page in sorted(archive.path.glob("versions/*.md")) + sorted(archive.path.glob("services/*.md")):
        text = page.read_text("utf-8")
        query = re.search(r"^In Sourcegraph: `(.+)`$", text, re.M).group(1)
        # A case may be linked twice: in the list and beside a known issue it cites.
        listed = set(re.findall(r"\]\(\.\./(tickets/[^)]+)\)", text))
        assert ready_query_problems(query, REPO) == [], page.name
        assert sorted(matching_files(archive.path, query)) == sorted(listed), page.name
