"""Redacted tickets for the case-note tests (one rich case, a builder for short ones) and golden files.

Regenerate golden files with `UPDATE_GOLDEN=1 ./scripts/test tests/test_render.py tests/test_pages.py`
and read the diff.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from redaction.models import RedactedComment, RedactedTicket


GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert data.decode("utf-8") == path.read_text("utf-8"), f"{name} changed: run with UPDATE_GOLDEN=1 and read the diff"


def at(month: int, day: int, hour: int = 9, minute: int = 30, year: int = 2023) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


OPENING = """Hi team,

Since we upgraded <HOST_1> from 4.0.0 to v4.1.3 (Kubernetes, Helm chart), gitserver-0 keeps restarting with OOMKilled while the monorepo clones.

NAME          READY   STATUS      RESTARTS   AGE
gitserver-0   0/1     OOMKilled   14         9h

2023-04-02T20:34:48.158Z gitserver-0 gitserver ERROR git gc failed repo=<HOST_2>/platform/monorepo err="signal: killed"
2023-04-02T20:35:01.002Z gitserver-0 gitserver ERROR git gc failed repo=<HOST_3>/platform/api err="signal: killed"

Best regards,
<PERSON_1>
Platform Lead, <ORG_1>"""

ASK = """Hi <PERSON_1>, thanks for reaching out.

4.1.3 runs `git gc` more aggressively, so large clones peak higher. Could you send `kubectl describe pod gitserver-0` and your `gitMaxConcurrentClones`? Resource settings: https://docs.sourcegraph.com/admin/deploy/kubernetes/configure#gitserver (our internal runbook <URL_1> has more).

Kind regards,
Dana Agent"""

NOTE = """Resolution: gitserver had an 8Gi memory limit while gitMaxConcurrentClones=16 let several clones run at once; the gc change in 4.1.3 (https://github.com/sourcegraph/sourcegraph/issues/46973) raised each clone's peak. Raised the limit to 12Gi and lowered gitMaxConcurrentClones to 4.
The gc fix ships in 4.2.1."""

REPLY = """Hi <PERSON_1>,

Raise the gitserver memory limit to 12Gi and set `"gitMaxConcurrentClones": 4` in the site configuration. Upgrading to 4.2.1 brings the gc fix.

Kind regards,
Dana Agent"""


# Titles that a YAML 1.1 or 1.2 parser would read as something else, or that break a line.
HOSTILE_TITLES = [
    "---",
    "yes",
    "no",
    "NO",
    "on",
    "y",
    "null",
    "~",
    "",
    "1e3",
    "+1e3",
    "0o17",
    "0x1F",
    "1_000",
    ".inf",
    "4.1",
    "2024-01-01",
    "12:30",
    '"quoted": with: colons',
    "'single' quotes",
    "key: value - searcher: context deadline exceeded",
    "# hash",
    "- dash",
    "@here gitserver down | !urgent",
    "[4.1] search.largeFiles not applied & *.min.js {ignored}",
    "emoji 🔥 frontend returns 502 🙏",
    "\u200fSAML login loop \u200e after IdP change",
    "nul\x00inside",
    "bell\x07 and tab\there",
    "line\nbreak",
    "line\u2028separator and \x85 next line",
    "\ufeffbom",
    "  leading and trailing  ",
    "trailing colon:",
    "%percent",
    "`backtick`",
    "*star",
    "&anchor",
    "!tag",
    "=",
    "<<",
]


def case(ticket_id: int = 4242, **changes: object) -> RedactedTicket:
    fields: dict[str, object] = dict(
        id=ticket_id,
        title="gitserver OOMKilled after upgrade to 4.1",
        status="solved",
        created_at=at(4, 3),
        updated_at=at(4, 6),
        solved_at=at(4, 5, 8),
        url=f"https://example.zendesk.com/agent/tickets/{ticket_id}",
        priority="high",
        type="incident",
        channel="email",
        tags=("gitserver", "kubernetes", "<ORG_1>", "repository_sync", "gitserver"),
        custom_fields=(
            ("Product version", "v4.1.3"),
            ("Deployment type", "kubernetes"),
            ("Product area", "repository_sync"),
            ("Instance URL", "<URL_2>"),
            ("Support tier", "tier_premium"),
        ),
        comments=(
            RedactedComment(at(4, 3), "<PERSON_1>", "customer", True, OPENING, ("gitserver-0.log",)),
            RedactedComment(at(4, 3, 14), "Dana Agent", "agent", True, ASK),
            RedactedComment(at(4, 4, 11), "Dana Agent", "agent", False, NOTE),
            RedactedComment(at(4, 5, 7), "Dana Agent", "agent", True, REPLY),
            RedactedComment(at(4, 5, 8, 10), "<PERSON_1>", "customer", True, "That fixed it, thanks!"),
        ),
        redactions={"PERSON": 4, "ORG": 2, "HOST": 3, "URL": 2},
        organization="org-3f9a1c0b2d4e",
        redaction_versions={"presidio": "2.2.366", "spacy": "3.8.18", "model": "en_core_web_sm-3.8.0"},
    )
    fields.update(changes)
    return RedactedTicket(**fields)  # type: ignore[arg-type]


def simple(ticket_id: int, title: str, *, version: str | None, deployment: str | None, service: str,
           solved: datetime, resolution: str, error: str | None = None) -> RedactedTicket:
    """A short case: a customer report naming `service`, an internal resolution note, a reply."""
    custom = [("Product version", version)] if version else []
    if deployment:
        custom.append(("Deployment type", deployment))
    log = f"\n\n{solved:%Y-%m-%dT%H:%M:%SZ} {service}-0 {service} ERROR {error}" if error else ""
    return RedactedTicket(
        id=ticket_id,
        title=title,
        status="solved",
        created_at=solved.replace(day=1),
        updated_at=solved,
        solved_at=solved,
        url=f"https://example.zendesk.com/agent/tickets/{ticket_id}",
        priority="normal",
        type="problem",
        channel="web",
        tags=(service,),
        custom_fields=tuple(custom),
        comments=(
            RedactedComment(solved.replace(day=1), "<PERSON_1>", "customer", True, f"Our {service} misbehaves.{log}"),
            RedactedComment(solved.replace(day=2), "Ann Agent", "agent", False, f"Resolution: {resolution}"),
            RedactedComment(solved.replace(day=2, hour=10), "Ann Agent", "agent", True, "Fixed, see the note."),
        ),
    )
