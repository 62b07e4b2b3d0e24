"""The evaluation on text nobody here wrote (issue 11): its sources, its ground truth, and a harness that sees leaks.

Fast: no model is loaded. The harness runs against small fakes of our own (a
redactor that removes nothing, one that removes every word); the real
Redactor runs through `python -m tests.evalset --quick` in one slow test.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from redaction.records import Ticket
from redaction.models import RedactedComment, RedactedTicket
from tests.evalset.contexts import PERSON_CONTEXTS
from tests.evalset.corpora import (
    DEFAULT_SIZES,
    ENGLISH_WORD_LINE,
    NON_ENGLISH_LINE,
    QUICK_SIZES,
    Corpora,
    batches,
    build,
    held_out_snippets,
    make_ticket,
    name_snippets,
    planted_words,
    structured_snippets,
)
from tests.evalset.facts import FACTS
from tests.evalset.harness import Prose, Run, format_report, measure
from tests.evalset.names import (
    HELD_OUT_LOCALES,
    MIMESIS_LOCALES,
    faker_words,
    fold,
    held_out_people,
    invented_people,
    mimesis_words,
    redaction_list_words,
)
from tests.evalset.prose import NPM_DOCS_FALLBACK, installed_documents, npm_docs_dir, npm_documents, taken_in_context, without_credits
from tests.evalset.snippets import FRAME_MARK, score_snippet
from tests.evalset.structured import KINDS, card, iban, in_aadhaar, luhn_digit, pl_pesel

ROOT = Path(__file__).resolve().parent.parent
SEED = 11


class Untouched:
    """Redacts nothing."""

    def redact_text(self, text: str) -> str:
        return text

    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        return _redacted(ticket, self.redact_text)


class Blackout:
    """Replaces every word with a person placeholder."""

    def redact_text(self, text: str) -> str:
        return re.sub(r"[^\W_]+", "<PERSON_1>", text)

    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        return _redacted(ticket, self.redact_text)


def _redacted(ticket: Ticket, redact) -> RedactedTicket:
    comments = tuple(
        RedactedComment(created_at=c.created_at, author="<PERSON_1>", author_role="customer", public=c.public, body=redact(c.body))
        for c in ticket.comments
    )
    return RedactedTicket(
        id=ticket.id, title=redact(ticket.subject), status=ticket.status, created_at=ticket.created_at,
        updated_at=ticket.updated_at, solved_at=ticket.solved_at, url=ticket.url, comments=comments,
    )


@pytest.fixture(scope="module")
def quick() -> Corpora:
    return build(SEED, QUICK_SIZES, final=True)


# --- the sources ----------------------------------------------------------------------------------


def test_invented_and_held_out_names_are_on_no_list_at_all() -> None:
    people = [*itertools.islice(invented_people(SEED), 400), *itertools.islice(held_out_people(SEED), 400)]
    for person in people:
        for part in person.parts:
            word = fold(part)
            assert word not in redaction_list_words(), part
            assert word not in faker_words() and word not in mimesis_words(), part
    assert len({p.full for p in people}) >= 790  # varied, not a handful repeated


def test_the_held_out_source_shares_no_locale_with_the_tuning_sources() -> None:
    assert not set(HELD_OUT_LOCALES) & set(MIMESIS_LOCALES)
    tuning = {fold(p) for p in itertools.chain.from_iterable(x.parts for x in itertools.islice(invented_people(SEED), 2000))}
    held_out = {fold(p) for p in itertools.chain.from_iterable(x.parts for x in itertools.islice(held_out_people(SEED), 2000))}
    assert len(tuning & held_out) < 0.05 * len(held_out)


def test_default_sizes_plant_at_least_300_names_a_group_and_50_values_a_kind() -> None:
    names = name_snippets(SEED, DEFAULT_SIZES)
    for source in ("mimesis", "invented"):
        people = [s for sn in names if sn.source == source for s in sn.secrets if s.line != "email"]
        assert len(people) >= 300, source
    for line in (*PERSON_CONTEXTS, NON_ENGLISH_LINE, ENGLISH_WORD_LINE):
        assert sum(s.line == line for sn in names for s in sn.secrets) >= 50, line
    held_out = held_out_snippets(SEED, DEFAULT_SIZES)
    assert sum(1 for sn in held_out for s in sn.secrets if s.line != "email") >= 300
    structured = structured_snippets(SEED, DEFAULT_SIZES)
    for kind in KINDS:
        assert sum(s.line == kind for sn in structured for s in sn.secrets) >= 50, kind


def test_same_seed_same_corpora(quick: Corpora) -> None:
    again = build(SEED, QUICK_SIZES, final=True)
    assert again == quick
    assert build(SEED + 1, QUICK_SIZES, final=True).names != quick.names


def test_every_vendored_template_can_be_filled() -> None:
    import hashlib
    from random import Random

    from tests.evalset.sentences import TEMPLATES, Filler, fill, templates

    digest = hashlib.sha256(TEMPLATES.read_bytes()).hexdigest()
    assert digest in (TEMPLATES.parent / "NOTICE.md").read_text()  # unchanged since it was vendored
    people, values, rng = invented_people(SEED), Filler(SEED), Random(1)
    for template in templates():
        snippet = fill(template, people, values, rng)
        assert "{{" not in snippet.text and len(snippet.text) >= len(template) // 3


def test_checksummed_values_are_valid() -> None:
    from random import Random

    rng = Random(3)
    for _ in range(200):
        value = re.sub(r"\D", "", card(rng))
        assert luhn_digit(value[:-1]) == value[-1]
        compact = iban(rng).replace(" ", "")
        assert int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 == 1
        pesel = pl_pesel(rng)
        assert sum(int(d) * w for d, w in zip(pesel, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3, 1))) % 10 == 0
        assert len(in_aadhaar(rng).replace(" ", "")) == 12


# --- the ground truth ---------------------------------------------------------------------------------


def test_every_secret_is_in_its_snippet_and_not_in_its_frame(quick: Corpora) -> None:
    snippets = [*quick.names, *quick.held_out, *quick.organisations, *quick.structured, *quick.sentences]
    snippets += name_snippets(SEED + 1, QUICK_SIZES) + structured_snippets(SEED + 1, QUICK_SIZES)
    for snippet in snippets:
        assert snippet.secrets or snippet.line == "sentence", snippet
        assert snippet.frame.count(FRAME_MARK) >= 1 or snippet.line == "sentence", snippet
        for secret in snippet.secrets:
            assert any(len(re.findall(p, snippet.text)) > len(re.findall(p, snippet.frame)) for p in secret.probes), (snippet, secret)
    for snippet in quick.facts:
        assert all(f in snippet.text for f in snippet.facts) and snippet.frame == snippet.text


def test_a_ticket_knows_its_people_but_not_the_third_parties(quick: Corpora) -> None:
    from random import Random

    for batch in batches(quick.names, per_ticket=6):
        snippets = [quick.names[i] for i in batch]
        words = [planted_words(s) for s in snippets]
        assert all(not (a & b) for a, b in itertools.combinations(words, 2))  # no shared name part in a ticket
        ticket = make_ticket(7, snippets, Random(1))
        known = {fold(w) for u in ticket.users.values() for w in re.findall(r"[^\W\d_]+", u.name)}
        known |= {fold(w) for w in ticket.organization.name.split()}
        assert not known & set().union(*words)
        assert [c.body for c in ticket.comments] == [s.text for s in snippets]


def test_credit_lines_are_left_out_of_the_package_prose() -> None:
    text = "Fast parsing.\n\nCopyright 2020 Jane Roe\nWritten by John Doe.\n\nAuthors\n=======\n\nAlice Example\n\nUsage\n-----\nCall it."
    kept = without_credits(text)
    assert "Jane" not in kept and "John" not in kept and "Alice" not in kept
    assert "Fast parsing." in kept and "Call it." in kept
    documents = installed_documents(2000)
    assert documents and sum(d.words for d in documents) <= 2000
    assert "ticket-archive" not in {d.source for d in documents}


def test_attributions_and_reference_lists_are_credits_too() -> None:
    text = "\n".join(
        [
            "- fix line wrapping (reported by [Orla Venn](https://example.org/u/ov))",  # 0
            "- Based on comments by Tavi Morrow via email.",  # 1
            "Parts are inspired by",  # 2
            "[Ivo Rask](https://example.org/ivo).",  # 3
            "* [Quill](https://example.org/q), created by Ennis",  # 4
            "  Fairbrook, is a new library.",  # 5
            "| Sources | [Corpus 5](https://example.org/c5) (Orla Venn, Tavi Morrow, Ivo Rask, Ennis Fairbrook) |",  # 6
            "Venn, O., Morrow, T. and Rask, I. 2013. A corpus of things.",  # 7
            "Orla Venn, Tavi Morrow and Ivo Rask (2019). Another title.",  # 8
            "We enabled Batch Changes, Code Insights and Code Monitoring last week.",  # 9
            "Some parts are inspired by",  # 10
            "GraphQL-core 2 and taken over with slight changes.",  # 11
            "Use Batch Changes, Code Insights and Code Monitoring (2024 release).",  # 12
        ]
    )
    kept = without_credits(text).split("\n")
    assert not any(kept[i] for i in (0, 1, 3, 4, 5, 6, 7, 8))
    assert all(kept[i] for i in (2, 9, 10, 11, 12))  # "inspired by" names no one on its own line


def test_the_report_lists_every_word_taken_in_prose_with_its_context(quick: Corpora) -> None:
    text = "Ask Odvarka Plesch about `len` and Quibblet before the upgrade."
    found = taken_in_context(text, "Ask <PERSON_1> about `len` and <PERSON_2> before the upgrade.")
    assert found == [
        ("Odvarka Plesch", "Ask [Odvarka Plesch] about ` len ` and Quibblet"),
        ("Quibblet", "Plesch about ` len ` and [Quibblet] before the upgrade ."),
    ]
    packages = Prose(words=1000, taken=3, found=[("pkg", w, c) for w, c in found] + [("pkg", "Margaret Quibblet", "…")])
    packages.examples.update(w for _, w, _ in packages.found)
    run = Run(prose={"packages": packages, "npm": Prose(words=2000, taken=1, found=[("commands/npm-x.md", "Quux", "…")])})
    text, failures = format_report(quick, run, seed=SEED, examples=1)
    assert re.search(r"^  installed packages' descriptions +3\.0 \(3 in 1,000 words\) +≤1 ✗", text, re.M), text
    assert "of which 1 look like people's names" in text  # Margaret: a given name; Odvarka, Quibblet: none
    assert "    pkg: 'Odvarka Plesch' … Ask [Odvarka Plesch] about ` len ` and Quibblet …" in text
    if any(c.key == "npm" and c.documents is not None for c in quick.prose):  # its own row, never added to the first
        assert re.search(r"^  npm's documentation \(ships with node\) +0\.5 \(1 in 2,000 words\) +≤1 ✓", text, re.M), text
        assert "    commands/npm-x.md: 'Quux' … … …" in text


def test_npm_docs_are_a_second_prose_corpus_found_beside_npm(quick: Corpora) -> None:
    docs = npm_docs_dir()
    if docs is None:
        pytest.skip("npm's documentation is not installed here")
    documents = npm_documents(3000, docs)
    assert documents and 2800 <= sum(d.words for d in documents) <= 3000
    assert all(p.split() for d in documents for p in d.pieces)
    sources = [d.source for d in documents]
    assert sources == sorted(sources) and all(s.endswith(".md") for s in sources)
    assert not any(d.pieces[0].startswith("---") for d in documents)  # no front matter
    (npm,) = [c for c in quick.prose if c.key == "npm"]
    assert npm.documents and sum(d.words for d in npm.documents) <= QUICK_SIZES.prose_words
    text, _ = format_report(quick, measure(Untouched(), quick, per_ticket=4), seed=SEED, examples=1)
    assert re.search(r"^  npm's documentation \(ships with node\) +0\.0 \(0 in [\d,]+ words\) +≤1 ✓", text, re.M), text
    assert re.search(r"^  installed packages' descriptions +0\.0 \(0 in [\d,]+ words\)", text, re.M)


def test_npm_docs_are_found_from_the_npm_on_path_or_else_reported_missing(tmp_path: Path, quick: Corpora) -> None:
    package = tmp_path / "lib" / "node_modules" / "npm"
    (package / "bin").mkdir(parents=True)
    (package / "docs" / "content" / "commands").mkdir(parents=True)
    (package / "package.json").write_text('{"name": "npm"}')
    (package / "bin" / "npm-cli.js").write_text("")
    (package / "docs" / "content" / "commands" / "npm-x.md").write_text("---\ntitle: npm-x\ndescription: Does x\n---\n\nRuns x.\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "npm").symlink_to(package / "bin" / "npm-cli.js")
    assert npm_docs_dir(str(tmp_path / "bin" / "npm")) == package / "docs" / "content"
    (found,) = npm_documents(100, package / "docs" / "content")
    assert found.source == "commands/npm-x.md" and found.pieces == ("Does x\n\nRuns x.",)
    if not NPM_DOCS_FALLBACK.is_dir():
        assert npm_docs_dir(str(tmp_path / "nowhere" / "npm")) is None
    missing = dataclasses.replace(quick, prose=tuple(dataclasses.replace(c, documents=None) if c.key == "npm" else c for c in quick.prose))
    run = measure(Untouched(), missing, per_ticket=4)
    assert "npm" not in run.prose
    text, failures = format_report(missing, run, seed=SEED)
    assert re.search(r"^  npm's documentation \(ships with node\) +not available on this machine$", text, re.M), text
    assert failures == format_report(quick, measure(Untouched(), quick, per_ticket=4), seed=SEED)[1]  # no failure of its own


# --- the harness sees leaks ----------------------------------------------------------------------------


def test_a_redactor_that_removes_nothing_leaks_everything_and_keeps_every_fact(quick: Corpora) -> None:
    run = measure(Untouched(), quick, per_ticket=QUICK_SIZES.per_ticket)
    for corpus, outcomes in run.outcomes.items():
        for snippet, outcome in outcomes:
            assert {s for s, _ in outcome.leaked} == set(snippet.secrets), (corpus, snippet)
            assert not outcome.lost
    assert run.prose["packages"].words > 0 and all(p.taken == 0 for p in run.prose.values())
    text, failures = format_report(quick, run, seed=SEED, examples=1)
    assert re.search(r"^  greeting +(\d+)/\1 +100\.0% +≤5% ✗", text, re.M), text
    assert re.search(r"^  IBAN +(\d+)/\1 +100\.0% +0 ✗", text, re.M)
    assert re.search(r"^  HTTP status phrase +(\d+)/\1 +100\.0% +≥98% ✓", text, re.M)
    assert re.search(r"^  installed packages' descriptions +0\.0 ", text, re.M)
    assert "HELD-OUT names" in text and failures > 30


def test_a_redactor_that_removes_every_word_leaks_nothing_and_keeps_nothing(quick: Corpora) -> None:
    run = measure(Blackout(), quick, per_ticket=QUICK_SIZES.per_ticket)
    for corpus, outcomes in run.outcomes.items():
        for snippet, outcome in outcomes:
            assert not outcome.leaked, (corpus, snippet)
            assert len(outcome.lost) == len(snippet.facts)
    text, _ = format_report(quick, run, seed=SEED)
    assert re.search(r"^  greeting +0/\d+ +0\.0% +≤5% ✓", text, re.M)
    assert re.search(r"^  all facts but public endpoints +0/\d+ +0\.0% +≥98% ✗", text, re.M)
    assert re.search(r"^  installed packages' descriptions +\d{3,}\.\d .*✗", text, re.M)


def test_held_out_values_are_never_shown(quick: Corpora) -> None:
    text, _ = format_report(quick, measure(Untouched(), quick, per_ticket=4), seed=SEED, examples=50)
    for snippet in quick.held_out:
        for secret in snippet.secrets:
            assert secret.value not in text, secret
    assert "held-out (all but first-alone/lower-case)" in text


def test_score_counts_only_occurrences_beyond_the_frame() -> None:
    from tests.evalset.contexts import person_snippet
    from tests.evalset.names import Person
    from random import Random

    snippet = person_snippet("third-party sentence", "Please loop in {full}, who owns the cluster now.", Person("Will", "Hunter", "x"), Random(1), "x.com", case_sensitive=True)
    assert not score_snippet(snippet, "Please loop in <PERSON_1>, who owns the cluster now.").leaked
    assert score_snippet(snippet, "Please loop in <PERSON_1> Hunter, who owns the cluster now.").leaked
    assert score_snippet(snippet, None).withheld
    template = person_snippet("greeting", "Hi {first},\n\n{filler}", Person("Will", "Hunter", "x"), Random(1), "x.com", case_sensitive=True)
    assert score_snippet(template, template.text.replace("Will", "<PERSON_1>")).leaked == ()


@pytest.mark.slow
def test_eval_command_runs_the_real_redactor_on_tiny_corpora() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.evalset", "--quick", "--no-presidio", "--tickets", "2", "--examples", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    out = result.stdout
    assert out.startswith("Redaction on text nobody here wrote (issue 11): seed 11")
    for line in ("greeting", "name in an identifier", "IBAN", "S3 bucket", "PERSON", "HTTP status phrase", "installed packages' descriptions"):
        assert re.search(rf"^  {re.escape(line)} ", out, re.M), line
    assert re.search(r"^  npm's documentation \(ships with node\) +(\d+\.\d \(|not available on this machine)", out, re.M)
    assert "HELD-OUT" not in out  # only with --final
    assert "Redaction evaluation: seed 1234, 2 tickets" in out
