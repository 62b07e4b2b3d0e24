"""Search queries as people type them, translated into FTS5 expressions that always parse.

    gitserver oom                   both words
    "context deadline exceeded"     the exact phrase
    gitserv*                        any word starting with gitserv
    gitserver-0  search.largeFiles  one term each: the parts as a phrase, the way the index splits them
    oom OR oomkilled                either word (OR binds its neighbours; the rest is AND)
    -flaky   NOT flaky              leave out tickets with the word

Whatever the user typed reaches FTS5 only inside string literals ("..." with
quotes doubled), so quotes, parentheses, colons, stray operators and stars are
text, never syntax. The index's tokenizer then splits each literal exactly as
it split the tickets, which is what makes `gitserver-0` match `gitserver-0`.
Parentheses do not group; lower-case and/or/not are ordinary words.

The filters become SQL conditions on the index's `docs` table (alias `d`) and
its `facets` table; see archive.index for the schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

# More terms than anyone types; keeps a pasted log file from building a huge expression.
MAX_TERMS = 32

_UNSEARCHABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_LEXEME = re.compile(r'(?P<neg>-?)"(?P<phrase>[^"]*)(?:"|$)(?P<star>\*?)|(?P<word>[^\s"]+)')
_SEARCHABLE = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Query:
    """A translated query; each part is an FTS5 expression or None."""

    match: str | None = None  # what a ticket must contain
    exclude: str | None = None  # what it must not contain
    phrase: str | None = None  # all the words as one exact phrase, to rank exact matches first

    def expression(self) -> str | None:
        """The full FTS5 expression; None when the query has no wanted terms."""
        if self.match is None:
            return None
        return f"({self.match}) NOT ({self.exclude})" if self.exclude else self.match


def literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def parse_query(text: str) -> Query:
    groups: list[list[str]] = []  # ANDed together; the terms inside a group are ORed
    excluded: list[str] = []
    plain_words: list[str] = []
    only_plain = True
    join_next = negate_next = False
    terms = 0
    for lexeme in _LEXEME.finditer(_UNSEARCHABLE.sub(" ", text)):
        if terms >= MAX_TERMS:
            break
        word = lexeme.group("word")
        if word in ("OR", "AND", "NOT"):
            join_next = word == "OR" and bool(groups)
            negate_next = word == "NOT"
            continue
        if word is None:
            negated, body, prefix = bool(lexeme.group("neg")), lexeme.group("phrase"), bool(lexeme.group("star"))
            plain = False
        else:
            negated = word.startswith("-")
            body = word.lstrip("-+")
            prefix = body.endswith("*")
            body = body.rstrip("*")
            plain = not prefix
        if not _SEARCHABLE.search(body):
            continue
        terms += 1
        term = literal(body) + (" *" if prefix else "")
        if negated or negate_next:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
            only_plain = False
        else:
            groups.append([term])
            only_plain = only_plain and plain
            plain_words.append(body)
        join_next = negate_next = False
    match = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups) or None
    phrase = literal(" ".join(plain_words)) if only_plain and len(plain_words) > 1 else None
    return Query(match=match, exclude=" OR ".join(excluded) or None, phrase=phrase)


@dataclass(frozen=True)
class Filters:
    """Exact filters, combined with AND. `version` 3.42 matches 3.42 and every 3.42.x."""

    version: str | None = None
    service: str | None = None
    keyword: str | None = None
    status: str | None = None
    since: date | None = None  # solved on or after this UTC day
    until: date | None = None  # solved on or before this UTC day


def normalize_version(version: str) -> str:
    """`v3.42`, `3.42.x` and `3.42.*` all mean 3.42 and its patches."""
    version = version.strip().lstrip("vV")
    while version.endswith((".x", ".X", ".*", ".")):
        version = version[:-2] if version[-2:] in (".x", ".X", ".*") else version[:-1]
    return version


def filter_sql(filters: Filters, text: bool) -> tuple[list[str], list[Any]]:
    """SQL conditions on `docs d`.

    With a text query (`text`), `+d.rowid` keeps the planner from looping over a
    facet's tickets and running the FTS5 query once per ticket: FTS5 matches
    first, the filters check its hits."""
    where: list[str] = []
    params: list[Any] = []
    facet = ("+" if text else "") + "d.rowid IN (SELECT doc FROM facets WHERE kind = ? AND "
    if filters.version:
        version = normalize_version(filters.version)
        # 3.42 itself, or anything from "3.42." up to (not including) "3.42/": '/' sorts right after '.'.
        where.append(facet + "(value = ? OR (value > ? AND value < ?)))")
        params += ["version", version, version + ".", version + "/"]
    if filters.service:
        where.append(facet + "value = ?)")
        params += ["service", filters.service.strip().lower()]
    if filters.keyword:
        where.append(facet + "value = ?)")
        params += ["keyword", filters.keyword.strip().lower()]
    if filters.status:
        where.append("d.status = ?")
        params.append(filters.status.strip().lower())
    if filters.since:
        where.append("d.sort_at >= ?")
        params.append(filters.since.isoformat())
    if filters.until:
        where.append("d.sort_at < ?")
        params.append((filters.until + timedelta(days=1)).isoformat())
    return where, params
