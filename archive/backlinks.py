"""Backlink pages: one per error signature, known issue and Jira key, each listing the cases that have it.

    signatures/README.md               every signature, the most frequent first
    signatures/sig-daf6c5a4a9.md       its template, cases, versions, first and last seen
    issues/README.md                   every known issue the cases link to
    issues/sourcegraph/sourcegraph/46973.md
    jira/README.md, jira/SG-123.md     only when cases cite keys of configured Jira projects

Built from the manifest (archive.manifest) like the other generated pages, as a
pure function of its entries: a run rewrites a page only when its bytes change,
so a new case touches the pages of its own signatures and issues and the
indexes' counts, nothing else. Every line about a case carries the case's link
(`tickets/YYYY/MM/<id>.md`), the same line as on the version pages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from archive.casefile import ISSUES_DIR, JIRA_DIR, SIGNATURES_DIR, issue_file, jira_file, signature_file
from archive.facts import version_key
from archive.manifest import Entry
from archive.pages import GENERATED, _cases, _inline, _list_page
from archive.sourcegraph import SourcegraphQuery, _re
from archive.references import issue_url, jira_url
from archive.settings import NoteSettings
from archive.signatures import SIGNATURE, signatures_of

INDEX = "README.md"  # a directory's README.md is what GitHub and GitLab show under its listing


@dataclass(frozen=True)
class _Kind:
    """One kind of backlink: how to find it on an entry, where its page lives, how the frontmatter names it."""

    key: str  # the frontmatter key
    folder: str
    values: Callable[[Entry], Iterable[str]]
    path: Callable[[str], str]


SIGNATURES = _Kind("signatures", SIGNATURES_DIR, lambda e: e.signatures, signature_file)
ISSUES = _Kind("issues", ISSUES_DIR, lambda e: e.issues, issue_file)
JIRA = _Kind("jira", JIRA_DIR, lambda e: e.jira, jira_file)


def query(kind: _Kind, value: str) -> SourcegraphQuery:
    """The frontmatter regexp that finds the cases with this value, as the version and service pages have."""
    return SourcegraphQuery(
        f"{kind.key} {value}", (rf"^{kind.key}:.*[\[ ]{_re(value)}[,\]]",), lambda e: value in kind.values(e)
    )


def _up(relpath: str) -> str:
    return "../" * relpath.count("/")


def _code(text: str) -> str:
    text = " ".join(text.split())
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def seen(cases: list[Entry]) -> str:
    """`first seen 2023-04-03, last seen 2023-06-01 · reported on 4.1.2 (1), 4.1.3 (2)`: by the day each case was opened."""
    days = sorted(d for d in (e.created or e.solved for e in cases) if d)
    parts = [f"first seen {days[0]}, last seen {days[-1]}"] if days else []
    versions = Counter(e.version for e in cases if e.version)
    if versions:
        ordered = sorted(versions, key=version_key)
        parts.append("reported on " + ", ".join(f"{v} ({versions[v]})" for v in ordered))
    return " · ".join(parts)


def _page(relpath: str, heading: str, intro: list[str], found: SourcegraphQuery, cases: list[Entry], repo: str | None) -> bytes:
    return _list_page(heading, "\n".join(intro), found, cases, repo, up=_up(relpath))


def signature_page(sig: str, template: str, cases: list[Entry], repo: str | None = None) -> bytes:
    relpath = signature_file(sig)
    intro = [
        _code(template),
        "",
        f"{_cases(len(cases)).capitalize()} quote this error; what varies between them (times, numbers, ids, "
        f"addresses, placeholders, paths, pod names) is a hole in the template above. {seen(cases).capitalize()}.",
    ]
    return _page(relpath, f"Error signature {sig}", intro, query(SIGNATURES, sig), cases, repo)


def issue_page(ref: str, cases: list[Entry], repo: str | None = None) -> bytes:
    intro = [f"<{issue_url(ref)}>", "", f"{_cases(len(cases)).capitalize()} link to it. {seen(cases).capitalize()}."]
    return _page(issue_file(ref), f"Known issue {ref}", intro, query(ISSUES, ref), cases, repo)


def jira_page(key: str, cases: list[Entry], settings: NoteSettings, repo: str | None = None) -> bytes:
    url = jira_url(key, settings.jira_url)
    intro = [f"<{url}>", ""] if url else []
    intro.append(f"{_cases(len(cases)).capitalize()} cite it. {seen(cases).capitalize()}.")
    return _page(jira_file(key), f"Jira {key}", intro, query(JIRA, key), cases, repo)


def _index(heading: str, intro: str, columns: str, rows: list[str]) -> bytes:
    lines = [f"# {heading}", "", intro, "", f"_{GENERATED}_", ""]
    if rows:
        lines += [columns, "| ---: | --- | --- | --- |", *rows]
    else:
        lines.append("None yet.")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _last_seen(cases: list[Entry]) -> str:
    return max((d for d in (e.created or e.solved for e in cases) if d), default="")


def _by_count(groups: dict[str, list[Entry]]) -> list[str]:
    return sorted(groups, key=lambda v: (-len(groups[v]), v))


def _versions(cases: list[Entry]) -> str:
    minors = {".".join(e.version.split(".")[:2]) for e in cases if e.version}
    return ", ".join(sorted(minors, key=version_key)) or "—"


def build_backlink_pages(
    entries: Iterable[Entry], settings: NoteSettings, repo: str | None = None
) -> dict[str, bytes]:
    """Every signature, issue and Jira page and their indexes, by path in the archive."""
    entries = sorted(entries, key=lambda e: e.path)
    groups: dict[str, dict[str, list[Entry]]] = {SIGNATURES.key: {}, ISSUES.key: {}, JIRA.key: {}}
    templates: dict[str, str] = {}
    for entry in entries:
        for kind in (SIGNATURES, ISSUES, JIRA):
            for value in kind.values(entry):
                groups[kind.key].setdefault(value, []).append(entry)
        if any(sig not in templates for sig in entry.signatures):
            for sig, text in signatures_of(entry.errors).items():
                templates.setdefault(sig, text)
    pages: dict[str, bytes] = {}

    signatures = groups[SIGNATURES.key]
    for sig, cases in signatures.items():
        if SIGNATURE.match(sig):
            pages[signature_file(sig)] = signature_page(sig, templates.get(sig, "(the template is not in these notes)"), cases, repo)
    rows = [
        f"| {len(signatures[s])} | [{s}]({s}.md) | {_inline(templates.get(s, ''))} | {_last_seen(signatures[s])} |"
        for s in _by_count(signatures)
    ]
    pages[f"{SIGNATURES_DIR}/{INDEX}"] = _index(
        "Error signatures",
        f"{len(signatures)} errors the cases quote, the most frequent first. Two cases share a signature when they "
        "quote the same error with different times, numbers, ids, hosts, paths or pod names; each page lists the "
        "cases with their resolutions.",
        "| Cases | Signature | Error | Last seen |",
        rows,
    )

    issues = groups[ISSUES.key]
    pages.update({issue_file(ref): issue_page(ref, cases, repo) for ref, cases in issues.items()})
    rows = [
        f"| {len(issues[r])} | [{r}]({issue_file(r)[len(ISSUES_DIR) + 1:]}) | {_versions(issues[r])} | {_last_seen(issues[r])} |"
        for r in _by_count(issues)
    ]
    orgs = ", ".join(settings.issue_orgs) or "none configured"
    pages[f"{ISSUES_DIR}/{INDEX}"] = _index(
        "Known issues",
        f"{len(issues)} GitHub and GitLab issues and pull requests the cases link to (organisations: {orgs}), "
        "the most cited first, with the versions their cases were reported on.",
        "| Cases | Issue | Versions | Last seen |",
        rows,
    )

    jira = groups[JIRA.key]
    if jira or settings.jira_projects:
        pages.update({jira_file(k): jira_page(k, cases, settings, repo) for k, cases in jira.items()})
        rows = [f"| {len(jira[k])} | [{k}]({k}.md) | {_versions(jira[k])} | {_last_seen(jira[k])} |" for k in _by_count(jira)]
        pages[f"{JIRA_DIR}/{INDEX}"] = _index(
            "Jira issues",
            f"{len(jira)} Jira issues the cases cite (projects: {', '.join(settings.jira_projects) or 'none configured'}), "
            "the most cited first.",
            "| Cases | Key | Versions | Last seen |",
            rows,
        )
    return pages
