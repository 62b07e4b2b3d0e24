"""The support retro report: what a period's solved cases say, next to the period before it.

    report = retro_report(root, date(2024, 1, 1), date(2024, 3, 31))
    print(json.dumps(report.to_dict()))          # the stable shape below
    print(report_markdown(report))               # archive.report_markdown: ready to paste

Computed from the archive's files through the search index (a cache of them,
archive.index), so it works on any clone. A case belongs to a period when its
`solved_at` falls in it (UTC days, both ends included); the previous period is
the same number of days right before `since`. Time to resolution is
`solved_at - created_at`. A case needed engineering when it links a known issue
(`issues:` or `jira:` in its frontmatter) or a configured escalation field
(NoteSettings.escalation_fields, e.g. "Escalated to engineering") is true.

The JSON shape (`format` 1; keys are only ever added, under a new format number when one changes meaning):

    {
      "format": 1,
      "period":   {"since": "2024-01-01", "until": "2024-03-31", "days": 91},
      "previous": {"since": "2023-10-02", "until": "2023-12-31", "days": 91},
      "long_days": 7,
      "summary":          SUMMARY of the period,
      "previous_summary": SUMMARY of the previous period,
      "change": {"cases": 4, "median_hours": -2.5, "p90_hours": 10.0,
                 "within_long_days": 0.04, "engineering": -0.02},       this minus previous; null when either is null
      "long_cases": [{"id", "title", "path", "url", "created_at", "solved_at", "days",
                      "version", "services", "issues", "jira", "escalated"}],   longest first
      "by_version":    [{"version": "4.1", "cases": 5, "previous": 3}],        major.minor reported on, or "unknown"
      "by_service":    [{"service": "gitserver", "cases": 3, "previous": 1}],  a case counts for each service it names
      "by_deployment": [{"deployment": "kubernetes", "cases": 20, "previous": 18}],   or "unknown"
      "by_signature":  [{"signature": "sig-…", "template": "…", "cases": 4, "previous": 0}]
    }
    SUMMARY = {"cases": 42, "median_hours": 30.5, "p90_hours": 190.2,   null without cases
               "within_long_days": 0.93, "engineering": 0.12,             shares 0..1, null without cases
               "engineering_cases": 5, "long_cases": 3}

Counts are sorted by cases (this period, then the previous), then name; a row
appears when either period has a case. Hours and days are rounded to 0.1, shares
to 0.001. The 90th percentile is the nearest-rank one (the smallest value with at
least 90% of the cases at or below it); the median is the middle value, or the
mean of the two middle ones.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from archive.facts import major_minor, version_key
from archive.index import IndexStats, SearchIndex
from archive.settings import NoteSettings
from archive.signatures import signatures_of

FORMAT = 1
TRUE_VALUES = frozenset({"true", "yes", "1", "checked", "y"})


@dataclass(frozen=True)
class Case:
    """One solved case as the report reads it."""

    id: int | None
    title: str
    path: str
    url: str | None
    created_at: datetime
    solved_at: datetime
    version: str | None
    services: tuple[str, ...]
    deployment: str | None
    signatures: dict[str, str]  # id -> template
    issues: tuple[str, ...]
    jira: tuple[str, ...]
    escalated: bool

    @property
    def hours(self) -> float:
        return max(0.0, (self.solved_at - self.created_at).total_seconds() / 3600)

    @property
    def engineering(self) -> bool:
        return bool(self.issues or self.jira or self.escalated)


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # inclusive

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def before(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        return Period(self.since - timedelta(days=self.days), self.since - timedelta(days=1))

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat(), "days": self.days}


@dataclass
class RetroReport:
    period: Period
    previous: Period
    long_days: int
    cases: list[Case]
    previous_cases: list[Case]
    index: IndexStats = field(default_factory=IndexStats)

    def summary(self, cases: list[Case]) -> dict[str, Any]:
        hours = sorted(c.hours for c in cases)
        n = len(cases)
        within = sum(1 for h in hours if h <= self.long_days * 24)
        engineering = sum(1 for c in cases if c.engineering)
        return {
            "cases": n,
            "median_hours": round(statistics.median(hours), 1) if n else None,
            "p90_hours": round(hours[math.ceil(0.9 * n) - 1], 1) if n else None,
            "within_long_days": round(within / n, 3) if n else None,
            "engineering": round(engineering / n, 3) if n else None,
            "engineering_cases": engineering,
            "long_cases": n - within,
        }

    def long_cases(self) -> list[Case]:
        return sorted((c for c in self.cases if c.hours > self.long_days * 24), key=lambda c: (-c.hours, c.path))

    def counts(self, key: str) -> list[dict[str, Any]]:
        """Cases by version, service, deployment or signature, in both periods."""
        now, before = _count(self.cases, key), _count(self.previous_cases, key)
        names = sorted(set(now) | set(before), key=lambda k: (-now[k], -before[k], _order(key, k)))
        rows = [{key: name, "cases": now[name], "previous": before[name]} for name in names]
        if key == "signature":
            templates = {s: t for c in (*self.cases, *self.previous_cases) for s, t in c.signatures.items()}
            for row in rows:
                row["template"] = templates.get(row["signature"], "")
        return rows

    def to_dict(self) -> dict[str, Any]:
        now, before = self.summary(self.cases), self.summary(self.previous_cases)
        change = {
            "cases": now["cases"] - before["cases"],
            **{k: _minus(now[k], before[k]) for k in ("median_hours", "p90_hours", "within_long_days", "engineering")},
        }
        return {
            "format": FORMAT,
            "period": self.period.to_dict(),
            "previous": self.previous.to_dict(),
            "long_days": self.long_days,
            "summary": now,
            "previous_summary": before,
            "change": change,
            "long_cases": [_long_case(c) for c in self.long_cases()],
            "by_version": self.counts("version"),
            "by_service": self.counts("service"),
            "by_deployment": self.counts("deployment"),
            "by_signature": [
                {"signature": r["signature"], "template": r["template"], "cases": r["cases"], "previous": r["previous"]}
                for r in self.counts("signature")
            ],
        }


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 3)


def _order(key: str, name: str) -> tuple[int, Any]:
    """Names in order, versions numerically; `unknown` and `none named` last."""
    if name in ("unknown", "none named"):
        return (2, ())
    return (0, version_key(name)) if key == "version" else (1, name)


def _count(cases: list[Case], key: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for c in cases:
        if key == "version":
            counts[major_minor(c.version) if c.version else "unknown"] += 1
        elif key == "service":
            counts.update(c.services or ("none named",))
        elif key == "deployment":
            counts[c.deployment or "unknown"] += 1
        else:
            counts.update(list(c.signatures))
    return counts


def _long_case(c: Case) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "path": c.path,
        "url": c.url,
        "created_at": _iso(c.created_at),
        "solved_at": _iso(c.solved_at),
        "days": round(c.hours / 24, 1),
        "version": c.version,
        "services": list(c.services),
        "issues": list(c.issues),
        "jira": list(c.jira),
        "escalated": c.escalated,
    }


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def _escalated(fields: dict[str, Any], titles: tuple[str, ...]) -> bool:
    wanted = {t.casefold() for t in titles}
    return any(str(v).strip().lower() in TRUE_VALUES for k, v in fields.items() if k.casefold() in wanted)


def _cases(index: SearchIndex, period: Period, settings: NoteSettings) -> list[Case]:
    lo = period.since.isoformat()
    hi = (period.until + timedelta(days=1)).isoformat()

    def read(db: Any) -> list[Case]:
        rows = db.execute(
            "SELECT rowid, ticket_id, title, path, url, created_at, solved_at, version, services, deployment, facts"
            " FROM docs WHERE solved_at >= ? AND solved_at < ? ORDER BY solved_at, path",
            (lo, hi),
        ).fetchall()
        cases = []
        for rowid, ticket_id, title, path, url, created, solved, version, services, deployment, facts in rows:
            created_at, solved_at = _time(created), _time(solved)
            if created_at is None or solved_at is None:
                continue
            data = json.loads(facts)
            facets = db.execute("SELECT kind, value FROM facets WHERE doc = ? AND kind IN ('signature', 'issue', 'jira')", (rowid,))
            kinds: dict[str, list[str]] = {"signature": [], "issue": [], "jira": []}
            for kind, value in facets:
                kinds[kind].append(value)
            templates = signatures_of(data.get("errors") or ())
            cases.append(
                Case(
                    id=ticket_id, title=title, path=path, url=url, created_at=created_at, solved_at=solved_at,
                    version=version, services=tuple(json.loads(services)), deployment=deployment,
                    signatures={s: templates.get(s, "") for s in sorted(kinds["signature"])},
                    issues=tuple(sorted(kinds["issue"])), jira=tuple(sorted(kinds["jira"])),
                    escalated=_escalated(data.get("fields") or {}, settings.escalation_fields),
                )
            )  # fmt: skip
        return cases

    return index.read(read)


def retro_report(
    archive_path: Path | str,
    since: date,
    until: date,
    *,
    long_days: int = 7,
    settings: NoteSettings | None = None,
    reindex: bool = False,
) -> RetroReport:
    """Refresh the archive's index, then gather the cases solved in [since, until] and in the period before."""
    settings = settings or NoteSettings()
    period = Period(since, until)
    previous = period.before()
    with SearchIndex(archive_path) as index:
        stats = index.refresh(rebuild=reindex)
        return RetroReport(
            period=period,
            previous=previous,
            long_days=long_days,
            cases=_cases(index, period, settings),
            previous_cases=_cases(index, previous, settings),
            index=stats,
        )
