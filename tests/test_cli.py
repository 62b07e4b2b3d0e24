"""The command line as a user meets it: a real process, its exit code and its stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TICKET_ARCHIVE_", "SRC_"))}


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exporter.cli", *args],
        capture_output=True,
        text=True,
        env={**CLEAN_ENV, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("export", "backfill", "forget", "demo", "check"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["export", "backfill", "forget", "demo", "check"])
def test_every_command_help_has_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "Example: ticket-archive " + command in " ".join(result.stdout.split())


def test_missing_configuration_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_cli("export", "--archive", str(tmp_path / "a"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "ZENDESK_SUBDOMAIN" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_token_names_the_variable(tmp_path: Path) -> None:
    result = run_cli(
        "export", "--archive", str(tmp_path / "a"), env={"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@acme.test"}
    )
    assert result.returncode == 2
    assert "ZENDESK_API_TOKEN" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_bad_date_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("backfill", "--archive", str(tmp_path), "--since", "2021-13-01", "--until", "2021-12-01")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_until_before_since_is_refused(tmp_path: Path) -> None:
    result = run_cli("backfill", "--archive", str(tmp_path), "--since", "2021-05-02", "--until", "2021-05-01")
    assert result.returncode == 2
    assert "--until is before --since" in result.stderr


def test_archive_comes_from_environment_too(tmp_path: Path) -> None:
    result = run_cli("forget", "7", env={"TICKET_ARCHIVE_DIR": str(tmp_path / "a")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a" / ".git").is_dir()


def test_archive_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    result = run_cli("forget", "7", "--archive", str(target))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


def test_redact_reads_stdin_and_explains_on_stderr() -> None:
    text = "Mail jane.doe@acme-corp.com, token sgp_0123456789abcdef0123456789abcdef01234567, on 3.42.1\n"
    result = subprocess.run(
        [sys.executable, "-m", "exporter.cli", "redact", "--explain"],
        input=text,
        capture_output=True,
        text=True,
        env=CLEAN_ENV,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Mail <EMAIL_1>, token <SECRET>, on 3.42.1\n"
    assert "EMAIL\t5-27\t" in result.stderr and "SECRET\t" in result.stderr
    assert "jane.doe" not in result.stderr


def test_redact_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("redact", str(tmp_path / "nope.txt"))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_unknown_profile_is_a_usage_error(tmp_path: Path) -> None:
    env = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_OAUTH_TOKEN": "x"}
    result = run_cli("export", "--archive", str(tmp_path / "a"), "--profile", "everyone", env=env)
    assert result.returncode == 2
    assert "--profile must be internal or public" in result.stderr


def test_verify_refuses_a_directory_that_is_not_an_archive(tmp_path: Path) -> None:
    result = run_cli("verify", "--archive", str(tmp_path))
    assert result.returncode == 5 and "no tickets/ directory" in result.stderr
