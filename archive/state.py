"""The run state: `.ticket-archive/state.json`, committed together with the case notes it describes.

    {
      "forgotten": [12345],                                   tickets `forget` took out for good
      "nightly": {"cursor": "MTU3...", "high_water": 1700000000},   where the next export continues
      "withheld": [4242],                                     tickets to retry: redaction or the leak check failed
      "derived": "1-3f9a1c0b2d4e"                             what the notes' signatures and issue links were derived with
    }

`nightly` is there once an export has run; `forgotten` once a ticket was
forgotten; `derived` once a run wrote notes (archive.derived.stamp). Keys
this version does not know are kept as they are, so an older
run never drops what a newer one wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ExportCursor:
    """Where the nightly export continues: Zendesk's incremental export cursor and its fallback."""

    cursor: str | None = None
    # The newest `updated_at` (Unix seconds) the export has seen: where it restarts when the cursor is refused.
    high_water: int = 0


@dataclass
class ArchiveState:
    nightly: ExportCursor | None = None  # None until the first export
    withheld: set[int] = field(default_factory=set)
    forgotten: set[int] = field(default_factory=set)
    derived: str | None = None  # archive.derived.stamp of the notes' derived keys
    others: dict[str, Any] = field(default_factory=dict)  # keys of a newer version, kept as they are

    @classmethod
    def loads(cls, text: str) -> "ArchiveState":
        """The state in `text`; ValueError when it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict):
            return cls()
        others = dict(data)
        nightly = others.pop("nightly", None)
        derived = others.pop("derived", None)
        if nightly is not None and not isinstance(nightly, dict):
            raise ValueError("nightly is not an object")
        try:
            return cls(
                nightly=None if nightly is None else ExportCursor(nightly.get("cursor"), int(nightly.get("high_water") or 0)),
                withheld={int(i) for i in others.pop("withheld", None) or ()},
                forgotten={int(i) for i in others.pop("forgotten", None) or ()},
                derived=None if derived is None else str(derived),
                others=others,
            )
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    def dumps(self) -> bytes:
        data: dict[str, Any] = dict(self.others)
        if self.nightly is not None:
            data["nightly"] = {"cursor": self.nightly.cursor, "high_water": self.nightly.high_water}
        data["withheld"] = sorted(self.withheld)
        if self.forgotten:
            data["forgotten"] = sorted(self.forgotten)
        if self.derived is not None:
            data["derived"] = self.derived
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    def forget(self, ticket_id: int) -> None:
        """Skip this ticket from now on; it is no longer withheld."""
        self.forgotten.add(int(ticket_id))
        self.withheld.discard(int(ticket_id))
