"""What the archive asks of Sourcegraph: its ready queries, the search context and the code monitor.

Each query names everything it relies on, so it works whatever a user's
default pattern type is (keyword since Sourcegraph 5.4, standard before it,
or literal where an admin chose that):

    repo:^github\\.com/acme/cases$ file:^tickets/ patternType:regexp count:all ^deployment:\\ kubernetes$

- `patternType:regexp`: the patterns are RE2 regexps. They are written bare,
  with spaces escaped (`\\ `), not inside `/…/`: a literal default would turn
  `/…/` into text, and an unescaped space in a regexp pattern means "anything
  in between". No pattern holds a quote, which the parser reads as a phrase.
- `count:all`: the count Sourcegraph shows is every match, not the first page.
  A one-pattern query matches one frontmatter line per case; a query of several
  patterns (`A AND B`, each must match somewhere in the file) also carries
  `select:file`, so that it too counts cases, not lines.
- Matching is per line (`^`/`$` at line ends) and case-insensitive, as in
  Sourcegraph. Each pattern wants a frontmatter line's form (a whole
  `key: value` line, or a one-line list `[…]`), since the conversation below it
  can hold a line such as `Version: 4.1.3 (helm)`; only a conversation line that
  is exactly a frontmatter line would be found too.

`SourcegraphQuery.matches` states the same condition over a manifest entry,
which is how the pages count without reading every file; the tests hold the
two together by matching the files as Sourcegraph does (tests/sourcegraph_query.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections import Counter
from typing import Callable, Iterable
from urllib.parse import urlsplit

from archive.casefile import TICKETS_DIR
from archive.facts import major_minor, version_key
from archive.manifest import Entry

# The repository name the READMEs show when the archive has no known name on Sourcegraph.
PLACEHOLDER_REPO = "github.com/ORG/REPO"
TICKET_FILES_FILTER = f"file:^{TICKETS_DIR}/"
REGEXP = "patternType:regexp"
# A new case file's first line, as the code monitor looks for it among the added lines.
NEW_CASE = r"^id:\ \d+$"


def _re(text: str) -> str:
    """Escape for RE2: punctuation only, never letters, digits or spaces."""
    return re.sub(r"([.^$*+?()\[\]{}|\\/])", r"\\\1", text)


def bare(regexp: str) -> str:
    """A regexp as a bare pattern of a `patternType:regexp` query: its spaces escaped.

    The regexps built here hold no other whitespace and no quote."""
    return regexp.replace(" ", "\\ ")


def repo_filter(repo: str) -> str:
    return "repo:^" + re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", repo) + "$"


@dataclass(frozen=True)
class SourcegraphQuery:
    label: str
    patterns: tuple[str, ...]  # regexps on one frontmatter line each, all must match (AND)
    matches: Callable[[Entry], bool]

    def text(self, repo: str | None) -> str:
        """The query to paste: filters first, then the patterns joined by AND."""
        filters = [repo_filter(repo)] if repo else []
        filters += [TICKET_FILES_FILTER, REGEXP, "count:all"]
        if len(self.patterns) > 1:
            filters.append("select:file")
        return " ".join([*filters, " AND ".join(bare(p) for p in self.patterns)])

    def count(self, entries: Iterable[Entry]) -> int:
        return sum(1 for e in entries if self.matches(e))


def reported_on(minor: str) -> SourcegraphQuery:
    # `version: 4.1.3`, or `version: '4.1'` when YAML quotes it; never 4.10 nor 14.1.
    return SourcegraphQuery(
        f"reported on {minor}",
        (rf"^version: \W?{_re(minor)}\b[.\d]*\W?$",),
        lambda e: e.version is not None and major_minor(e.version) == minor,
    )


def mentioning(minor: str) -> SourcegraphQuery:
    # An item of the one-line list (after `[` or a space) that starts with the version: not 3.4.1 for 4.1.
    return SourcegraphQuery(
        f"mentioning {minor}",
        (rf"^versions: .*[\[ ]\W?{_re(minor)}\b[^\]]*\]$",),
        lambda e: any(major_minor(v) == minor for v in e.versions),
    )


def naming_service(name: str) -> SourcegraphQuery:
    return SourcegraphQuery(
        f"naming {name}", (rf"^services: .*[\[ ]{_re(name)}[,\]]",), lambda e: name in e.services
    )


def deployed_on(kind: str) -> SourcegraphQuery:
    return SourcegraphQuery(f"on {kind}", (rf"^deployment: {_re(kind)}$",), lambda e: e.deployment == kind)


def with_error(fragment: str) -> SourcegraphQuery:
    # Case-insensitive, as Sourcegraph matches; the fragment holds only letters, digits and spaces.
    folded = fragment.casefold()
    return SourcegraphQuery(
        f"with the error “{fragment}”",
        (rf"^errors: \[.*{_re(fragment)}",),
        lambda e: any(folded in x.casefold() for x in e.errors),
    )


def all_of(*queries: SourcegraphQuery) -> SourcegraphQuery:
    return SourcegraphQuery(
        " · ".join(q.label for q in queries),
        tuple(p for q in queries for p in q.patterns),
        lambda e: all(q.matches(e) for q in queries),
    )


def error_fragment(message: str) -> str | None:
    """The longest run of plain words in an error message: searchable as is, in any quoting."""
    runs = [r.strip() for r in re.findall(r"[A-Za-z0-9][A-Za-z0-9 ]*[A-Za-z0-9]", message)]
    best = max(runs, key=len, default="")
    return best if len(best) >= 6 else None


def readme_queries(entries: list[Entry]) -> list[SourcegraphQuery]:
    """Ready queries, with values this archive holds: the newest version, the commonest service and error."""
    queries: list[SourcegraphQuery] = []
    minors = sorted({major_minor(e.version) for e in entries if e.version}, key=version_key)
    newest = minors[-1] if minors else None
    if newest:
        queries += [reported_on(newest), mentioning(newest)]
    services = Counter(s for e in entries for s in e.services)
    top_service = min(services, key=lambda s: (-services[s], s)) if services else None
    if top_service:
        queries.append(naming_service(top_service))
    errors = Counter(f for e in entries for f in {error_fragment(x) for x in e.errors} if f)
    if errors:
        queries.append(with_error(min(errors, key=lambda f: (-errors[f], f))))
    deployments = Counter(e.deployment for e in entries if e.deployment)
    queries += [deployed_on(d) for d in sorted(deployments, key=lambda d: (-deployments[d], d))]
    if newest:
        on_newest = [e for e in entries if reported_on(newest).matches(e)]
        kinds = Counter(e.deployment for e in on_newest if e.deployment)
        names = Counter(s for e in on_newest for s in e.services)
        parts = [reported_on(newest)]
        if kinds:
            parts.append(deployed_on(min(kinds, key=lambda d: (-kinds[d], d))))
        if names:
            parts.append(naming_service(min(names, key=lambda s: (-names[s], s))))
        if len(parts) > 1:
            queries.append(all_of(*parts))
    return queries


def context_query(repo: str | None) -> str:
    """The query of the search context: the case files of the archive's repository.

    A query-based context may hold only repo, rev, file, lang, case, fork,
    archived and visibility filters, and no pattern."""
    return f"{repo_filter(repo or PLACEHOLDER_REPO)} {TICKET_FILES_FILTER}"


def monitor_query(repo: str | None) -> str:
    """The code monitor's trigger: a new case file adds its `id:` line.

    Code monitors need `type:diff` (or commit), some versions a `repo:` and an
    explicit `patternType:`, without which a saved trigger became literal."""
    return (
        f"{repo_filter(repo or PLACEHOLDER_REPO)} type:diff select:commit.diff.added "
        f"{TICKET_FILES_FILTER} {REGEXP} {NEW_CASE}"
    )


def context_example(spec: str) -> str:
    """A search within the context (the context's own query scopes it to the case files)."""
    return f"context:{spec} {REGEXP} {bare(naming_service('gitserver').patterns[0])} AND OOMKilled"


def sourcegraph_repo_name(remote_url: str) -> str | None:
    """`github.com/acme/cases` from a clone URL (https, ssh or scp-like); None for local paths.

    Credentials in the URL are dropped, never copied."""
    url = remote_url.strip()
    scp = re.match(r"^(?:[\w.-]+@)?([\w.-]+\.[a-z]{2,}):(?!//)(.+)$", url, re.I)
    if scp:
        host, path = scp.group(1), scp.group(2)
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "ssh", "git") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    if not path or not re.fullmatch(r"[\w.~-]+(?:/[\w.~-]+)*", path):
        return None
    return f"{host.lower()}/{path}"
