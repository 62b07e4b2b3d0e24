"""Measures a redactor on the evaluation set: leaks of planted values, facts kept, and the per-kind table.

How `score` counts, and why: see the package docstring.
"""

from __future__ import annotations

import difflib
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Protocol, Sequence

from redaction.records import Ticket
from tests.evalset.truth import (
    FACT_KINDS,
    LEAK_LIMITS,
    MIN_FACTS_KEPT,
    SENSITIVE_KINDS,
    EvalSet,
    EvalTicket,
    Planted,
    fact_pattern,
    person_patterns,
    sensitive_pattern,
    ticket_texts,
)

if TYPE_CHECKING:
    from redaction.models import RedactedTicket



class TicketRedactor(Protocol):
    def redact_ticket(self, ticket: Ticket) -> "RedactedTicket": ...


@dataclass(frozen=True)
class Leak:
    ticket_id: int
    kind: str
    value: str
    part: str | None = None  # set when only this part of a person's name survived
    context: str = ""  # ~40 characters of redacted output around the first leaked occurrence


@dataclass(frozen=True)
class DestroyedFact:
    ticket_id: int
    kind: str
    value: str
    context: str  # ~40 characters of redacted text around where the fact was


@dataclass(frozen=True)
class Withheld:
    ticket_id: int
    reason: str  # the RedactionError message: ids and kinds, never ticket text


@dataclass(frozen=True)
class Report:
    seed: int
    tickets: int
    planted: Mapping[str, int]  # sensitive kind -> values planted
    facts: Mapping[str, int]  # fact kind -> facts planted
    kept: Mapping[str, int]  # fact kind -> facts kept
    withheld_values: Mapping[str, int]  # sensitive kind -> values in withheld tickets
    leaks: tuple[Leak, ...]
    destroyed: tuple[DestroyedFact, ...]
    withheld: tuple[Withheld, ...]
    seconds: float = 0.0

    def leaked(self, kind: str) -> int:
        return sum(1 for leak in self.leaks if leak.kind == kind)

    def leak_rate(self, kind: str) -> float:
        return self.leaked(kind) / self.planted[kind] if self.planted.get(kind) else 0.0

    @property
    def full_name_leaks(self) -> int:
        return sum(1 for leak in self.leaks if leak.kind == "person" and leak.part is None)

    @property
    def part_leaks(self) -> int:
        return sum(1 for leak in self.leaks if leak.kind == "person" and leak.part is not None)

    @property
    def facts_total(self) -> int:
        return sum(self.facts.values())

    @property
    def kept_total(self) -> int:
        return sum(self.kept.values())

    @property
    def kept_rate(self) -> float:
        return self.kept_total / self.facts_total if self.facts_total else 1.0

    def failures(self) -> list[str]:
        """One line per threshold of issue 3 that does not hold; empty when all hold."""
        out = []
        for kind in SENSITIVE_KINDS:
            limit = LEAK_LIMITS[kind]
            if self.planted.get(kind) and self.leak_rate(kind) > limit:
                out.append(f"{kind}: {self.leaked(kind)} of {self.planted[kind]} leaked ({self.leak_rate(kind):.1%}, limit {limit:.0%})")
        if self.kept_rate < MIN_FACTS_KEPT:
            out.append(f"facts: {self.kept_total} of {self.facts_total} kept ({self.kept_rate:.1%}, need {MIN_FACTS_KEPT:.0%})")
        return out


def rendered_strings(redacted: "RedactedTicket") -> list[str]:
    """Every string of a redacted ticket that reaches the archive."""
    strings = [redacted.title, redacted.url, redacted.status, redacted.priority or "", redacted.type or "", redacted.channel or ""]
    strings += list(redacted.tags)
    for title, value in redacted.custom_fields:
        strings += [title, value]
    for comment in redacted.comments:
        strings += [comment.author, comment.author_role, comment.body, *comment.attachments]
    return strings


def _pairs(ticket: Ticket, redacted: "RedactedTicket") -> list[tuple[str, str]]:
    """(input text, redacted text) for the strings whose correspondence is known, for showing context."""
    pairs = [(ticket.subject, redacted.title), (" ".join(ticket.tags), " ".join(redacted.tags))]
    fields = sorted(ticket.custom_fields, key=lambda f: f.id)
    pairs += [(f.value, value) for f, (_, value) in zip(fields, redacted.custom_fields)]
    for comment, out in zip(ticket.comments, redacted.comments):
        pairs.append((comment.body, out.body))
        pairs += list(zip((a.file_name for a in comment.attachments), out.attachments))
    return pairs


def _context(pairs: list[tuple[str, str]], pattern: re.Pattern[str], opcodes: dict[int, list], width: int = 40) -> str:
    for n, (original, redacted) in enumerate(pairs):
        if len(pattern.findall(original)) <= len(pattern.findall(redacted)):
            continue
        if n not in opcodes:  # one diff per text, however many of its facts were destroyed
            opcodes[n] = difflib.SequenceMatcher(None, original, redacted).get_opcodes()
        for m in pattern.finditer(original):
            # Where did this occurrence's start land in the redacted text?
            j = len(redacted)
            for tag, i1, i2, j1, j2 in opcodes[n]:
                if i1 <= m.start() < i2:
                    j = j1 + (m.start() - i1 if tag == "equal" else 0)
                    break
            lo, hi = max(0, j - width // 2), min(len(redacted), j + width)
            snippet = redacted[lo:hi]
            if pattern.search(snippet) is None:
                return snippet
    return ""


def _around(text: str, found: re.Match[str], width: int = 40) -> str:
    return text[max(0, found.start() - width // 2) : found.end() + width // 2]


def _score_ticket(item: EvalTicket, redacted: "RedactedTicket") -> tuple[list[Leak], list[Planted], list[DestroyedFact]]:
    output = "\n".join(rendered_strings(redacted))
    leaks = []
    for planted in item.sensitive:
        found = sensitive_pattern(planted.value).search(output)
        if found:
            leaks.append(Leak(item.ticket.id, planted.kind, planted.value, context=_around(output, found)))
        elif planted.kind == "person":
            for part, pattern in person_patterns(planted.value):
                found = pattern.search(output)
                if found:
                    leaks.append(Leak(item.ticket.id, planted.kind, planted.value, part=part, context=_around(output, found)))
                    break
    source = "\n".join(text for loc, text in ticket_texts(item.ticket) if loc != "description")
    kept, destroyed = [], []
    pairs = None
    opcodes: dict[int, list] = {}
    for fact in item.facts:
        pattern = fact_pattern(fact.value)
        if len(pattern.findall(output)) >= len(pattern.findall(source)):
            kept.append(fact)
            continue
        pairs = pairs or _pairs(item.ticket, redacted)
        destroyed.append(DestroyedFact(item.ticket.id, fact.kind, fact.value, _context(pairs, pattern, opcodes)))
    return leaks, kept, destroyed


def score(redactor: TicketRedactor, evalset: EvalSet) -> Report:
    """Redact every ticket of `evalset` with `redactor.redact_ticket` and count leaks and kept facts."""
    from redaction.errors import RedactionError  # here, so building a set never needs the engine

    leaks: list[Leak] = []
    destroyed: list[DestroyedFact] = []
    withheld: list[Withheld] = []
    kept: Counter[str] = Counter()
    withheld_values: Counter[str] = Counter()
    seconds = 0.0
    for item in evalset.items:
        started = time.perf_counter()
        try:
            redacted = redactor.redact_ticket(item.ticket)
        except RedactionError as exc:
            seconds += time.perf_counter() - started
            withheld.append(Withheld(item.ticket.id, str(exc)))
            withheld_values.update(p.kind for p in item.sensitive)
            continue
        seconds += time.perf_counter() - started
        ticket_leaks, ticket_kept, ticket_destroyed = _score_ticket(item, redacted)
        leaks += ticket_leaks
        destroyed += ticket_destroyed
        kept.update(p.kind for p in ticket_kept)
    return Report(
        seed=evalset.seed,
        tickets=len(evalset.items),
        planted=evalset.sensitive_counts(),
        facts=evalset.fact_counts(),
        kept={kind: kept[kind] for kind in FACT_KINDS},
        withheld_values={kind: withheld_values[kind] for kind in SENSITIVE_KINDS},
        leaks=tuple(leaks),
        destroyed=tuple(destroyed),
        withheld=tuple(withheld),
        seconds=seconds,
    )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def format_report(report: Report, examples: int = 10) -> str:
    """The per-kind table, the thresholds, and examples of leaks and destroyed facts."""
    lines = [
        f"Redaction evaluation: seed {report.seed}, {report.tickets} tickets, "
        f"{sum(report.planted.values())} sensitive values, {report.facts_total} facts, "
        f"{len(report.withheld)} withheld, {report.seconds:.1f} s redacting",
        "",
        f"{'sensitive':<18}{'planted':>8}{'leaked':>8}{'leak %':>8}{'limit':>7}{'withheld':>10}",
    ]
    for kind in SENSITIVE_KINDS:
        planted, leaked = report.planted[kind], report.leaked(kind)
        flag = "  FAIL" if planted and report.leak_rate(kind) > LEAK_LIMITS[kind] else ""
        lines.append(
            f"{kind:<18}{planted:>8}{leaked:>8}{_pct(leaked, planted):>8}{LEAK_LIMITS[kind]:>7.0%}{report.withheld_values[kind]:>10}{flag}"
        )
        if kind == "person":
            lines.append(f"{'  full name':<18}{'':>8}{report.full_name_leaks:>8}")
            lines.append(f"{'  name part only':<18}{'':>8}{report.part_leaks:>8}")
    lines += ["", f"{'facts':<18}{'planted':>8}{'kept':>8}{'kept %':>8}"]
    for kind in FACT_KINDS:
        lines.append(f"{kind:<18}{report.facts[kind]:>8}{report.kept[kind]:>8}{_pct(report.kept[kind], report.facts[kind]):>8}")
    flag = "  FAIL" if report.kept_rate < MIN_FACTS_KEPT else ""
    lines.append(
        f"{'all facts':<18}{report.facts_total:>8}{report.kept_total:>8}{_pct(report.kept_total, report.facts_total):>8}"
        f"   (need {MIN_FACTS_KEPT:.0%}){flag}"
    )
    if report.withheld:
        lines += ["", f"Withheld tickets ({len(report.withheld)}):"]
        lines += [f"  {w.ticket_id}: {w.reason}" for w in report.withheld[:examples]]
    if report.leaks and examples > 0:
        lines += ["", f"Leaks ({len(report.leaks)}; first {min(examples, len(report.leaks))} by kind):"]
        for leak in _spread(report.leaks, examples):
            part = f" (part {leak.part!r})" if leak.part else ""
            lines.append(f"  ticket {leak.ticket_id} {leak.kind}: {leak.value!r}{part} in …{leak.context!r}…")
    if report.destroyed and examples > 0:
        lines += ["", f"Destroyed facts ({len(report.destroyed)}; first {min(examples, len(report.destroyed))} by kind):"]
        for fact in _spread(report.destroyed, examples):
            lines.append(f"  ticket {fact.ticket_id} {fact.kind}: {fact.value!r} -> …{fact.context!r}…")
    failures = report.failures()
    lines += ["", "Thresholds: " + ("all hold" if not failures else f"{len(failures)} fail")]
    lines += [f"  {f}" for f in failures]
    return "\n".join(lines) + "\n"


def _spread(entries: Sequence, n: int) -> list:
    """Up to n entries, round-robin over kinds, so one noisy kind does not hide the others."""
    by_kind: dict[str, list] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry)
    out: list = []
    while len(out) < n and any(by_kind.values()):
        for kind in list(by_kind):
            if by_kind[kind] and len(out) < n:
                out.append(by_kind[kind].pop(0))
    return out
