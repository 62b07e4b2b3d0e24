"""The public profile on accounts the demo is not: it archives what the internal profile archives, minus notes and agents.

The account here is built like the one the issue's run used: another seed and
size, another subdomain, agents who write from the vendor's own domain, and a
ticket field named after the product. An agent's mail domain is the vendor's,
so it must not become a deny-list (it used to: every case file with the
"Sourcegraph instance URL" field was withheld as an ORG leak, and the product
name turned into <ORG_n> in every link). A real leak, an agent's name or the
customer's organization, is still withheld.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from archive.render import render_ticket
from archive.store import Archive
from archive.verify import verify_text
from exporter.fake import FakeZendesk, build_dataset
from exporter.jobs import run_export
from redaction import RedactionError, RedactionSettings, Redactor
from redaction.scanner import LeakScanner
from tests.conftest import client_for, git
from tests.evalset import build_eval_set

pytestmark = pytest.mark.slow

PUBLIC = RedactionSettings(profile="public")
VENDOR_DOMAIN = "sourcegraph.com"


@pytest.fixture(scope="module")
def public_redactor() -> Redactor:
    return Redactor(PUBLIC)


def unseen_account(tickets: int = 24):
    dataset = build_dataset(tickets=tickets, seed=23, big_log=False, subdomain="acme")
    for user in dataset.users.values():
        if user["role"] != "end-user":
            user["email"] = user["email"].split("@")[0] + "@" + VENDOR_DOMAIN
    for field in dataset.ticket_fields:
        if field["title"] == "Instance URL":
            field["title"] = field["raw_title"] = "Sourcegraph instance URL"
    return dataset


def export_with(redactor, settings: RedactionSettings, path: Path, tickets: int = 24):
    with FakeZendesk(dataset=unseen_account(tickets)) as fake:
        with client_for(fake) as client:
            summary = run_export(client, redactor, Archive(path), settings=settings)
        return summary, fake.dataset


def files_and_history(path: Path) -> str:
    files = "\n".join(p.read_text() for p in path.glob("tickets/*/*/*.md"))
    return files + "\n" + git(path, "log", "-p", "--all")


def agent_words(dataset) -> set[str]:
    return {w for u in dataset.users.values() if u["role"] != "end-user" for w in u["name"].split() if len(w) >= 3}


def internal_only_lines(dataset) -> set[str]:
    """Lines of internal notes that occur in no public comment: in a public archive they can only come from a note."""
    public, internal = set(), set()
    for comments in dataset.comments.values():
        for comment in comments:
            lines = {line.strip() for line in comment["body"].splitlines() if len(line.strip()) >= 25}
            (public if comment["public"] else internal).update(lines)
    return internal - public


def test_public_archives_every_ticket_internal_archives_without_notes_or_agents(redactor, public_redactor, tmp_path):
    internal, dataset = export_with(redactor, RedactionSettings(), tmp_path / "internal")
    public, _ = export_with(public_redactor, PUBLIC, tmp_path / "public")

    internal_ids = {int(p.stem) for p in (tmp_path / "internal").glob("tickets/*/*/*.md")}
    public_ids = {int(p.stem) for p in (tmp_path / "public").glob("tickets/*/*/*.md")}
    assert internal.withheld == set() and internal_ids == dataset.expected_archived_ids()
    assert public.withheld == set(), public.withheld_reasons
    assert public_ids == internal_ids

    text = files_and_history(tmp_path / "public")
    words = agent_words(dataset)
    assert words and [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)] == []
    # The internal archive does carry note lines verbatim, so their absence here means something.
    notes = internal_only_lines(dataset)
    internal_text = files_and_history(tmp_path / "internal")
    carried = {line for line in notes if line in internal_text}
    assert len(carried) >= 5
    assert [line for line in carried if line in text] == []
    assert "internal note" not in text
    # The product's name is not the customer's organization: its links and images survive.
    assert "github.com/sourcegraph/" in text or "sourcegraph/" in text


def test_public_profile_passes_the_leak_check_on_the_evaluation_tickets(redactor, public_redactor):
    scanner = LeakScanner(PUBLIC)
    evalset = build_eval_set(seed=29, tickets=12)
    archived = 0
    for item in evalset.items:
        ticket = item.ticket
        try:
            redactor.redact_ticket(ticket)
        except RedactionError:
            continue
        out = public_redactor.redact_ticket(ticket)  # raises if the public profile cannot redact it
        rendered = render_ticket(out).decode("utf-8")
        assert verify_text("t.md", rendered, scanner.for_ticket(ticket)) == [], ticket.id
        agents = {w for a in ticket.agents for w in a.name.split()}
        assert [w for w in agents if re.search(rf"\b{re.escape(w)}\b", rendered)] == []
        assert all(c.public for c in out.comments)
        archived += 1
    assert archived >= 10


class LeakyPublicRedactor:
    """The public redactor with a bug planted: one ticket's first comment keeps a value it must not."""

    def __init__(self, real: Redactor, leak) -> None:
        self.real, self.leak, self.settings = real, leak, real.settings

    def redact_ticket(self, ticket):
        redacted = self.real.redact_ticket(ticket)
        value = self.leak(ticket)
        if value is None or not redacted.comments:
            return redacted
        first = dataclasses.replace(redacted.comments[0], body=f"{redacted.comments[0].body}\n\nThanks to {value}.")
        return dataclasses.replace(redacted, comments=(first, *redacted.comments[1:]))


@pytest.mark.parametrize(
    "leak",
    [
        pytest.param(lambda t: t.agents[0].name if t.agents else None, id="agent-name"),
        pytest.param(lambda t: t.organization.name if t.organization else None, id="customer-organization"),
    ],
)
def test_a_real_leak_is_still_withheld_in_the_public_profile(public_redactor, tmp_path, leak):
    summary, dataset = export_with(LeakyPublicRedactor(public_redactor, leak), PUBLIC, tmp_path / "leaky", tickets=8)
    assert summary.withheld, "the planted leak was written"
    assert all("looks like a leak" in reason for reason in summary.withheld_reasons.values())
    text = files_and_history(tmp_path / "leaky")
    names = {u["name"] for u in dataset.users.values() if u["role"] != "end-user"}
    names |= {o["name"] for o in dataset.organizations.values()}
    assert [n for n in names if f"Thanks to {n}." in text] == []
