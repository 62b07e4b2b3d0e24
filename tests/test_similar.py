"""`similar`: past cases like one case, offline, with the reasons; measured on the fake Zendesk's scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.errors import CaseNotFound
from archive.similar import similar_cases
from archive.signatures import signature
from archive.store import Archive
from tests.cases import at, simple
from tests.conftest import git
from tests.test_cli import run_cli
from tests.test_knowledge import cases, export


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    others = [
        simple(200 + n, f"Users cannot sign in with SAML {n}", version="5.1.2", deployment="kubernetes", service="frontend",
               solved=at(9, 1 + n), resolution="Fixed the IdP clock.",
               error="SAML: invalid assertion: assertion is not yet valid (NotBefore)")
        for n in range(6)
    ]  # fmt: skip
    return export(tmp_path / "archive", [*cases(), *others])


def test_the_case_with_the_same_error_and_service_ranks_first_and_says_why(archive: Archive) -> None:
    result = similar_cases(archive.path, 101, limit=3)
    assert result.case == {"id": 101, "title": "gitserver OOMKilled during clones", "path": "tickets/2023/05/101.md"}
    first, second = result.matches[:2]
    assert {first.id, second.id} == {103, 4242}  # both quote `git gc failed: signal: killed` on gitserver
    sig = signature("git gc failed: signal: killed")
    match = next(m for m in result.matches if m.id == 103)
    assert (sig, "git gc failed: signal: killed") in match.signatures
    why = match.why()
    assert why[0] == f"shared signature {sig} `git gc failed: signal: killed`"
    assert "same service gitserver" in why
    assert all(m.id != 101 for m in result.matches)  # never the case itself
    assert all(0 < m.score <= 1 for m in result.matches)
    assert [m.score for m in result.matches] == sorted((m.score for m in result.matches), reverse=True)


def test_a_shared_known_issue_counts_and_is_named(archive: Archive) -> None:
    match = next(m for m in similar_cases(archive.path, 4242).matches if m.id == 103)
    assert "same known issue sourcegraph/sourcegraph#46973" in match.why()
    assert match.parts["issues"] > 0


def test_sharing_an_error_outweighs_sharing_a_version(archive: Archive) -> None:
    ranked = [m.id for m in similar_cases(archive.path, 101, limit=20).matches]
    # 103: the same error and service on another version; 102: only 4.1 (not even a candidate without shared words)
    assert ranked.index(103) < 2 and (102 not in ranked or ranked.index(103) < ranked.index(102))
    saml = similar_cases(archive.path, 200, limit=5).matches  # six cases of one SAML error on frontend
    assert {m.id for m in saml} == {201, 202, 203, 204, 205}


def test_a_ticket_that_is_not_archived_is_a_usage_error(archive: Archive) -> None:
    with pytest.raises(CaseNotFound):
        similar_cases(archive.path, 999)
    result = run_cli("similar", "999", "--archive", str(archive.path))
    assert result.returncode == 2 and "ticket 999 is not in the archive" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_similar_writes_nothing_to_the_archive(archive: Archive) -> None:
    head = archive.repo.head()
    before = {p: p.read_bytes() for p in archive.path.rglob("*.md")}
    result = run_cli("similar", "4242", "--archive", str(archive.path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["case"]["id"] == 4242
    first = data["similar"][0]
    assert set(first) == {"id", "title", "path", "url", "solved_at", "version", "services", "score", "why", "shared", "parts"}
    assert set(first["shared"]) == {"signatures", "issues", "services", "version", "error_terms", "terms"}
    assert archive.repo.head() == head and git(archive.path, "status", "--porcelain") == ""
    assert {p: p.read_bytes() for p in archive.path.rglob("*.md")} == before

    text = run_cli("similar", "4242", "--archive", str(archive.path), "--limit", "2")
    assert text.returncode == 0
    assert text.stdout.startswith("Cases like #4242 gitserver OOMKilled after upgrade to 4.1 (tickets/2023/04/4242.md):")
    assert text.stdout.count("\n   why: ") == 2


def test_on_the_fake_a_sibling_of_the_same_scenario_is_in_the_top_3(fake_archive) -> None:
    """For ≥ 90% of the cases with a sibling (a case of the same scenario: same error, same service)."""
    path, dataset = fake_archive
    archived = {int(p.stem) for p in path.glob("tickets/*/*/*.md")}
    # The account's own corners (sample ticket, voicemail, ...) belong to no scenario.
    scenario = dataset.scenarios.get
    with_sibling = [i for i in sorted(archived) if scenario(i) and any(scenario(j) == scenario(i) for j in archived - {i})]
    assert len(with_sibling) >= 40
    hits = 0
    for ticket_id in with_sibling:
        top = similar_cases(path, ticket_id, limit=3).matches
        hits += any(dataset.scenarios.get(m.id) == dataset.scenarios[ticket_id] for m in top)
    assert hits / len(with_sibling) >= 0.9, f"{hits}/{len(with_sibling)}"
