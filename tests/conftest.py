"""Shared fixtures: the real redactor (loaded once), a fake Zendesk on loopback, clients for it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

from exporter.budget import RateBudget
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import ZendeskConfig
from tests.support import RememberingRedactor

if TYPE_CHECKING:
    from exporter.fake import FakeZendesk
    from exporter.fake.dataset import Dataset


@pytest.fixture(scope="session")
def loaded_redactor():
    """The real Presidio pipeline on the real spaCy model; slow to load, so once per run."""
    from redaction import Redactor

    return Redactor()


@pytest.fixture(scope="session")
def redactor(loaded_redactor):
    """The real redactor; the modules that test how tickets travel override it with the next one."""
    return loaded_redactor


@pytest.fixture(scope="session")
def remembering_redactor(loaded_redactor) -> RememberingRedactor:
    """The same redactor, reusing its result for a ticket it has already redacted (tests.support)."""
    return RememberingRedactor(loaded_redactor)


@pytest.fixture(scope="session")
def fake_archive(redactor, tmp_path_factory) -> tuple[Path, "Dataset"]:
    """An archive exported from a fake account of 80 tickets (55 solved, every scenario four or more
    times), and the account's data: read-only, for the tests of what the archive knows across cases."""
    from archive.store import Archive
    from exporter.fake import FakeZendesk, build_dataset
    from exporter.jobs import run_export

    dataset = build_dataset(tickets=80, seed=11, big_log=False)
    path = tmp_path_factory.mktemp("fake-archive") / "archive"
    with FakeZendesk(dataset=dataset) as server, client_for(server) as client:
        summary = run_export(client, redactor, Archive(path), workers=2)
    assert not summary.withheld
    return path, dataset


@pytest.fixture
def fake() -> Iterator["FakeZendesk"]:
    from exporter.fake import FakeZendesk, build_dataset

    with FakeZendesk(dataset=build_dataset(tickets=40, seed=11, big_log=False)) as server:
        yield server


def client_for(fake, **policy: float) -> ZendeskClient:
    config = ZendeskConfig.from_env(fake.env())
    settings = {"backoff_initial": 0.01, "backoff_max": 0.05, "default_retry_after": 0.2, "read_timeout": 2.0}
    settings.update(policy)
    # The rate budget's "minute" follows the fake's, so a tight limit stays fast to test.
    return ZendeskClient(
        config, policy=RetryPolicy(**settings), budget=RateBudget(minute=fake.rate_window_seconds)
    )


def cli_env(fake) -> dict[str, str]:
    """This process's environment for a `ticket-archive` subprocess, pointed at the fake
    and nothing else: no ZENDESK_*, TICKET_ARCHIVE_* or SRC_* setting of the developer's leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TICKET_ARCHIVE_", "SRC_"))}
    return {**env, **fake.env()}


def git(path: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=True).stdout
