"""The package layers hold: libraries below, the application on top, and no NER for commands that need none.

`lint-imports` checks the contracts in pyproject.toml ([tool.importlinter]):
`redaction` imports neither `exporter` nor `archive`, `archive` imports no
`exporter` and no unredacted record. The command line must start without
Presidio or spaCy: `--help`, `search`, `similar`, `report` and `forget` never redact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("presidio_analyzer", "spacy", "thinc")
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TICKET_ARCHIVE_"))}


def loaded_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter has loaded after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=CLEAN_ENV, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_importing_the_command_line_loads_no_ner() -> None:
    assert loaded_after("import exporter.cli") == []


def test_commands_that_never_redact_load_no_ner(tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    code = f"""
from exporter.cli import main
for argv in (["--help"], ["forget", "7", "--archive", {archive!r}], ["search", "--archive", {archive!r}, "anything"]):
    sys.argv = ["ticket-archive", *argv]
    try:
        main()
    except SystemExit as exc:
        assert exc.code in (0, None), (argv, exc.code)
"""
    assert loaded_after("import sys\n" + code) == []


def test_similar_and_report_load_no_ner(tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    code = f"""
from exporter.cli import main
for argv, expected in (
    (["forget", "7", "--archive", {archive!r}], 0),
    (["report", "--archive", {archive!r}, "--since", "2024-01-01", "--until", "2024-01-31", "--format", "json"], 0),
    (["similar", "7", "--archive", {archive!r}], 2),
):
    sys.argv = ["ticket-archive", *argv]
    try:
        main()
    except SystemExit as exc:
        assert (exc.code or 0) == expected, (argv, exc.code)
"""
    assert loaded_after("import sys\n" + code) == []


def test_the_light_names_of_the_redaction_package_load_no_ner() -> None:
    code = "from redaction import DEFAULT_ALLOW_DOMAINS, Finding, RedactedTicket, RedactionSettings, RedactionError"
    assert loaded_after(code) == []


def test_the_redactor_and_the_scanner_still_come_from_the_package_on_demand() -> None:
    code = "import redaction\nassert redaction.LeakScanner.__name__ == 'LeakScanner'\nassert redaction.Redactor.__module__ == 'redaction.redactor'"
    assert loaded_after(code) == ["presidio_analyzer", "spacy", "thinc"]
