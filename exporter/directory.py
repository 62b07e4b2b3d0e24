"""The account's users and organizations as far as a run has needed them: side-loaded, or fetched in bulk.

Side-loads have gaps: a page of the export may name a requester, a CC or an
organization it does not carry, and a comment may come from a user nobody
side-loaded. Everything a ticket names is looked up here before the ticket is
redacted, so its deny-lists and its comment authors are complete: what no
side-load brought is fetched with `users/show_many` and
`organizations/show_many`, 100 ids a request. Ids Zendesk no longer knows
stay unknown (and are asked for once per run).

Used from several threads (the planner, the comment fetchers, the events walk);
the records are raw Zendesk JSON, unredacted, and nothing here logs them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Iterable, Mapping

from exporter.client import ZendeskClient

# Records kept at most, per kind: a long backfill's people stay in memory once, not per ticket.
CACHED = 20_000
BATCH = 100

Raw = dict[str, Any]


class Directory:
    def __init__(self, client: ZendeskClient, *, cached: int = CACHED, counted: Callable[[], None] | None = None) -> None:
        self.client = client
        self.cached = cached
        self._counted = counted or (lambda: None)
        self._lock = threading.Lock()
        self._users: OrderedDict[int, Raw] = OrderedDict()
        self._organizations: OrderedDict[int, Raw] = OrderedDict()
        self._missing_users: set[int] = set()
        self._missing_organizations: set[int] = set()

    def remember(self, users: Iterable[Mapping[str, Any]] = (), organizations: Iterable[Mapping[str, Any]] = ()) -> None:
        """Records a side-load brought (so later tickets naming them need no request)."""
        with self._lock:
            for cache, records in ((self._users, users), (self._organizations, organizations)):
                for record in records:
                    try:
                        cache[int(record["id"])] = dict(record)
                    except (KeyError, TypeError, ValueError):
                        continue  # unreadable: the ticket that names it is reported where it is read
                    cache.move_to_end(int(record["id"]))
                self._trim(cache)

    def users(self, ids: Iterable[Any]) -> dict[int, Raw]:
        """The users with these ids, fetched when no side-load brought them."""
        return self._lookup(ids, self._users, self._missing_users, self.client.show_many_users)

    def organizations(self, ids: Iterable[Any]) -> dict[int, Raw]:
        """The organizations with these ids, fetched when no side-load brought them."""
        return self._lookup(ids, self._organizations, self._missing_organizations, self.client.show_many_organizations)

    def _lookup(
        self,
        ids: Iterable[Any],
        cache: OrderedDict[int, Raw],
        missing: set[int],
        fetch: Callable[[list[int]], list[dict[str, Any]]],
    ) -> dict[int, Raw]:
        wanted = {int(i) for i in ids if isinstance(i, int) and not isinstance(i, bool)}
        with self._lock:
            found = {i: cache[i] for i in wanted if i in cache}
            absent = sorted(wanted - set(found) - missing)
        for start in range(0, len(absent), BATCH):
            batch = absent[start : start + BATCH]
            records = fetch(batch)
            self._counted()
            with self._lock:
                for record in records:
                    try:
                        record_id = int(record["id"])
                    except (KeyError, TypeError, ValueError):
                        continue
                    cache[record_id] = dict(record)
                    if record_id in wanted:
                        found[record_id] = cache[record_id]
                missing.update(i for i in batch if i not in found)
                self._trim(cache)
        return found

    def _trim(self, cache: OrderedDict[int, Raw]) -> None:
        while len(cache) > self.cached:
            cache.popitem(last=False)
