"""The evaluation set's records and ground truth: what kinds are planted, where, and how a value is matched.

Shared by the generator (which records what it plants) and the scorer (which
looks for it in redacted output), so both use the same edges.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Mapping

from redaction.records import Ticket

SENSITIVE_KINDS: tuple[str, ...] = (
    "person",
    "email",
    "phone",
    "org_name",
    "org_tag",
    "host",
    "ip",
    "access_token",
    "password",
    "license_key",
    "attachment_token",
)
FACT_KINDS: tuple[str, ...] = (
    "version",
    "service",
    "config_key",
    "error",
    "path",
    "commit",
    "command",
    "http_status",
    "datetime",
    "public_url",
)
# Thresholds from issue 3: the share of planted values that may leak, per kind.
LEAK_LIMITS: Mapping[str, float] = {kind: (0.01 if kind == "person" else 0.0) for kind in SENSITIVE_KINDS}
# ... and the share of planted technical facts that must be kept, all kinds together.
MIN_FACTS_KEPT = 0.98

DEFAULT_SEED = 1234
# About 20 planted values a ticket: ~2,000 in all, so 1% of person names is several names,
# while a full run (model load included) stays well under a minute on 2 cores.
DEFAULT_TICKETS = 100

LOCATIONS = ("subject", "description", "comment", "tag", "custom_field", "attachment")

# Parts of the names above that are ordinary words or particles: finding one of them
# alone in the output says nothing about the customer, so only the full name counts.
_COMMON_NAME_PARTS = frozenset({"grace", "mark", "will", "young", "hall", "king", "van", "der", "doe"})



@dataclass(frozen=True)
class Planted:
    """One value put into a ticket on purpose, and where in the ticket it occurs."""

    kind: str
    value: str
    where: tuple[str, ...]  # a subset of LOCATIONS, in that order


@dataclass(frozen=True)
class EvalTicket:
    ticket: Ticket
    sensitive: tuple[Planted, ...]
    facts: tuple[Planted, ...]


@dataclass(frozen=True)
class EvalSet:
    seed: int
    items: tuple[EvalTicket, ...]

    def sensitive_counts(self) -> dict[str, int]:
        counts = Counter(p.kind for item in self.items for p in item.sensitive)
        return {kind: counts[kind] for kind in SENSITIVE_KINDS}

    def fact_counts(self) -> dict[str, int]:
        counts = Counter(p.kind for item in self.items for p in item.facts)
        return {kind: counts[kind] for kind in FACT_KINDS}

    @property
    def planted_total(self) -> int:
        return sum(len(item.sensitive) for item in self.items)


def name_parts(name: str) -> tuple[str, ...]:
    """The parts of a person's name that identify them on their own (>= 3 letters, not a common word)."""
    parts = []
    for part in re.split(r"[\s\-]+", name):
        letters = re.sub(r"[^\w]|\d|_", "", part)
        if len(letters) >= 3 and part.lower() not in _COMMON_NAME_PARTS and part not in parts:
            parts.append(part)
    return tuple(parts)


def ticket_texts(ticket: Ticket) -> list[tuple[str, str]]:
    """(location, text) for every customer-visible string of an input ticket."""
    texts = [("subject", ticket.subject), ("description", ticket.description)]
    texts += [("tag", tag) for tag in ticket.tags]
    texts += [("custom_field", f.value) for f in ticket.custom_fields]
    for comment in ticket.comments:
        texts.append(("comment", comment.body))
        texts += [("attachment", a.file_name) for a in comment.attachments]
    return texts


# ---------------------------------------------------------------------------
# Matching: the same edges for the generator's bookkeeping and for scoring.
# ---------------------------------------------------------------------------


def edged(value: str) -> str:
    """The value at letter/digit edges only: `git.acme-corp.com` still contains the host `acme-corp.com`."""
    pattern = re.escape(value)
    if value[:1].isalnum():
        pattern = r"(?<![^\W_])" + pattern
    if value[-1:].isalnum():
        pattern += r"(?![^\W_])"
    return pattern


def sensitive_pattern(value: str) -> re.Pattern[str]:
    return re.compile(edged(value), re.IGNORECASE)


def fact_pattern(value: str) -> re.Pattern[str]:
    # Stricter edges: `5.1` does not occur in `5.1.2`, nor `gitserver-0` in `gitserver-0.gitserver`.
    pattern = re.escape(value)
    if value[:1].isalnum():
        pattern = r"(?<![^\W_])(?<![^\W_][.])" + pattern
    if value[-1:].isalnum():
        pattern += r"(?![^\W_])(?![.][^\W_])"
    return re.compile(pattern)


def person_patterns(name: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(part, sensitive_pattern(part)) for part in name_parts(name)]
