"""archive.verify: a clean rendered archive has no suspects; a planted leak is named by file and line, masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.render import render_ticket
from archive.verify import Suspect, mask, verify_archive, verify_files, verify_text
from exporter.jobs import ticket_texts
from redaction import Redactor
from tests.evalset import build_eval_set
from redaction.scanner import LeakScanner
from tests.redaction_fixtures import planted_ticket

pytestmark = pytest.mark.slow

EMAIL = "jane.doe@initech-global.io"
TOKEN = "sgp_0123456789abcdef0123456789abcdef01234567"
HOST = "git.prod.initech-global.io"


@pytest.fixture(scope="module")
def scanner() -> LeakScanner:
    return LeakScanner()


@pytest.fixture(scope="module")
def rendered(redactor: Redactor) -> dict[str, bytes]:
    """Case files of real redacted tickets: the planted fixture and a slice of the evaluation set."""
    tickets = [planted_ticket(), *(item.ticket for item in build_eval_set(seed=1234, tickets=12).items)]
    files = {}
    for ticket in tickets:
        redacted = redactor.redact_ticket(ticket)
        files[f"tickets/2024/03/{redacted.id}.md"] = render_ticket(redacted)
    return files


@pytest.fixture
def archive(tmp_path: Path, rendered: dict[str, bytes]) -> Path:
    for relpath, data in rendered.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (tmp_path / "README.md").write_text(f"not a case file: {EMAIL}\n")
    return tmp_path


def plant(archive: Path, relpath: str, line: str) -> int:
    """Append `line` to the conversation of a case file; its 1-based line number."""
    path = archive / relpath
    lines = path.read_text().splitlines()
    lines.append(line)
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def test_a_clean_archive_has_no_suspects(archive: Path, scanner: LeakScanner) -> None:
    assert verify_archive(archive, scanner.scan) == []


def test_a_clean_file_has_no_suspects_even_against_its_tickets_deny_lists(
    rendered: dict[str, bytes], scanner: LeakScanner
) -> None:
    text = rendered["tickets/2024/03/4242.md"].decode()
    assert verify_text("tickets/2024/03/4242.md", text, scanner.for_ticket(planted_ticket())) == []


def test_planted_leaks_are_found_by_file_line_and_kind(archive: Path, scanner: LeakScanner) -> None:
    first, second = sorted(p.relative_to(archive).as_posix() for p in archive.glob("tickets/**/*.md"))[:2]
    email_line = plant(archive, first, f"Ping {EMAIL} about it.")
    token_line = plant(archive, second, f"export SRC_ACCESS_TOKEN={TOKEN}")
    host_line = plant(archive, second, f"The instance moved to {HOST} yesterday.")
    suspects = verify_archive(archive, scanner.scan)
    assert [(s.path, s.line, s.kind) for s in suspects] == [
        (first, email_line, "EMAIL"),
        (second, token_line, "SECRET"),
        (second, host_line, "HOST"),
    ]


def test_the_report_never_repeats_a_suspected_value(archive: Path, scanner: LeakScanner) -> None:
    relpath = sorted(p.relative_to(archive).as_posix() for p in archive.glob("tickets/**/*.md"))[0]
    plant(archive, relpath, f"Ping {EMAIL} with token {TOKEN} on {HOST}")
    suspects = verify_files(archive, [relpath], scanner.scan)
    report = "\n".join(str(s) for s in suspects) + repr(suspects)
    assert {s.kind for s in suspects} == {"EMAIL", "SECRET", "HOST"}
    for value in (EMAIL, TOKEN, HOST):
        assert value not in report
        assert mask(value) in report
    assert TOKEN[:12] not in report and "initech-global" not in report


def test_the_tickets_own_people_are_suspects_when_the_ticket_is_given(
    rendered: dict[str, bytes], scanner: LeakScanner
) -> None:
    text = rendered["tickets/2024/03/4242.md"].decode() + "\nThanks again, Oluwaseun from Initrode.\n"
    assert verify_text("x.md", text, scanner.scan) == []  # no NER: a name alone is not a pattern
    suspects = verify_text("x.md", text, scanner.for_ticket(planted_ticket()))
    line = text.count("\n")
    assert [(s.line, s.kind) for s in suspects] == [(line, "ORG"), (line, "PERSON")]
    assert all("Oluwaseun" not in s.excerpt and "Initrode" not in s.excerpt for s in suspects)


def test_missing_files_are_skipped_and_long_lines_are_cut_around_the_finding(
    archive: Path, scanner: LeakScanner
) -> None:
    relpath = sorted(p.relative_to(archive).as_posix() for p in archive.glob("tickets/**/*.md"))[0]
    line = plant(archive, relpath, "x=1 " * 200 + f"user={EMAIL} " + "y=2 " * 200)
    suspects = verify_files(archive, [relpath, "tickets/1999/01/1.md"], scanner.scan)
    assert suspects == [Suspect(relpath, line, "EMAIL", suspects[0].excerpt)]
    assert mask(EMAIL) in suspects[0].excerpt and len(suspects[0].excerpt) <= 102


def test_with_the_tickets_texts_its_people_count_only_where_that_text_holds_them(
    redactor: Redactor, rendered: dict[str, bytes], scanner: LeakScanner
) -> None:
    ticket = planted_ticket()
    texts = ticket_texts(redactor.redact_ticket(ticket))
    text = rendered["tickets/2024/03/4242.md"].decode()
    # A label the note writes itself: an agent's kept name that carries the organization's name.
    labelled = text + "\n### 9. 2024-03-02 10:00 UTC · agent Initrode Liaison · public\n\nDone.\n"
    assert verify_text("x.md", labelled, scanner.for_ticket(ticket, texts=texts)) == []
    assert [s.kind for s in verify_text("x.md", labelled, scanner.for_ticket(ticket))] == ["ORG"]

    # The same organization and a person in the ticket's text: found there, and then wherever the note has them.
    leak = "Thanks again, Oluwaseun from Initrode."
    suspects = verify_text("x.md", f"{labelled}{leak}\n", scanner.for_ticket(ticket, texts=[*texts, leak]))
    heading, last = labelled.count("\n") - 2, labelled.count("\n") + 1
    assert [(s.line, s.kind) for s in suspects] == [(heading, "ORG"), (last, "ORG"), (last, "PERSON")]
    # Secrets and contacts are looked for everywhere, ticket text or not.
    email = verify_text("x.md", f"{labelled}Ping {EMAIL}\n", scanner.for_ticket(ticket, texts=texts))
    assert [s.kind for s in email] == ["EMAIL"]
