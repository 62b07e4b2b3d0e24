"""What the archive knows across cases: known-issue links, derived frontmatter keys, backlink pages, the upgrade."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from archive.casefile import STATE_FILE, read_case_file
from archive.derived import Derived, derive_from_note, stamp, with_derived
from archive.references import ISSUE_REF, issue_refs, issue_url, jira_keys
from archive.render import render_ticket
from archive.settings import NoteSettings
from archive.signatures import signature
from archive.store import Archive
from exporter.jobs import run_export
from redaction.models import RedactedComment
from tests.cases import at, case, simple
from tests.conftest import client_for, git
from tests.sourcegraph_query import matching_files, search_problems

ISSUE = "https://github.com/sourcegraph/sourcegraph/issues/46973"


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


def with_note(ticket, text: str):
    """The ticket with one more internal agent note."""
    note = RedactedComment(ticket.comments[-1].created_at, "Ann Agent", "agent", False, text)
    return replace(ticket, comments=(*ticket.comments, note))


def cases() -> list:
    """Three gitserver cases with the same error (one cites the known issue), one searcher case on another error."""
    err = 'git gc failed repo=<HOST_1>/x err="signal: killed"'
    return [
        case(),  # 4242, 4.1.3, cites sourcegraph/sourcegraph#46973
        simple(101, "gitserver OOMKilled during clones", version="4.1.2", deployment="kubernetes", service="gitserver",
               solved=at(5, 9), resolution="Raised the gitserver memory limit to 12Gi.", error=err),
        with_note(
            simple(103, "gitserver restarts while cloning", version="4.2.1", deployment="kubernetes", service="gitserver",
                   solved=at(7, 3), resolution="Lowered gitMaxConcurrentClones.", error=err),
            f"Same as {ISSUE} and SG-77; see also sourcegraph/sourcegraph#47001.",
        ),
        simple(102, "Searches time out", version="v4.1.0", deployment="docker_compose", service="searcher",
               solved=at(6, 2), resolution="Scaled searcher to 6 replicas.",
               error='search failed repo=<HOST_1>/x err="context deadline exceeded"'),
    ]  # fmt: skip


def export(path: Path, tickets, settings: NoteSettings | None = None, message: str = "export") -> Archive:
    """What an export job does with the archive: write the tickets, derive what is due, commit."""
    archive = Archive(path, notes=settings).open()
    for ticket in tickets:
        archive.write_ticket(ticket)
    archive.derive_notes()
    archive.commit(message)
    return archive


def frontmatter_line(archive: Archive, relpath: str, key: str) -> str:
    text = (archive.path / relpath).read_text("utf-8")
    return next(line for line in text.split("\n---\n", 1)[0].splitlines() if line.startswith(f"{key}:"))


# -- known-issue references -----------------------------------------------------------


def test_issue_and_pull_request_links_of_listed_organisations_become_references() -> None:
    text = f"""
    Known bug: {ISSUE}, fixed by https://github.com/Sourcegraph/Zoekt/pull/812 and sourcegraph/sourcegraph#46973.
    GitLab: https://gitlab.com/sourcegraph/infra/tools/-/merge_requests/34 and https://gitlab.com/sourcegraph/infra/-/issues/12
    The customer's own: https://github.com/acme-corp/infra/issues/3, https://github.com/<ORG_1>/deploy/pull/9,
    https://gitlab.com/acme-corp/x/-/issues/5, acme-corp/infra#4. Not an issue: https://github.com/sourcegraph/sourcegraph/blob/main/x.go
    """
    refs = issue_refs([text], ["sourcegraph"])
    assert refs == [
        "gitlab.com/sourcegraph/infra#12", "gitlab.com/sourcegraph/infra/tools!34",
        "sourcegraph/sourcegraph#46973", "sourcegraph/zoekt#812",
    ]  # fmt: skip
    assert issue_refs([text], []) == []  # no organisation listed: nothing counts
    assert issue_url("sourcegraph/zoekt#812") == "https://github.com/sourcegraph/zoekt/issues/812"
    assert issue_url("gitlab.com/sourcegraph/infra/tools!34") == "https://gitlab.com/sourcegraph/infra/tools/-/merge_requests/34"


def test_jira_keys_count_only_for_configured_projects() -> None:
    text = "See SG-77 and https://acme.atlassian.net/browse/CS-1204; not XSG-1, SG-77b, ASG-3 or mySG-4. UTF-8 is no key."
    assert jira_keys([text], ["SG", "cs"]) == ["CS-1204", "SG-77"]
    assert jira_keys([text], []) == []


def test_a_reference_can_never_leave_the_issues_folder() -> None:
    for ref in ("../x#1", "a/../b#2", "a/..#3", "a/.#4", "a#1", "a/b#x", "A/b#1", "a/b c#1"):
        assert not ISSUE_REF.match(ref), ref
    assert ISSUE_REF.match("sourcegraph/.github#12")


# -- the frontmatter --------------------------------------------------------------------


def test_a_note_carries_its_signatures_and_known_issues_on_one_line_each() -> None:
    note = read_case_file("tickets/2023/07/103.md", render_ticket(cases()[2]).decode())
    assert note.header.signatures == (signature("git gc failed: signal: killed"),)
    assert note.header.issues == ("sourcegraph/sourcegraph#46973", "sourcegraph/sourcegraph#47001")
    assert note.header.jira is None and "\njira:" not in render_ticket(cases()[2]).decode()
    jira = NoteSettings(jira_projects=("SG",))
    assert read_case_file("t.md", render_ticket(cases()[2], jira).decode()).header.jira == ("SG-77",)
    assert read_case_file("t.md", render_ticket(cases()[1], jira).decode()).header.jira == ()


def test_the_derived_keys_read_from_a_note_are_the_ones_it_was_rendered_with() -> None:
    settings = NoteSettings(jira_projects=("SG",))
    for ticket in cases():
        text = render_ticket(ticket, settings).decode()
        note = read_case_file("t.md", text)
        derived = derive_from_note(note, settings)
        assert derived == Derived(note.header.signatures, note.header.issues, note.header.jira)
        assert with_derived(text, derived) == text


def test_upgrading_a_note_keeps_everything_else_byte_for_byte() -> None:
    text = render_ticket(case()).decode()
    old = re.sub(r"^(?:signatures|issues): .*\n", "", text, flags=re.M)
    hand_edited = old.replace("comments: 5\n", "comments: 5\nowner: storage-team  # kept\n")
    upgraded = with_derived(hand_edited, derive_from_note(read_case_file("t.md", hand_edited), NoteSettings()))
    assert upgraded == text.replace("comments: 5\n", "comments: 5\nowner: storage-team  # kept\n")
    # Block-style lists a person wrote are replaced, not doubled.
    block = old.replace("errors: [", "signatures:\n- sig-0000000000\nissues:\n  - a/b#1\nerrors: [")
    assert with_derived(block, derive_from_note(read_case_file("t.md", block), NoteSettings())) == text
    assert with_derived("no frontmatter\n", Derived()) == "no frontmatter\n"


def test_hand_edited_values_that_are_not_signatures_or_references_are_ignored() -> None:
    text = render_ticket(case()).decode().replace(
        "issues: [sourcegraph/sourcegraph#46973]", "issues: ['../../etc#1', 'x/y#2']\njira: [SG-1, '../x']"
    )
    text = re.sub(r"^signatures: .*$", "signatures: [sig-../../x, sig-0123456789]", text, flags=re.M)
    header = read_case_file("t.md", text).header
    assert (header.signatures, header.issues, header.jira) == (("sig-0123456789",), ("x/y#2",), ("SG-1",))


# -- the pages ----------------------------------------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return export(tmp_path / "archive", cases(), NoteSettings(jira_projects=("SG",), jira_url="https://acme.atlassian.net"))


def listed(archive: Archive, relpath: str) -> list[str]:
    """The case files a page lists (one line per case), in its order."""
    text = (archive.path / relpath).read_text("utf-8")
    return re.findall(r"^- [^\n]*? · \[(?:\\.|[^\]\\\n])*\]\((?:\.\./)+(tickets/[^)]+)\)", text, re.M)


def test_a_signature_page_lists_its_cases_with_versions_first_and_last_seen_and_resolutions(archive: Archive) -> None:
    sig = signature("git gc failed: signal: killed")
    page = (archive.path / f"signatures/{sig}.md").read_text("utf-8")
    assert listed(archive, f"signatures/{sig}.md") == [
        "tickets/2023/07/103.md", "tickets/2023/05/101.md", "tickets/2023/04/4242.md",
    ]  # fmt: skip  (newest first)
    assert "`git gc failed: signal: killed`" in page
    assert "First seen 2023-04-03, last seen 2023-07-01 · reported on 4.1.2 (1), 4.1.3 (1), 4.2.1 (1)." in page
    assert "· 4.1.2 · gitserver · kubernetes — Raised the gitserver memory limit to 12Gi." in page
    query = re.search(r"^In Sourcegraph: `(.+)`$", page, re.M).group(1)
    assert search_problems(query) == []
    assert sorted(matching_files(archive.path, query)) == sorted(listed(archive, f"signatures/{sig}.md"))
    index = (archive.path / "signatures/README.md").read_text("utf-8")
    assert f"| 3 | [{sig}]({sig}.md) | git gc failed: signal: killed | 2023-07-01 |" in index
    other = signature("search failed: context deadline exceeded")
    assert listed(archive, f"signatures/{other}.md") == ["tickets/2023/06/102.md"]


def test_issue_and_jira_pages_link_back_to_their_cases(archive: Archive) -> None:
    page = (archive.path / "issues/sourcegraph/sourcegraph/46973.md").read_text("utf-8")
    assert listed(archive, "issues/sourcegraph/sourcegraph/46973.md") == ["tickets/2023/07/103.md", "tickets/2023/04/4242.md"]
    assert f"<{ISSUE}>" in page and "reported on 4.1.3 (1), 4.2.1 (1)" in page
    assert "](../../../tickets/2023/07/103.md)" in page  # relative to the page's folder
    assert listed(archive, "issues/sourcegraph/sourcegraph/47001.md") == ["tickets/2023/07/103.md"]
    assert listed(archive, "jira/SG-77.md") == ["tickets/2023/07/103.md"]
    assert "<https://acme.atlassian.net/browse/SG-77>" in (archive.path / "jira/SG-77.md").read_text("utf-8")
    index = (archive.path / "issues/README.md").read_text("utf-8")
    assert "| 2 | [sourcegraph/sourcegraph#46973](sourcegraph/sourcegraph/46973.md) | 4.1, 4.2 | 2023-07-01 |" in index


def test_each_version_page_lists_the_issues_its_cases_cite(archive: Archive) -> None:
    v41 = (archive.path / "versions/4.1.md").read_text("utf-8")
    v42 = (archive.path / "versions/4.2.md").read_text("utf-8")
    assert "- [sourcegraph/sourcegraph#46973](../issues/sourcegraph/sourcegraph/46973.md) — 1 solved case: [#4242](../tickets/2023/04/4242.md)" in v41
    assert "47001" not in v41 and "SG-77" not in v41
    assert "- [SG-77](../jira/SG-77.md) — 1 solved case: [#103](../tickets/2023/07/103.md)" in v42
    assert "- [sourcegraph/sourcegraph#47001](../issues/sourcegraph/sourcegraph/47001.md)" in v42


def test_every_page_line_about_a_case_carries_the_cases_link(archive: Archive) -> None:
    titles = {int(p.stem): read_case_file("t.md", p.read_text()).title for p in archive.path.glob("tickets/*/*/*.md")}
    paths = {int(p.stem): str(p.relative_to(archive.path)) for p in archive.path.glob("tickets/*/*/*.md")}
    pages = [p for p in archive.path.rglob("*.md") if not str(p.relative_to(archive.path)).startswith("tickets/")]
    assert len(pages) > 10
    for page in pages:
        for line in page.read_text("utf-8").splitlines():
            for ticket_id, title in titles.items():
                if title in line or f"#{ticket_id}]" in line:
                    assert paths[ticket_id] in line, (page, line)


def test_a_nightly_run_that_adds_one_case_rewrites_that_file_and_the_pages_that_list_it(archive: Archive) -> None:
    before = {p: p.read_bytes() for p in archive.path.glob("tickets/*/*/*.md")}
    new = simple(104, "gitserver killed during gc", version="4.2.1", deployment="kubernetes", service="gitserver",
                 solved=at(8, 8), resolution="More memory.", error='git gc failed repo=<HOST_2>/y err="signal: killed"')  # fmt: skip
    export(archive.path, [new], archive.notes, "nightly")
    sig = signature("git gc failed: signal: killed")
    assert set(git(archive.path, "show", "--name-only", "--format=", "HEAD").split()) == {
        "tickets/2023/08/104.md",  # the case
        "versions/4.2.md", "services/gitserver.md", f"signatures/{sig}.md",  # the pages that list it
        "README.md", "signatures/README.md",  # counts and last seen
    }  # fmt: skip
    assert all(p.read_bytes() == data for p, data in before.items())  # no churn in old case files


def test_stale_backlink_pages_are_removed(archive: Archive) -> None:
    archive.remove_ticket(103)
    archive.commit("forget")
    tracked = git(archive.path, "ls-files").split()
    assert "issues/sourcegraph/sourcegraph/47001.md" not in tracked and "jira/SG-77.md" not in tracked
    assert not (archive.path / "issues/sourcegraph/sourcegraph/47001.md").exists()
    assert "issues/sourcegraph/sourcegraph/46973.md" in tracked


# -- the upgrade of an existing archive -------------------------------------------------


def downgrade(archive: Archive) -> None:
    """Make the archive look written before derived keys existed: no such lines, no stamp."""
    for path in archive.path.glob("tickets/*/*/*.md"):
        path.write_text(re.sub(r"^(?:signatures|issues|jira): .*\n", "", path.read_text("utf-8"), flags=re.M))
    state = json.loads((archive.path / STATE_FILE).read_text())
    del state["derived"]
    (archive.path / STATE_FILE).write_text(json.dumps(state))
    git(archive.path, "add", "-A")
    git(archive.path, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "old version")


def test_an_existing_archive_gains_the_keys_on_the_first_run_in_one_commit(tmp_path: Path) -> None:
    settings = NoteSettings(jira_projects=("SG",))
    archive = export(tmp_path / "archive", cases(), settings)
    current = {p: p.read_bytes() for p in archive.path.glob("tickets/*/*/*.md")}
    assert json.loads((archive.path / STATE_FILE).read_text())["derived"] == stamp(settings)
    downgrade(archive)
    commits = int(git(archive.path, "rev-list", "--count", "HEAD"))

    export(archive.path, [], settings, "export: 0 written")  # a run with nothing new from Zendesk

    assert int(git(archive.path, "rev-list", "--count", "HEAD")) == commits + 1
    assert all(p.read_bytes() == data for p, data in current.items())  # as if rendered today
    changed = set(git(archive.path, "show", "--name-only", "--format=", "HEAD").split())
    assert {str(p.relative_to(archive.path)) for p in current} | {STATE_FILE} <= changed
    assert git(archive.path, "status", "--porcelain") == ""
    export(archive.path, [], settings, "again")
    assert int(git(archive.path, "rev-list", "--count", "HEAD")) == commits + 1  # once only

    # Another Jira project list derives them again, the same way.
    export(archive.path, [], NoteSettings(jira_projects=("SG", "CS")), "settings changed")
    assert int(git(archive.path, "rev-list", "--count", "HEAD")) == commits + 2
    assert frontmatter_line(archive, "tickets/2023/07/103.md", "jira") == "jira: [SG-77]"


def test_a_fresh_archive_records_the_stamp_with_its_first_notes_and_never_rereads_them(tmp_path: Path) -> None:
    archive = export(tmp_path / "archive", cases()[:1])
    assert json.loads((archive.path / STATE_FILE).read_text())["derived"] == stamp(NoteSettings())
    assert STATE_FILE in git(archive.path, "ls-files")
    assert Archive(archive.path).derive_notes() == 0


def test_a_nightly_export_of_one_new_case_touches_its_file_and_its_pages_only(fake, redactor, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    with client_for(fake) as client:
        run_export(client, redactor, archive)
    before = {str(p.relative_to(archive.path)): p.read_bytes() for p in archive.path.rglob("*.md")}
    body = (
        "gitserver-0 keeps getting killed during clones:\n\n"
        '2024-11-30T02:11:09.482Z gitserver-0 gitserver ERROR git gc failed repo=github.com/x/y err="signal: killed"\n\n'
        f"Looks like {ISSUE}."
    )
    new_id = fake.add_ticket(subject="gitserver killed during git gc", body=body, status="solved")
    with client_for(fake) as client:
        run_export(client, redactor, archive)

    (new_file,) = archive.path.glob(f"tickets/*/*/{new_id}.md")
    note = read_case_file("t.md", new_file.read_text())
    assert note.header.signatures == (signature("git gc failed: signal: killed"),)
    assert note.header.issues == ("sourcegraph/sourcegraph#46973",)
    changed = set(git(archive.path, "show", "--name-only", "--format=", "HEAD").split())
    sig = note.header.signatures[0]
    assert changed - {STATE_FILE, "README.md", "signatures/README.md", "issues/README.md"} == {
        str(new_file.relative_to(archive.path)), "services/gitserver.md", f"signatures/{sig}.md",
        "issues/sourcegraph/sourcegraph/46973.md",
    }  # fmt: skip
    after = {str(p.relative_to(archive.path)): p.read_bytes() for p in archive.path.rglob("*.md")}
    assert {p for p in before if before[p] != after.get(p)} <= changed

    # An archive an older version wrote gains the keys in the next export's one commit, without a change in Zendesk.
    downgrade(archive)
    with client_for(fake) as client:
        summary = run_export(client, redactor, archive)
    assert summary.fetched == 0
    assert {str(p.relative_to(archive.path)): p.read_bytes() for p in archive.path.rglob("*.md")} == after
    assert f"derived anew for {len(list(archive.path.glob('tickets/*/*/*.md')))} notes" in git(
        archive.path, "log", "-1", "--format=%B"
    )
