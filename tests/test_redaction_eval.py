"""The measured half of issue 3: an honest evaluation set, a scorer that counts right, and the thresholds.

The generator and scorer tests are fast and need no model: the scorer runs
against small fake redactors of our own (pass-through, planted-only, refusing).
The threshold tests run the real Redactor once (session fixture in conftest)
over the default set; they fail while the engine misses something, on purpose.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

from exporter.models import Ticket
from redaction import RedactedComment, RedactedTicket, RedactionError
from tests.evalset import (
    FACT_KINDS,
    LEAK_LIMITS,
    LOCATIONS,
    MIN_FACTS_KEPT,
    SENSITIVE_KINDS,
    EvalSet,
    Report,
    build_eval_set,
    format_report,
    name_parts,
    score,
    ticket_texts,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return build_eval_set()


# --- the generator ----------------------------------------------------------------------------


def test_same_seed_same_set_and_another_seed_another() -> None:
    assert build_eval_set(seed=5, tickets=12) == build_eval_set(seed=5, tickets=12)
    assert build_eval_set(seed=5, tickets=12) != build_eval_set(seed=6, tickets=12)


def test_default_set_plants_enough_values_of_enough_kinds(evalset: EvalSet) -> None:
    counts = evalset.sensitive_counts()
    assert evalset.planted_total >= 1_000
    assert len([k for k, n in counts.items() if n > 0]) >= 10
    # Every kind often enough that a zero-leak threshold means something.
    assert min(counts.values()) >= 25, counts
    assert min(evalset.fact_counts().values()) >= 20, evalset.fact_counts()
    assert sum(evalset.fact_counts().values()) >= 1_000


def test_every_planted_value_occurs_where_the_ground_truth_says(evalset: EvalSet) -> None:
    for item in evalset.items:
        texts = ticket_texts(item.ticket)
        for planted in item.sensitive:
            assert planted.kind in SENSITIVE_KINDS
            assert planted.where, planted
            for location in planted.where:
                assert any(loc == location and planted.value.lower() in text.lower() for loc, text in texts), planted
        for fact in item.facts:
            assert fact.kind in FACT_KINDS
            assert fact.where, fact
            for location in fact.where:
                assert any(loc == location and fact.value in text for loc, text in texts), fact


def test_values_are_planted_in_every_part_of_a_ticket(evalset: EvalSet) -> None:
    where = {loc for item in evalset.items for p in item.sensitive for loc in p.where}
    assert where == set(LOCATIONS)
    # Deny-listed forms in tags and custom fields, and the kinds NER alone must catch in prose.
    assert "org_tag" in {p.kind for item in evalset.items for p in item.sensitive if "tag" in p.where}
    in_fields = {p.kind for item in evalset.items for p in item.sensitive if "custom_field" in p.where}
    assert {"host", "phone", "ip", "org_tag"} <= in_fields


def test_description_is_the_first_comment_as_in_zendesk(evalset: EvalSet) -> None:
    for item in evalset.items:
        assert item.ticket.description == item.ticket.comments[0].body
        assert item.ticket.status in ("solved", "closed")


def test_people_mentioned_in_passing_are_unknown_to_zendesk(evalset: EvalSet) -> None:
    unknown = [
        p.value
        for item in evalset.items
        for p in item.sensitive
        if p.kind == "person" and p.value not in {u.name for u in item.ticket.users.values()}
    ]
    assert len(unknown) >= 100


def test_agents_take_part_but_are_never_planted(evalset: EvalSet) -> None:
    for item in evalset.items:
        agents = item.ticket.agents
        assert agents and any(item.ticket.author(c) in agents for c in item.ticket.comments)
        agent_parts = {part.lower() for a in agents for part in a.name.split()}
        for p in item.sensitive:
            if p.kind == "person":
                assert not agent_parts & {part.lower() for part in name_parts(p.value)}, p


def test_known_customers_and_organization_are_side_loaded(evalset: EvalSet) -> None:
    for item in evalset.items:
        ticket = item.ticket
        assert ticket.organization is not None and ticket.organization.domain_names
        assert ticket.requester_id in ticket.users and not ticket.users[ticket.requester_id].is_agent
        assert any(p.kind == "org_name" and p.value == ticket.organization.name for p in item.sensitive)


def test_ground_truth_is_complete(evalset: EvalSet) -> None:
    """With every planted value removed, no customer data is left that the scorer would not see."""
    ipv4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])")
    token = re.compile(r"sgp_|gh[pos]_|github_pat_|AKIA|xoxb-|eyJ|hooks\.slack\.com/services/\w+/\w+/\w")
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
    for item in evalset.items:
        ticket = item.ticket
        org = ticket.organization
        assert org is not None
        forbidden = [org.name, org.name.split()[0], *org.domain_names]
        forbidden += [part for c in ticket.customers for part in name_parts(c.name)]
        forbidden += [c.email for c in ticket.customers if c.email]
        for loc, text in ticket_texts(ticket):
            left = _remove_planted(text, item)
            for value in forbidden:
                assert not re.search(rf"(?<![^\W_]){re.escape(value)}(?![^\W_])", left, re.I), (ticket.id, loc, value)
            assert not ipv4.search(left), (ticket.id, loc, ipv4.search(left))
            assert not token.search(left), (ticket.id, loc)
            assert not email.search(left), (ticket.id, loc, email.search(left))


# --- the scorer, against fakes of our own ---------------------------------------------------------


def _remove_planted(text: str, item, keep_first_names: bool = False) -> str:
    values = {p.value for p in item.sensitive}
    if not keep_first_names:
        values |= {part for p in item.sensitive if p.kind == "person" for part in name_parts(p.value)}
    for value in sorted(values, key=len, reverse=True):
        text = re.sub(re.escape(value), "<X>", text, flags=re.IGNORECASE)
    return text


def _redacted(ticket: Ticket, redact: Callable[[str], str], customer_author: Callable[[str], str]) -> RedactedTicket:
    comments = []
    for comment in ticket.comments:
        user = ticket.author(comment)
        assert user is not None
        comments.append(
            RedactedComment(
                created_at=comment.created_at,
                author=user.name if user.is_agent else customer_author(user.name),
                author_role="agent" if user.is_agent else "customer",
                public=comment.public,
                body=redact(comment.body),
                attachments=tuple(redact(a.file_name) for a in comment.attachments),
            )
        )
    return RedactedTicket(
        id=ticket.id,
        title=redact(ticket.subject),
        status=ticket.status,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        solved_at=ticket.solved_at,
        url=ticket.url,
        tags=tuple(sorted({redact(t) for t in ticket.tags})),
        custom_fields=tuple((f.title or f"field_{f.id}", redact(f.value)) for f in ticket.custom_fields),
        comments=tuple(comments),
    )


class PassThrough:
    """Redacts nothing."""

    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        return _redacted(ticket, lambda text: text, lambda name: name)


class PlantedOnly:
    """Redacts exactly the planted values (optionally sparing first names), nothing else."""

    def __init__(self, evalset: EvalSet, keep_first_names: bool = False, shred: str | None = None):
        self.items = {item.ticket.id: item for item in evalset.items}
        self.keep_first_names = keep_first_names
        self.shred = shred

    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        item = self.items[ticket.id]

        def redact(text: str) -> str:
            text = _remove_planted(text, item, self.keep_first_names)
            return text.replace(self.shred, "<HOST_9>") if self.shred else text

        return _redacted(ticket, redact, lambda name: "<PERSON_1>")


class Refusing:
    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        raise RedactionError(f"ticket {ticket.id}: redaction failed (SECRET left after replacement)")


@pytest.fixture(scope="module")
def small() -> EvalSet:
    return build_eval_set(seed=3, tickets=25)


def test_nothing_redacted_everything_leaks_and_every_fact_is_kept(small: EvalSet) -> None:
    report = score(PassThrough(), small)
    assert dict(report.planted) == small.sensitive_counts()
    for kind in SENSITIVE_KINDS:
        assert report.leaked(kind) == report.planted[kind] > 0, kind
    assert report.full_name_leaks == report.planted["person"]
    assert report.kept_total == report.facts_total and not report.destroyed
    assert len(report.failures()) == len(SENSITIVE_KINDS)


def test_exactly_the_planted_values_redacted_is_a_clean_pass(small: EvalSet) -> None:
    report = score(PlantedOnly(small), small)
    assert report.leaks == ()
    # No fact overlaps a planted value: a perfect redactor can keep them all.
    assert report.kept_total == report.facts_total and report.destroyed == ()
    assert report.failures() == []


def test_a_first_name_left_behind_is_a_part_leak(small: EvalSet) -> None:
    report = score(PlantedOnly(small, keep_first_names=True), small)
    person_leaks = [leak for leak in report.leaks if leak.kind == "person"]
    assert person_leaks and report.full_name_leaks == 0
    for leak in person_leaks:
        assert leak.part is not None and leak.value.startswith(leak.part)
        assert leak.part.lower() in leak.context.lower()
    assert {leak.kind for leak in report.leaks} == {"person"}


def test_a_shredded_fact_is_destroyed_with_its_redacted_context(small: EvalSet) -> None:
    report = score(PlantedOnly(small, shred="gitserver-0"), small)
    assert report.leaks == ()
    destroyed = [d for d in report.destroyed if d.value == "gitserver-0"]
    assert destroyed and {d.kind for d in report.destroyed} <= {"service", "command"}
    assert all("<HOST_9>" in d.context for d in destroyed), destroyed[:3]
    assert report.kept["service"] < report.facts["service"]


def test_a_withheld_ticket_leaks_nothing_and_keeps_nothing(small: EvalSet) -> None:
    report = score(Refusing(), small)
    assert len(report.withheld) == len(small.items)
    assert "SECRET left" in report.withheld[0].reason
    assert report.leaks == () and report.kept_total == 0
    assert dict(report.withheld_values) == small.sensitive_counts()
    assert report.failures() == [f"facts: 0 of {report.facts_total} kept (0.0%, need 98%)"]


def test_the_table_names_every_kind_threshold_and_example(small: EvalSet) -> None:
    text = format_report(score(PlantedOnly(small, keep_first_names=True, shred="gitserver-0"), small), examples=5)
    for kind in (*SENSITIVE_KINDS, *FACT_KINDS):
        assert re.search(rf"^{kind} +\d+ +\d+ ", text, re.M), kind
    assert "name part only" in text and "Leaks (" in text and "Destroyed facts (" in text
    assert "'gitserver-0' -> " in text
    assert "Thresholds: 2 fail" in text


# --- the real engine against the thresholds of issue 3 ------------------------------------------------


@pytest.fixture(scope="module")
def report(redactor, evalset: EvalSet) -> Report:
    return score(redactor, evalset)


def _examples(report: Report, kind: str) -> str:
    leaks = [leak for leak in report.leaks if leak.kind == kind][:10]
    return "; ".join(
        f"ticket {l.ticket_id}: {l.value!r}" + (f" (part {l.part!r})" if l.part else "") + f" in {l.context!r}" for l in leaks
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", [k for k in SENSITIVE_KINDS if LEAK_LIMITS[k] == 0])
def test_no_planted_value_of_this_kind_leaks(report: Report, kind: str) -> None:
    leaked = report.leaked(kind)
    assert leaked == 0, f"{leaked} of {report.planted[kind]} leaked: {_examples(report, kind)}"


@pytest.mark.slow
def test_at_most_one_percent_of_person_names_leak(report: Report) -> None:
    leaked, allowed = report.leaked("person"), LEAK_LIMITS["person"] * report.planted["person"]
    assert leaked <= allowed, (
        f"{leaked} of {report.planted['person']} person names leaked ({report.full_name_leaks} in full, "
        f"{report.part_leaks} by a part): {_examples(report, 'person')}"
    )


@pytest.mark.slow
def test_technical_facts_are_kept(report: Report) -> None:
    examples = "; ".join(f"ticket {d.ticket_id} {d.kind} {d.value!r} -> {d.context!r}" for d in report.destroyed[:10])
    kept_rate = report.kept_rate
    assert kept_rate >= MIN_FACTS_KEPT, (
        f"{report.kept_total} of {report.facts_total} kept, {len(report.withheld)} tickets withheld: {examples}"
    )


def test_eval_script_wraps_the_module() -> None:
    script = ROOT / "scripts" / "eval_redaction"
    assert script.stat().st_mode & 0o111
    text = script.read_text()
    assert 'source "$here/bootstrap.sh"' in text and "-m tests.evalset" in text


def test_the_evaluation_set_is_not_installed_with_the_package() -> None:
    import tomllib

    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    assert not [p for p in packages if p == "tests" or p.startswith("tests.") or "evalset" in p]
    assert not (ROOT / "redaction" / "evalset").exists()
