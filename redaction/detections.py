"""A finding before replacement: which entity, where, how sure, and who or what it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Detection:
    entity: str
    start: int
    end: int
    score: float
    recognizer: str
    # Who or what this is, when a deny-list knows (user:42, org:7); else derived from the text.
    identity: str | None = None
