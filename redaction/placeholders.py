"""From overlapping detections to one replacement per span, numbered per ticket.

Overlapping detections are merged into one span covering all of them (so no
fragment of any detection survives); the span takes the type of the detection
that covers it whole, or else of the most important one. Placeholders are
typed and numbered in reading order, and the same value (or the same known
person or organization, in any of its forms) gets the same number everywhere
in the ticket. Secrets and card numbers are not numbered: `<SECRET>`.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from typing import Iterable

from redaction.models import PLACEHOLDER, Finding

UNNUMBERED = frozenset({"SECRET", "CREDIT_CARD"})
# Which type a merged span takes when no single detection covers it whole.
_PRIORITY = {
    "SECRET": 100, "CREDIT_CARD": 95, "IBAN": 95, "URL": 90, "EMAIL": 85, "NATIONAL_ID": 80, "PHONE": 70, "IP": 70,
    "STORAGE": 66, "CLOUD_ACCOUNT": 66, "HOST": 65, "ORG": 60, "PERSON": 60, "OWNER": 60, "REPO": 55, "ADDRESS": 55,
}


def _priority(d: Finding) -> int:
    # What the ticket's deny-lists know outranks what a detector guessed (NER's "person" Hooli Cloud).
    known = d.identity is not None and not d.identity.startswith("person:")
    return _PRIORITY.get(d.type, 50) + (5 if known else 0)


def resolve(detections: Iterable[Finding]) -> list[Finding]:
    """Non-overlapping spans, sorted by start, covering every detected character."""
    ordered = sorted(detections, key=lambda d: (d.start, -d.end))
    resolved: list[Finding] = []
    cluster: list[Finding] = []
    cluster_end = -1
    for d in ordered:
        if d.end <= d.start:
            continue
        if cluster and d.start >= cluster_end:
            resolved.append(_merge(cluster))
            cluster = []
        cluster.append(d)
        cluster_end = max(cluster_end, d.end) if len(cluster) > 1 else d.end
    if cluster:
        resolved.append(_merge(cluster))
    return resolved


def _merge(cluster: list[Finding]) -> Finding:
    if len(cluster) == 1:
        return cluster[0]
    start = min(d.start for d in cluster)
    end = max(d.end for d in cluster)
    covering = [d for d in cluster if d.start == start and d.end == end]
    winner = max(covering or cluster, key=lambda d: (_priority(d), d.end - d.start))
    identity = winner.identity
    if identity is None:
        known = [d for d in cluster if d.type == winner.type and d.identity]
        if known:
            identity = max(known, key=lambda d: d.end - d.start).identity
    return Finding(winner.type, start, end, winner.recognizer, winner.score, identity)


def blank_placeholders(text: str) -> str:
    """The text with every placeholder turned to spaces of the same length: what is left is unredacted."""
    return PLACEHOLDER.sub(lambda m: " " * len(m.group()), text)


class Placeholders:
    """One ticket's numbering: `label()` in reading order, `counts` of what was replaced."""

    def __init__(self) -> None:
        self._numbers: dict[str, dict[str, int]] = {}
        self._person_words: dict[str, str] = {}
        self.counts: Counter[str] = Counter()

    def label(self, entity: str, identity: str) -> str:
        if entity in UNNUMBERED:
            return f"<{entity}>"
        table = self._numbers.setdefault(entity, {})
        if identity not in table:
            table[identity] = len(table) + 1
        return f"<{entity}_{table[identity]}>"

    def replace(self, text: str, detections: Iterable[Finding]) -> str:
        out: list[str] = []
        pos = 0
        for d in resolve(detections):
            out.append(text[pos : d.start])
            identity = d.identity or self._identity(d.type, text[d.start : d.end])
            out.append(self.label(d.type, identity))
            self.counts[d.type] += 1
            pos = d.end
        out.append(text[pos:])
        return "".join(out)

    def _identity(self, entity: str, value: str) -> str:
        if entity == "PERSON":
            words = [w.casefold() for w in re.findall(r"[^\W\d_]+", value)]
            key = "person:" + " ".join(words)
            if len(words) == 1 and words[0] in self._person_words:
                return self._person_words[words[0]]  # "Priya" after "Priya Raman"
            if len(words) > 1:
                for word in words:
                    self._person_words.setdefault(word, key)
            return key
        if entity == "ORG":
            return "org:" + re.sub(r"[\W_]+", "", value.casefold())
        if entity == "EMAIL":
            return "email:" + value.casefold()
        if entity == "PHONE":
            return "phone:" + re.sub(r"\D", "", re.split(r"(?i)x|ext", value)[0])[-10:]
        if entity == "IP":
            try:
                return "ip:" + str(ipaddress.ip_interface(value).ip)
            except ValueError:
                return "ip:" + value.casefold()
        if entity == "HOST":
            return "host:" + value.casefold().rstrip(".")
        return f"{entity.lower()}:{value}"
