"""The TOML settings file: every key maps to a settings field, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import ConfigError
from exporter.settings_file import load_settings
from redaction.settings import DEFAULT_ALLOW_DOMAINS
from tests.test_cli import run_cli


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    return path


def test_no_file_gives_the_defaults() -> None:
    settings = load_settings(None)
    assert settings.notes.resolution_marker == "Resolution:"
    assert settings.redaction.allow_domains == DEFAULT_ALLOW_DOMAINS


def test_values_are_applied_and_allow_lists_extend_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        write(
            tmp_path,
            '[redaction]\nallow_domains = ["docs.acme.dev"]\nkeep_agent_names = false\n'
            '[notes]\ncustom_fields = ["Product version"]\nresolution_marker = "Fix:"\n'
            'services = [["gitserver", "gitserver"], ["web", "web-?app"]]\nlog_lines = 50\n',
        )
    )
    assert settings.redaction.allow_domains[-1] == "docs.acme.dev"
    assert set(DEFAULT_ALLOW_DOMAINS) < set(settings.redaction.allow_domains)
    assert settings.redaction.keep_agent_names is False
    assert settings.notes.custom_fields == ("Product version",)
    assert settings.notes.resolution_marker == "Fix:"
    assert settings.notes.services == (("gitserver", "gitserver"), ("web", "web-?app"))
    assert settings.notes.log_lines == 50


@pytest.mark.parametrize(
    "text, says",
    [
        ("[notes]\nresolution_markr = 'x'\n", "unknown setting [notes] resolution_markr"),
        ("[redaction]\nkeep_agent_names = 'yes'\n", "[redaction] keep_agent_names must be true or false"),
        ("[notes]\nlog_lines = 'many'\n", "[notes] log_lines must be a whole number"),
        ("[notes]\ncustom_fields = 'Version'\n", "[notes] custom_fields must be a list"),
        ("[general]\nx = 1\n", "unknown section"),
        ("[notes\n", "not valid TOML"),
    ],
)
def test_mistakes_are_configuration_errors_that_name_the_key(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert says in str(info.value)


def test_cli_reports_a_bad_settings_file_in_one_line_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "[notes]\nnope = 1\n")
    result = run_cli("redact", "--config", str(path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "nope" in result.stderr
