"""Real accounts' shapes on the fake (issue 13): no permanent withholds, one rendering per comment,
every comment kind, solve dates fetched not guessed, side-load gaps filled; and the leak check
still catches what it must."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import frontmatter
import pytest

from archive.store import Archive
from exporter.jobs import run_backfill, run_export
from exporter.solved import solved_from_audits
from exporter.stream import TicketStream
from tests.conftest import client_for, git

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


def note(archive: Archive, ticket_id: int) -> Path:
    (path,) = archive.path.glob(f"tickets/*/*/{ticket_id}.md")
    return path


def export(fake, redactor, archive: Archive, **kw):
    with client_for(fake) as client:
        return run_export(client, redactor, archive, **kw)


def backfill(fake, redactor, archive: Archive, day):
    with client_for(fake) as client:
        return run_backfill(client, redactor, archive, since=day, until=day)


def test_the_messy_fake_exports_reruns_and_backfills_with_nothing_withheld(fake, redactor, tmp_path: Path) -> None:
    ds = fake.dataset
    archive = Archive(tmp_path / "archive")

    first = export(fake, redactor, archive)
    again = export(fake, redactor, archive)

    written = {int(p.stem) for p in archive.path.glob("tickets/*/*/*.md")}
    assert first.withheld == set() and first.undated == set()
    assert written == ds.expected_archived_ids() >= set(ds.account_tickets.values())
    assert again.withheld == set() and again.commit is None and again.written == 0
    assert archive.read_state().withheld == set()
    with client_for(fake) as client:
        everything = run_backfill(client, redactor, Archive(tmp_path / "backfill"), since=date(2020, 1, 1), until=date(2026, 1, 1))
    assert everything.withheld == set() and everything.undated == set() and everything.out_of_range == 0
    assert {int(p.stem) for p in (tmp_path / "backfill").glob("tickets/*/*/*.md")} == written
    # No recording URL and no caller number reaches a file or the history.
    files = "\n".join(p.read_text() for p in archive.path.rglob("*.md"))
    history = git(archive.path, "log", "-p", "--all")
    secret = ds.planted_by_kind()["recording_url"] + [u["phone"] for u in ds.users.values() if u["phone"]]
    secret += [u["formatted_phone"] for u in ds.users.values() if u.get("formatted_phone")]
    assert [v for v in secret if v in files or v in history] == []

    # Every comment kind, shown; voice calls without their recordings.
    voicemail = note(archive, ds.account_tickets["voicemail"]).read_text()
    assert " · voice call · internal note" in voicemail and "[recording not archived]" in voicemail
    assert "\nVoicemail from: <PHONE_1>\nCall to: <PHONE_2>\n" in voicemail
    assert "\\n" not in voicemail and "Location:" not in voicemail
    assert "Transcription:\nHi, this is about our gitserver pods" in voicemail
    partner = note(archive, ds.account_tickets["partner_call"]).read_text()
    assert " · voice call (Talk Partner Edition) · internal note" in partner and "Recording: [recording not archived]" in partner
    # The sample ticket: the requester's name redacted as written, the word "customer" left alone.
    sample = note(archive, ds.account_tickets["sample"]).read_text()
    assert "Thanks,\n<PERSON_1>" in sample and "The customer on it is not a real person" in sample
    assert "click Submit as Solved" in sample and "Ta-da!" in sample
    assert "(see https://support.zendesk.com/hc/en-us)" in sample  # Zendesk's help centre is no customer's
    # The admin who requested a ticket in the account's own organization keeps the name; the text does not.
    owner = note(archive, ds.account_tickets["owner_request"]).read_text()
    assert "· agent Team Brightwell ·" in owner and "— Team <ORG_1>" in owner


def test_a_solve_date_missing_from_the_metric_set_is_fetched_and_lands_in_its_backfill_window(
    fake, redactor, tmp_path: Path
) -> None:
    ds = fake.dataset
    for key in ("sample", "voicemail"):  # no solved_at key; solved_at null on a closed ticket
        ticket_id = ds.account_tickets[key]
        solved = ds.solved_at(ticket_id)
        closed = ds.tickets[ticket_id]["updated_at"][:10]
        assert solved is not None and closed != solved.date().isoformat()

        in_window = backfill(fake, redactor, Archive(tmp_path / f"{key}-solved"), solved.date())
        post = frontmatter.load(note(Archive(tmp_path / f"{key}-solved"), ticket_id))
        assert post["solved_at"] == solved.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert in_window.withheld == set() and in_window.undated == set()

        # The day updated_at (the close) would have guessed: not this ticket's window.
        close_day = solved.date() + timedelta(days=4)
        other = backfill(fake, redactor, Archive(tmp_path / f"{key}-closed"), close_day)
        assert ticket_id not in {int(p.stem) for p in (tmp_path / f"{key}-closed").glob("tickets/*/*/*.md")}
        assert other.undated == set()


def _without_status_changes(body: bytes) -> bytes:
    data = json.loads(body)
    for audit in data.get("audits", ()):
        audit["events"] = [e for e in audit["events"] if e.get("field_name") != "status"]
    return json.dumps(data).encode()


def test_a_solve_date_nobody_records_is_reported_never_guessed(fake, redactor, tmp_path: Path) -> None:
    sample = fake.dataset.account_tickets["sample"]
    day = fake.dataset.solved_at(sample).date()
    audits = f"/api/v2/tickets/{sample}/audits"

    fake.fail_next(1, kind="rewrite", path=audits, rewrite=_without_status_changes)
    exported = export(fake, redactor, Archive(tmp_path / "export"))
    assert exported.undated == {sample} and exported.withheld == set() and "undated 1" in exported.line()
    assert frontmatter.load(note(Archive(tmp_path / "export"), sample))["solved_at"] is None

    fake.fail_next(1, kind="rewrite", path=audits, rewrite=_without_status_changes)
    backfilled = backfill(fake, redactor, Archive(tmp_path / "backfill"), day)
    assert backfilled.undated == {sample} and backfilled.withheld == set()
    assert not list((tmp_path / "backfill").glob(f"tickets/*/*/{sample}.md"))
    assert backfilled.as_dict()["undated"] == [sample]


def test_side_load_gaps_are_filled_in_bulk_before_redaction(fake) -> None:
    ds = fake.dataset
    fake.clear_requests()
    with client_for(fake) as client:
        stream = TicketStream(client, comments="bulk")
        tickets = {c.ticket_id: c.ticket for c in stream if c.ticket is not None}
    jones, tester = tickets[ds.account_tickets["jones"]], tickets[ds.account_tickets["test_org"]]
    hidden_org = ds.organizations[ds.tickets[jones.id]["organization_id"]]
    assert hidden_org["id"] in ds.hidden_organizations and jones.organization is not None
    assert jones.organization.name == hidden_org["name"]
    assert tester.requester_id in ds.hidden_users and tester.requester_id in tester.users
    caller = tickets[ds.account_tickets["voicemail"]]
    assert all(caller.author(c) is not None for c in caller.comments)
    lookups = [r for r in fake.requests if r.path.endswith("/show_many.json") and "/tickets/" not in r.path]
    assert {r.path for r in lookups} == {"/api/v2/users/show_many.json", "/api/v2/organizations/show_many.json"}
    assert "lookups of people no side-load had" in stream.comment_stats.describe()


class PlantingRedactor:
    """Our redactor with a bug planted: after redaction, some tickets' last comment gets a leak appended."""

    def __init__(self, real, leaks: dict[int, str]) -> None:
        self.real, self.leaks = real, leaks
        self.settings = real.settings

    def redact_ticket(self, ticket):
        redacted = self.real.redact_ticket(ticket)
        if ticket.id not in self.leaks:
            return redacted
        last = redacted.comments[-1]
        comments = (*redacted.comments[:-1], dataclasses.replace(last, body=f"{last.body}\n\n{self.leaks[ticket.id]}"))
        return dataclasses.replace(redacted, comments=comments)


def test_the_same_names_in_ticket_text_are_still_withheld(fake, redactor, tmp_path: Path) -> None:
    corner = fake.dataset.account_tickets
    leaks = {
        corner["owner_request"]: "Signed, Brightwell",  # the organization the admin's kept name carries
        corner["sample"]: "Regards, The Customer",  # a name made only of help-desk words, as written
        corner["jones"]: "Best wishes from everyone at Jones Inc",  # an organization side-loads left out
        corner["test_org"]: "Quillon Arbuthnot",  # a requester side-loads left out
        corner["facebook"]: "from ZenDesk Tickets",  # a page user named like the help desk
        corner["partner_call"]: "write to q.arbuthnot@testorg-sample.example",  # an address: a pattern, anywhere
    }
    archive = Archive(tmp_path / "archive")

    summary = export(fake, PlantingRedactor(redactor, leaks), archive)

    assert summary.withheld == set(leaks)
    history = git(archive.path, "log", "-p", "--all")
    for victim, leak in leaks.items():
        assert "looks like a leak" in summary.withheld_reasons[victim] and leak not in summary.withheld_reasons[victim]
        assert not list(archive.path.glob(f"tickets/*/*/{victim}.md")) and leak not in history
    # The others, their labels naming the same people and organizations, are written.
    assert len(list(archive.path.glob("tickets/*/*/*.md"))) == len(fake.dataset.expected_archived_ids()) - len(leaks)


def test_solve_dates_from_audits_take_the_latest_solve_else_the_close() -> None:
    def audit(when: str, *changes: tuple[str, str]) -> dict:
        return {"created_at": when, "events": [{"type": "Change", "field_name": f, "value": v} for f, v in changes]}

    solved_twice = [
        audit("2024-01-01T10:00:00Z", ("status", "open")),
        audit("2024-01-02T10:00:00Z", ("status", "solved")),
        audit("2024-01-03T10:00:00Z", ("status", "open"), ("priority", "high")),
        audit("2024-01-04T10:00:00Z", ("status", "solved")),
        audit("2024-01-09T10:00:00Z", ("status", "closed")),
    ]
    assert solved_from_audits(solved_twice).isoformat() == "2024-01-04T10:00:00+00:00"
    closed_only = [audit("2024-02-01T00:00:00Z", ("status", "closed"))]
    assert solved_from_audits(closed_only).isoformat() == "2024-02-01T00:00:00+00:00"
    assert solved_from_audits([audit("2024-03-01T00:00:00Z", ("priority", "low")), {"events": None}]) is None
    created_solved = [{"created_at": "2024-04-01T00:00:00Z", "events": [{"type": "Create", "field_name": "status", "value": "solved"}]}]
    assert solved_from_audits(created_solved).isoformat() == "2024-04-01T00:00:00+00:00"
