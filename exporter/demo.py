"""`ticket-archive demo`: the real export against the built-in fake Zendesk.

The demo signs in the recommended way, with OAuth client credentials (a client
the fake makes up for each run); `demo --serve` keeps the fake running and hands
out the same environment, so `check` and the other commands can be tried on it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archive.casefile import TICKETS_DIR
from archive.settings import NoteSettings
from archive.store import Archive
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import ZendeskConfig
from exporter.fake import FakeOAuth, FakeZendesk
from exporter.jobs import Progress, RunSummary, TicketRedactor, run_export
from exporter.workers import default_workers
from redaction.settings import RedactionSettings


@dataclass(frozen=True)
class DemoResult:
    summary: RunSummary
    archive_path: Path
    files: int
    example: Path | None


def _pick_example(root: Path) -> Path | None:
    """A readable ticket: several comments, not the 2 MB log one."""
    candidates = sorted(root.glob(f"{TICKETS_DIR}/*/*/*.md"))
    readable = [p for p in candidates if 1_500 < p.stat().st_size < 8_000]
    return (readable or candidates or [None])[0]


@contextlib.contextmanager
def serve_demo(*, tickets: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """The fake Zendesk on 127.0.0.1 until the block ends; yields `fake.env()`."""
    with FakeZendesk(tickets=tickets, seed=seed, oauth=FakeOAuth()) as fake:
        yield fake.env()


def run_demo(
    archive_path: Path,
    *,
    tickets: int,
    redactor: TicketRedactor,
    progress: Progress | None = None,
    seed: int = 7,
    workers: int | None = None,
    notes: NoteSettings | None = None,
    redaction: RedactionSettings | None = None,
) -> DemoResult:
    with FakeZendesk(tickets=tickets, seed=seed, oauth=FakeOAuth()) as fake:
        # Show the retry policy at work: one rate-limit answer and one server error.
        fake.fail_next(1, status=429, retry_after=1, path="/api/v2/")
        fake.fail_next(1, status=503, path="/comments")
        config = ZendeskConfig.from_env(fake.env())
        archive = Archive(archive_path, notes=notes)
        with ZendeskClient(config, policy=RetryPolicy(backoff_initial=0.2, backoff_max=2.0)) as client:
            summary = run_export(
                client, redactor, archive, progress=progress, workers=workers or default_workers(), settings=redaction
            )
    files = sum(1 for _ in archive.path.glob(f"{TICKETS_DIR}/*/*/*.md"))
    return DemoResult(summary=summary, archive_path=archive.path, files=files, example=_pick_example(archive.path))
