"""The README and the command line agree: commands, options and exit codes, as sqlite-utils and git-history test theirs.

A command is recognised where a shell would run it: `ticket-archive ...` at the
start of a line in a code block (or after `|`, `;`, `&&`), or at the start of an
inline code span. An inline code span that starts with `--` names an option.
"""

from __future__ import annotations

import inspect
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main

from exporter import cli

README = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
APP = typer.main.get_command(cli.app)

_FENCE = re.compile(r"^```[^\n]*\n(?P<code>.*?)^```", re.M | re.S)
_SPAN = re.compile(r"(?<!`)`(?P<code>[^`\n]+)`(?!`)")
_INVOCATION = re.compile(r"(?:^|[|;]|&&)[ \t]*(?:\$ )?(?:[\w.~/-]*/)?ticket-archive[ \t]+(?P<args>[^\n]*)", re.M)

# Typer builds on its own copy of click, so commands and options are told apart by what they have.
Command = Any


def subcommands(command: Command) -> dict[str, Command]:
    return getattr(command, "commands", None) or {}


def commands(group: Command = APP, prefix: tuple[str, ...] = ()) -> dict[str, Command]:
    """Every command of the app by its path (`search`, `sourcegraph setup`), groups included."""
    found: dict[str, Command] = {}
    for name, command in subcommands(group).items():
        path = (*prefix, name)
        found[" ".join(path)] = command
        found.update(commands(command, path))
    return found


def options(command: Command) -> set[str]:
    params = command.get_params(command.context_class(command))
    return {opt for p in params if p.param_type_name == "option" for opt in (*p.opts, *p.secondary_opts)}


def invocations() -> list[tuple[str, list[str]]]:
    """(the line as written, its arguments) for every `ticket-archive ...` the README shows."""
    code = [m.group("code") for m in _FENCE.finditer(README)]
    prose = _FENCE.sub("", README)
    code += [m.group("code") for m in _SPAN.finditer(prose)]
    found = []
    for block in code:
        for match in _INVOCATION.finditer(block):
            try:
                args = shlex.split(match.group("args"), comments=True)
            except ValueError:
                args = match.group("args").split()
            found.append((match.group(0).strip(), args))
    return found


def resolve(args: list[str]) -> tuple[str, Command, list[str]]:
    """The command an argument list runs (its path, the command) and the arguments left for it."""
    command: Command = APP
    path: list[str] = []
    while subcommands(command) and args and not args[0].startswith("-"):
        sub = subcommands(command).get(args[0])
        assert sub is not None, f"the README runs `ticket-archive {' '.join([*path, args[0]])}`, which the app does not have"
        command, path, args = sub, [*path, args[0]], args[1:]
    return " ".join(path), command, args


def test_the_readme_shows_commands() -> None:
    assert len(invocations()) >= 5  # the patterns above still find them


@pytest.mark.parametrize("line, args", invocations(), ids=[line for line, _ in invocations()])
def test_every_command_and_option_the_readme_runs_exists(line: str, args: list[str]) -> None:
    _, command, rest = resolve(args)
    for arg in rest:
        if arg == "--":
            break
        if arg.startswith("-") and len(arg) > 1 and not arg[1].isdigit():
            assert arg.split("=", 1)[0] in options(command), f"`{line}`: {command.name} has no option {arg}"


def test_every_option_the_readme_names_exists() -> None:
    everywhere = set().union(*(options(c) for c in commands().values()))
    named = {m.group("code").split()[0] for m in _SPAN.finditer(_FENCE.sub("", README)) if m.group("code").startswith("--")}
    assert named, "the README names options such as `--reindex`"
    assert named - everywhere == set()


def test_every_command_of_the_app_is_in_the_readme() -> None:
    shown = {resolve(args)[0] for _, args in invocations()}
    leaves = {path for path, c in commands().items() if not subcommands(c)}
    assert leaves - shown == set(), "commands the README never shows"


@pytest.mark.parametrize("path", sorted(commands()))
def test_every_command_has_help_with_an_example(path: str) -> None:
    # The README promises it: "Every command has `--help` with an example."
    assert "Every command has `--help` with an example." in README
    help_text = " ".join((commands()[path].help or "").split())
    assert re.search(rf"Example: (?:\S+ \| )?ticket-archive {re.escape(path)}\b", help_text), help_text


def exit_codes(text: str, row: str) -> dict[int, str]:
    return {int(code): " ".join(meaning.split()) for code, meaning in re.findall(row, text, re.M)}


def test_the_readme_exit_codes_are_the_cli_exit_codes() -> None:
    section = README.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    readme = exit_codes(section, r"^\| (\d+) \| (.+?) \|$")
    docstring = exit_codes(cli.__doc__ or "", r"^ {4}(\d+) {2,}(\S.*)$")
    constants = {value for name, value in vars(cli).items() if name.startswith("EXIT_") and isinstance(value, int)}
    mapped = {code for _, code in cli._EXIT_CODES}  # each error root to its code
    assert mapped <= constants
    assert re.findall(r"(?:_fail|Exit)\(\s*(\d+)", inspect.getsource(cli)) == []  # every code is a named constant
    assert set(readme) == set(docstring) == {0} | constants
    assert readme == docstring  # the same words in `ticket-archive`'s module docstring and the README
