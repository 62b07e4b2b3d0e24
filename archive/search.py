"""Searching the index (archive.index): ranked full text with exact filters, and snippets.

    result = search_archive(root, '"context deadline exceeded"', Filters(version="3.42"))
    for hit in result.hits:
        print(hit.id, hit.title, hit.snippet)

Tickets that hold the query's words as one exact phrase come first, then the
other matches by bm25; without query words, the newest solved first.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.index import IndexStats, SearchIndex
from archive.query import Filters, Query, filter_sql, parse_query

SNIPPET_TOKENS = 16
PREVIEW_CHARS = 160
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"  # C0 controls never occur in a rendered ticket
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Hit:
    id: int | None
    title: str
    path: str  # relative to the archive, like git shows it
    status: str | None
    versions: tuple[str, ...]
    services: tuple[str, ...]
    solved_at: str | None
    url: str | None
    score: float | None  # bm25, higher is better; None when listing without a query
    fragments: tuple[tuple[str, bool], ...]  # the snippet: (text, is_match) pieces

    @property
    def snippet(self) -> str:
        """The snippet as text, matches in **bold** (Markdown, like the archive)."""
        return "".join(f"**{text}**" if match else text for text, match in self.fragments)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "status": self.status,
            "versions": list(self.versions),
            "services": list(self.services),
            "solved_at": self.solved_at,
            "url": self.url,
            "score": self.score,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    index: IndexStats = field(default_factory=IndexStats)


def search(index: SearchIndex, query: str = "", filters: Filters = Filters(), limit: int = 20) -> list[Hit]:
    """Ranked hits for `query` within `filters`; newest first when the query has no terms.

    Searches the index as it is: call `index.refresh()` first (`search_archive` does)."""
    parsed = parse_query(query)
    return index.read(lambda db: _search(db, parsed, filters, max(1, limit)))


def _search(db: sqlite3.Connection, query: Query, filters: Filters, limit: int) -> list[Hit]:
    expression = query.expression()
    where, params = filter_sql(filters, text=expression is not None)
    if expression is None:
        if query.exclude:
            where.append("d.rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(query.exclude)
        sql = "SELECT d.rowid, NULL FROM docs d" + (" WHERE " + " AND ".join(where) if where else "")
        rows = db.execute(sql + " ORDER BY d.sort_at DESC, d.ticket_id DESC LIMIT ?", (*params, limit)).fetchall()
        return [_hit(db, rowid, None, None) for rowid, _ in rows]

    # Tickets with the words as one exact phrase come first, then the other matches.
    tiers = [expression]
    if query.phrase:
        tiers.insert(0, f"({query.phrase}) NOT ({query.exclude})" if query.exclude else query.phrase)
    join = " JOIN docs d ON d.rowid = f.rowid" if where else ""
    sql = (
        f"SELECT f.rowid, f.rank FROM fts f{join} WHERE fts MATCH ?"
        + "".join(f" AND {w}" for w in where)
        + " ORDER BY f.rank LIMIT ?"
    )
    hits: list[Hit] = []
    seen: set[int] = set()
    for tier in tiers:
        for rowid, rank in db.execute(sql, (tier, *params, limit + len(seen))).fetchall():
            if rowid not in seen and len(hits) < limit:
                seen.add(rowid)
                hits.append(_hit(db, rowid, tier, rank))
        if len(hits) >= limit:
            break
    return hits


def _hit(db: sqlite3.Connection, rowid: int, expression: str | None, rank: float | None) -> Hit:
    ticket_id, title, path, status, solved_at, sort_at, url, versions, services = db.execute(
        "SELECT ticket_id, title, path, status, solved_at, sort_at, url, versions, services"
        " FROM docs WHERE rowid = ?",
        (rowid,),
    ).fetchone()
    if expression is None:
        sql = "SELECT substr(body, 1, ?) FROM fts WHERE rowid = ?"
        row = db.execute(sql, (2 * PREVIEW_CHARS, rowid)).fetchone()
        text = _SPACE.sub(" ", row[0] if row else "").strip()
        snippet = text[:PREVIEW_CHARS].rstrip() + ("…" if len(text) > PREVIEW_CHARS else "")
    else:
        row = db.execute(
            f"SELECT snippet(fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) FROM fts WHERE fts MATCH ? AND rowid = ?",
            (_MARK_OPEN, _MARK_CLOSE, expression, rowid),
        ).fetchone()
        snippet = _SPACE.sub(" ", row[0] if row else "").strip()
    return Hit(
        id=ticket_id,
        title=title,
        path=path,
        status=status,
        versions=tuple(json.loads(versions)),
        services=tuple(json.loads(services)),
        solved_at=solved_at,
        url=url,
        score=None if rank is None else float(f"{-rank:.4g}"),
        fragments=_fragments(snippet),
    )


def _fragments(snippet: str) -> tuple[tuple[str, bool], ...]:
    pieces: list[tuple[str, bool]] = []
    for part in re.split(f"({_MARK_OPEN}[^{_MARK_CLOSE}]*{_MARK_CLOSE})", snippet):
        if part.startswith(_MARK_OPEN):
            pieces.append((part[1:-1], True))
        elif part:
            pieces.append((part, False))
    return tuple(pieces)


# -- the library's entry point -------------------------------------------------------


def search_archive(
    archive_path: Path | str, query: str = "", filters: Filters = Filters(), *, limit: int = 20, reindex: bool = False
) -> SearchResult:
    """Refresh the archive's index (rebuilding it when needed or asked), then search it."""
    with SearchIndex(archive_path) as index:
        stats = index.refresh(rebuild=reindex)
        return SearchResult(hits=search(index, query, filters, limit), index=stats)
