"""Similar cases, offline: the past cases most like one case, and why each was chosen.

    result = similar_cases(root, 4242, limit=5)
    for match in result.matches:
        print(match.id, match.title, "; ".join(match.why()))

Candidates come from the search index (archive.index): the cases that share a
signature, a known issue or a Jira key with the case (its `facets`), and the
best full-text matches of the case's keywords and title words (FTS5, bm25). Each
candidate is scored by what it shares, every part scaled to 0..1 and weighted:

    signatures   the shared signatures' weight over the case's (rarer ones weigh more: idf)
    issues       the same for known issues and Jira keys
    errors       the share of the case's error words the candidate's errors hold too
    services     the shared services' weight over the case's (idf)
    version      1 for the same major.minor
    text         bm25 of the text query, relative to the best other case

Rare things weigh more because sharing `frontend` says little and sharing
`sig-6f8b48d6fb` says a lot. The score is the weighted sum over the weights of
the parts this case could share (a case without errors, or whose only issue
link no other case has, is not marked down for it), so it lies in 0..1. Nothing is written: the case files never change when new cases
arrive.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.errors import CaseNotFound
from archive.facts import major_minor
from archive.index import IndexStats, SearchIndex
from archive.query import literal
from archive.settings import NoteSettings
from archive.signatures import signatures_of

WEIGHTS = {"signatures": 3.0, "issues": 3.0, "errors": 1.0, "services": 1.0, "version": 0.5, "text": 2.0}
TEXT_CANDIDATES = 200
MAX_TERMS = 30
_WORD = re.compile(r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*")


@dataclass(frozen=True)
class Listed:
    """A case as a result shows it."""

    id: int | None
    title: str
    path: str
    url: str | None
    solved_at: str | None
    version: str | None
    services: tuple[str, ...]


@dataclass(frozen=True)
class _Case(Listed):
    rowid: int
    errors: tuple[str, ...]
    keywords: frozenset[str]
    facets: frozenset[tuple[str, str]]  # (kind, value): signature, issue, jira, service


@dataclass(frozen=True)
class Match(Listed):
    score: float  # 0..1
    parts: dict[str, float]  # each part's 0..1 value before weighting
    signatures: tuple[tuple[str, str], ...] = ()  # shared: (id, template)
    issues: tuple[str, ...] = ()  # shared issues and Jira keys
    shared_services: tuple[str, ...] = ()
    same_version: str | None = None  # the major.minor both were reported on
    error_terms: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    def why(self) -> list[str]:
        """Why it was chosen, most telling first."""
        reasons = [f"shared signature {sig} `{template}`" for sig, template in self.signatures]
        reasons += [f"same known issue {ref}" for ref in self.issues]
        if self.error_terms:
            reasons.append("shared error words: " + ", ".join(self.error_terms))
        if self.shared_services:
            reasons.append("same service " + ", ".join(self.shared_services))
        if self.same_version:
            reasons.append(f"same version {self.same_version}")
        if self.terms:
            reasons.append("shared terms: " + ", ".join(self.terms))
        return reasons or ["similar text"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "path": self.path,
            "url": self.url,
            "solved_at": self.solved_at,
            "version": self.version,
            "services": list(self.services),
            "score": self.score,
            "why": self.why(),
            "shared": {
                "signatures": [{"id": s, "template": t} for s, t in self.signatures],
                "issues": list(self.issues),
                "services": list(self.shared_services),
                "version": self.same_version,
                "error_terms": list(self.error_terms),
                "terms": list(self.terms),
            },
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
        }


@dataclass(frozen=True)
class SimilarResult:
    case: dict[str, Any]  # the case asked about: id, title, path
    matches: list[Match]
    index: IndexStats = field(default_factory=IndexStats)

    def to_dict(self) -> dict[str, Any]:
        return {"case": self.case, "similar": [m.to_dict() for m in self.matches]}


def similar_cases(
    archive_path: Path | str,
    ticket_id: int,
    *,
    limit: int = 5,
    settings: NoteSettings | None = None,
    reindex: bool = False,
) -> SimilarResult:
    """Refresh the archive's index, then rank the cases most like ticket `ticket_id`; CaseNotFound when it is not archived."""
    stop_words = (settings or NoteSettings()).stop_words
    with SearchIndex(archive_path) as index:
        stats = index.refresh(rebuild=reindex)
        source, matches = index.read(lambda db: _rank(db, ticket_id, limit, stop_words))
    case = {"id": source.id, "title": source.title, "path": source.path}
    return SimilarResult(case=case, matches=matches, index=stats)


def _load(db: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[_Case]:
    rows = db.execute(
        "SELECT rowid, ticket_id, title, path, url, solved_at, version, services, facts FROM docs WHERE " + where,
        params,
    ).fetchall()
    cases = []
    for rowid, ticket_id, title, path, url, solved_at, version, services, facts in rows:
        data = json.loads(facts)
        facets = db.execute(
            "SELECT kind, value FROM facets WHERE doc = ? AND kind IN ('signature', 'issue', 'jira', 'service')",
            (rowid,),
        ).fetchall()
        cases.append(
            _Case(
                ticket_id, title, path, url, solved_at, version, tuple(json.loads(services)),
                rowid, tuple(data.get("errors") or ()), frozenset(data.get("keywords") or ()), frozenset(facets),
            )
        )  # fmt: skip
    return cases


def _words(text: str, stop_words: frozenset[str]) -> list[str]:
    """Lower-case words and dotted names, without stop words, numbers or placeholder names."""
    text = re.sub(r"<[^<>\s]{1,40}>", " ", text.lower())
    return [w for w in _WORD.findall(text) if len(w) >= 3 and w not in stop_words]


def _terms(case: _Case, stop_words: frozenset[str]) -> list[str]:
    """What the text query looks for: the case's keywords, then its title's words."""
    terms = dict.fromkeys(k for k in sorted(case.keywords) if "<" not in k)
    terms.update(dict.fromkeys(_words(case.title, stop_words)))
    return list(terms)[:MAX_TERMS]


def _rank(db: sqlite3.Connection, ticket_id: int, limit: int, stop_words: frozenset[str]) -> tuple[_Case, list[Match]]:
    found = _load(db, "ticket_id = ? ORDER BY path LIMIT 1", (int(ticket_id),))
    if not found:
        raise CaseNotFound(f"ticket {ticket_id} is not in the archive (no tickets/*/*/{ticket_id}.md)")
    source = found[0]
    total = db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def df(kind: str, value: str) -> int:
        return db.execute("SELECT count(*) FROM facets WHERE kind = ? AND value = ?", (kind, value)).fetchone()[0]

    # What only this case has cannot be shared: it neither finds candidates nor lowers the score.
    counts = {facet: df(*facet) for facet in source.facets}
    weight = {facet: math.log(1 + total / n) for facet, n in counts.items() if n > 1}

    # Candidates: cases sharing a signature, issue or Jira key, and the best text matches.
    pool: set[int] = set()
    for kind, value in weight:
        if kind != "service":
            pool.update(r for (r,) in db.execute("SELECT doc FROM facets WHERE kind = ? AND value = ?", (kind, value)))
    terms = _terms(source, stop_words)
    text: dict[int, float] = {}
    if terms:
        rows = db.execute(
            "SELECT rowid, rank FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT ?",
            (" OR ".join(literal(t) for t in terms), TEXT_CANDIDATES + 1),
        ).fetchall()
        text = {rowid: -rank for rowid, rank in rows if rowid != source.rowid}
    pool.update(text)
    pool.discard(source.rowid)
    best_text = max(text.values(), default=0.0)

    source_errors = set(_words(" ".join(source.errors), stop_words))
    source_templates = signatures_of(source.errors)
    has = {
        "signatures": any(k == "signature" for k, _ in weight),
        "issues": any(k in ("issue", "jira") for k, _ in weight),
        "errors": bool(source_errors),
        "services": bool(source.services),
        "version": source.version is not None,
        "text": best_text > 0,
    }
    possible = sum(WEIGHTS[p] for p, present in has.items() if present) or 1.0

    def share(kinds: tuple[str, ...], other: _Case) -> tuple[float, list[tuple[str, str]]]:
        mine = [f for f in weight if f[0] in kinds]
        shared = [f for f in mine if f in other.facets]
        whole = sum(weight[f] for f in mine)
        return (sum(weight[f] for f in shared) / whole if whole else 0.0), sorted(shared, key=lambda f: -weight[f])

    matches = []
    minor = major_minor(source.version) if source.version else None
    for other in _load_many(db, pool):
        if other.id == source.id:
            continue
        parts: dict[str, float] = {}
        parts["signatures"], sigs = share(("signature",), other)
        parts["issues"], refs = share(("issue", "jira"), other)
        parts["services"], services = share(("service",), other)
        other_errors = set(_words(" ".join(other.errors), stop_words))
        error_terms = sorted(source_errors & other_errors)
        parts["errors"] = len(error_terms) / len(source_errors) if source_errors else 0.0
        same = minor is not None and other.version is not None and major_minor(other.version) == minor
        parts["version"] = 1.0 if same else 0.0
        parts["text"] = text.get(other.rowid, 0.0) / best_text if best_text else 0.0
        score = sum(WEIGHTS[p] * v for p, v in parts.items()) / possible
        if score <= 0:
            continue
        shown_terms = [t for t in terms if t in other.keywords or t in _words(other.title, stop_words)]
        matches.append(
            Match(
                id=other.id, title=other.title, path=other.path, url=other.url, solved_at=other.solved_at,
                version=other.version, services=other.services, score=round(score, 3), parts=parts,
                signatures=tuple((v, source_templates.get(v, "")) for _, v in sigs),
                issues=tuple(v for _, v in refs), shared_services=tuple(v for _, v in services),
                same_version=minor if same else None, error_terms=tuple(error_terms)[:8], terms=tuple(shown_terms[:8]),
            )
        )  # fmt: skip
    matches.sort(key=lambda m: (-m.score, -(m.solved_at is not None), m.solved_at or "", m.path))
    # Newest first among equals would favour the latest; the order above keeps ties stable by date then path.
    return source, matches[:limit]


def _load_many(db: sqlite3.Connection, rowids: set[int]) -> list[_Case]:
    ordered = sorted(rowids)
    cases: list[_Case] = []
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        cases += _load(db, f"rowid IN ({','.join('?' * len(chunk))})", tuple(chunk))
    return cases
