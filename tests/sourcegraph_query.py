"""Sourcegraph's query rules, as its documentation and its forms state them, for the tests to hold queries to.

    parse(query)                      filters and patterns of a query as Sourcegraph splits them
    matching_files(root, query)       the files a query finds in an archive: per line, case-insensitive
    ready_query_problems(query, repo) why a ready query would not work whatever the default pattern type
    context_query_problems(query)     why Sourcegraph would refuse it as a search context's query
    monitor_problems(query)           why a code monitor form of some version would refuse or break it

The model is small on purpose: the queries ticket-archive writes use filters,
bare patterns with escaped spaces, and AND. A query with anything else (a
quote, `/…/`, OR, parentheses) is reported as a problem, not modelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Filters of Sourcegraph's query language (and their aliases) that may appear here.
FILTERS = {
    "repo", "r", "file", "f", "lang", "l", "patterntype", "count", "select", "context", "type", "case", "rev",
    "revision", "fork", "archived", "visibility", "-file", "-repo",
}  # fmt: skip
# What a query-based search context may hold: Sourcegraph rejects any other filter, and any pattern.
CONTEXT_FILTERS = {"repo", "r", "rev", "revision", "file", "f", "lang", "l", "case", "fork", "archived", "visibility"}
# Sourcegraph's pattern matching is per line and ignores case; RE2's \b, \w and \d are ASCII.
FLAGS = re.MULTILINE | re.IGNORECASE | re.ASCII


@dataclass(frozen=True)
class Query:
    filters: tuple[tuple[str, str], ...]  # (field, value), field lower-cased
    patterns: tuple[str, ...]  # as written in the query
    operators: tuple[str, ...]  # AND, OR between patterns

    def values(self, name: str) -> list[str]:
        return [v for f, v in self.filters if f == name]

    def regexps(self) -> list[re.Pattern[str]]:
        """The patterns as Python regexps: an escaped space is a space."""
        return [re.compile(p.replace("\\ ", " "), FLAGS) for p in self.patterns]


def tokens(query: str) -> list[str]:
    """Split on whitespace that is not escaped with a backslash."""
    return [t for t in re.split(r"(?<!\\) +", query.strip()) if t]


def parse(query: str) -> Query:
    filters, patterns, operators = [], [], []
    for token in tokens(query):
        field, sep, value = token.partition(":")
        if token in ("AND", "and", "OR", "or"):
            operators.append(token.upper())
        elif sep and field.lower() in FILTERS and "\\" not in field:
            filters.append((field.lower(), value))
        else:
            patterns.append(token)
    return Query(tuple(filters), tuple(patterns), tuple(operators))


def matching_files(root: Path, query: str) -> list[str]:
    """The files under `root` a query finds: path matches every file: filter, every pattern matches somewhere."""
    q = parse(query)
    assert set(q.operators) <= {"AND"}, query
    paths = [re.compile(v, re.IGNORECASE) for v in q.values("file")]
    regexps = q.regexps()
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts):
        relpath = path.relative_to(root).as_posix()
        if not all(p.search(relpath) for p in paths):
            continue
        text = path.read_text("utf-8", errors="replace")
        if all(r.search(text) for r in regexps):
            found.append(relpath)
    return found


def _pattern_problems(q: Query) -> list[str]:
    problems = []
    for p in q.patterns:
        if p.startswith("/") or p.endswith("/"):
            problems.append(f"{p!r} is a /…/ pattern: a literal default pattern type reads it as text")
        if '"' in p or "'" in p:
            problems.append(f"{p!r} holds a quote, which the query parser reads as a phrase")
        if re.search(r"(?<!\\)[()]", p):
            problems.append(f"{p!r} holds a parenthesis, which the query parser reads as grouping")
        try:
            re.compile(p.replace("\\ ", " "), FLAGS)
        except re.error as exc:
            problems.append(f"{p!r} is not a regexp: {exc}")
    return problems


def search_problems(query: str) -> list[str]:
    """Any search given to paste: its patterns mean the same whatever the user's default pattern type."""
    q = parse(query)
    problems = _pattern_problems(q)
    if q.patterns and [v.lower() for v in q.values("patterntype")] != ["regexp"]:
        problems.append("no patternType:regexp: the default pattern type decides what the patterns mean")
    return problems


def ready_query_problems(query: str, repo: str | None) -> list[str]:
    """A ready query must work whatever the user's default pattern type, and count every case."""
    q = parse(query)
    problems = _pattern_problems(q)
    if [v.lower() for v in q.values("patterntype")] != ["regexp"]:
        problems.append("no patternType:regexp: the default pattern type decides what the patterns mean")
    if q.values("count") != ["all"]:
        problems.append("no count:all: Sourcegraph stops counting at its result limit")
    if len(q.patterns) > 1 and q.values("select") != ["file"]:
        problems.append("several patterns without select:file: Sourcegraph counts lines, not cases")
    if not q.patterns:
        problems.append("no pattern")
    if set(q.operators) - {"AND"}:
        problems.append("an operator other than AND")
    if not q.values("context") and q.values("file") != ["^tickets/"]:
        problems.append("not kept to the case files (file:^tickets/)")
    if repo is not None:
        problems += repo_problems(q, repo)
    return problems


def context_query_problems(query: str) -> list[str]:
    q = parse(query)
    problems = [f"{field}: is not allowed in a search context's query" for field, _ in q.filters
                if field not in CONTEXT_FILTERS]  # fmt: skip
    problems += [f"{p!r}: a search context's query holds no pattern" for p in q.patterns]
    if not q.values("repo"):
        problems.append("no repo: the context would hold every repository")
    return problems


def monitor_problems(query: str) -> list[str]:
    """The rules of the code monitor forms across versions: type:diff or commit, repo:, an explicit patternType."""
    q = parse(query)
    problems = _pattern_problems(q)
    if not {"diff", "commit"} & set(q.values("type")):
        problems.append("no type:diff or type:commit")
    if not q.values("repo"):
        problems.append("no repo: (some versions require one)")
    if [v.lower() for v in q.values("patterntype")] not in (["regexp"], ["literal"], ["structural"]):
        problems.append("no patternType: (some versions require it, others save the trigger as literal)")
    return problems


def repo_problems(q: Query, repo: str) -> list[str]:
    """The repo: filter (a regexp on repository names) selects the archive's repository and no other."""
    values = q.values("repo")
    if len(values) != 1:
        return [f"{len(values)} repo: filters, not one naming {repo}"]
    pattern = re.compile(values[0], re.IGNORECASE)
    others = [repo + "-old", "mirror." + repo, repo.replace(".", "x", 1)]
    if not pattern.search(repo) or any(pattern.search(other) for other in others):
        return [f"repo:{values[0]} does not select exactly {repo}"]
    return []
