"""`build_dataset`: a deterministic synthetic Zendesk account from the data files.

It invents support conversations about a self-hosted code search product with
customer data planted on purpose: names, emails, phones, organizations,
internal hostnames, IPs, access tokens, passwords, connection strings, license
keys and attachment tokens. `Dataset.planted_sensitive()` lists every planted
value that occurs in the data, so a leak test can assert that none of it
reaches the archive.

Same arguments, same bytes: one `random.Random(seed)` makes every choice in a
fixed order, nothing reads the clock, and no output order depends on string
hashing. Changing a data file changes the datasets, as a new seed would.

Every dataset has a few special tickets: one deleted after it was archived, one
with a 2 MB pasted log (`big_log`), one per trap subject, and one that appears
twice in the incremental stream (`Dataset.repeated_ticket_id`): solved in the
middle, then closed at the end after a follow-up, the way Zendesk re-emits a
ticket that changed while an export was running. After the generated tickets
come the account's corners (data/account.yaml, `exporter.fake.account`): the
sample ticket, voice and social requesters, side-load gaps and the like.
"""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, timezone
from string import Template
from typing import Any

from exporter.fake.account import write_corners
from exporter.fake.catalog import Catalog, load_catalog
from exporter.fake.dataset import Dataset
from exporter.fake.ledger import Ledger
from exporter.fake.people import build_directory
from exporter.fake.records import ARCHIVED_STATUSES, DAY, F_VERSION, comment_record, iso, ticket_fields
from exporter.fake.tickets import TicketWriter
from exporter.fake.values import Values


def build_dataset(tickets: int = 60, seed: int = 7, *, big_log: bool = True, subdomain: str = "example") -> Dataset:
    """A synthetic account with `tickets` tickets; the same arguments give the same bytes."""
    if tickets < 1:
        raise ValueError("tickets must be at least 1")
    return _generate(load_catalog(), random.Random(seed), tickets, seed, big_log, subdomain)


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())


def _generate(catalog: Catalog, rng: random.Random, count: int, seed: int, big_log: bool, subdomain: str) -> Dataset:
    shapes = catalog.shapes
    window = (_midnight(shapes.created_from), _midnight(shapes.created_until))
    values, ledger = Values(rng, catalog), Ledger()
    directory = build_directory(rng, catalog, values, ledger, subdomain, since=window[0])
    writer = TicketWriter(rng, catalog, values, ledger, directory, subdomain, window)
    created = sorted(rng.randint(*window) for _ in range(count))
    ids = [1000 + i + 1 for i in range(count)]

    # Specials take fixed roles; the rest get a ~70% solved/closed mix.
    order = list(range(count))
    repeated = count // 3 if count >= 3 else None
    rng.shuffle(order)
    rest = [i for i in order if i != repeated]
    deleted = rest.pop(0) if count >= 2 else None
    big = rest.pop(0) if big_log and rest else None
    traps = [rest.pop(0) for _ in range(min(len(shapes.trap_subjects), max(0, len(rest) - 4)))]
    statuses: dict[int, str] = {}
    mix = shapes.statuses
    n_unsolved = min(len(rest), round(count * mix.unsolved_share)) if len(rest) >= 4 else 0
    for n, i in enumerate(rest):
        if n < n_unsolved:
            statuses[i] = mix.unsolved[n % len(mix.unsolved)]
        else:
            statuses[i] = "solved" if rng.random() < mix.solved_share else "closed"
    for i in [deleted, big, *traps]:
        if i is not None:
            statuses[i] = "solved" if rng.random() < mix.special_solved_share else "closed"
    if repeated is not None:
        statuses[repeated] = "solved"

    # Scenarios go round-robin, archived tickets first: with a dozen solved tickets every
    # scenario, and so every kind of planted secret, reaches the archive's input.
    ranked = sorted(range(count), key=lambda i: (statuses[i] not in ARCHIVED_STATUSES, rng.random()))
    scenarios = list(catalog.scenarios)
    rng.shuffle(scenarios)
    scenario_of = {i: scenarios[n % len(scenarios)] for n, i in enumerate(ranked)}
    for i in range(count):
        subject = shapes.trap_subjects[traps.index(i)] if i in traps else None
        ledger.scope = ids[i]
        writer.write(ids[i], created[i], statuses[i], scenario_of[i], subject=subject, big=(i == big))
    ledger.scope = None

    stale: list[dict[str, Any]] = []
    end = max(t["generated_timestamp"] for t in writer.tickets.values()) + 3600
    if deleted is not None:
        ticket = writer.tickets[ids[deleted]]
        when = ticket["generated_timestamp"] + rng.randint(2, 40) * DAY
        ticket["status"] = "deleted"
        ticket["updated_at"], ticket["generated_timestamp"] = iso(when), when
        end = max(end, when + 3600)
    if repeated is not None:
        stale.append(_follow_up(rng, catalog, writer, directory.users, ids[repeated], end))
    # Last, from a random stream of their own: the generated tickets stay as they were.
    corners = write_corners(seed, catalog, ledger, directory, writer, subdomain, ids[-1] + 1, window)

    ds = Dataset(
        seed=seed,
        subdomain=subdomain,
        tickets=writer.tickets,
        users=directory.users,
        organizations=directory.organizations,
        comments=writer.comments,
        metric_sets=writer.metrics,
        ticket_fields=ticket_fields(subdomain, catalog.product),
        stale_versions=stale,
        planted={},
        clock=max(t["generated_timestamp"] for t in writer.tickets.values()),
        repeated_ticket_id=ids[repeated] if repeated is not None else None,
        deleted_ticket_id=ids[deleted] if deleted is not None else None,
        big_log_ticket_id=ids[big] if big is not None else None,
        yaml_trap_ticket_ids=sorted(ids[i] for i in traps),
        hidden_users=corners.hidden_users,
        hidden_organizations=corners.hidden_organizations,
        hidden_metric_sets=corners.hidden_metric_sets,
        unrecorded_solves=corners.unrecorded_solves,
        account_tickets=corners.tickets,
        scenarios={ids[i]: scenario_of[i].key for i in range(count)},
    )
    ds.planted = ledger.planted_in(ds)
    return ds


def _follow_up(
    rng: random.Random,
    catalog: Catalog,
    writer: TicketWriter,
    users: dict[int, dict[str, Any]],
    ticket_id: int,
    end: int,
) -> dict[str, Any]:
    """The solved ticket gets a customer's follow-up and the agent's reply, and is closed
    at `end`. Returns its stale (solved) snapshot, which stays in the stream."""
    ticket = writer.tickets[ticket_id]
    stale = copy.deepcopy(ticket)
    solved = ticket["generated_timestamp"]
    requester = users[ticket["requester_id"]]
    agent = users[ticket["assignee_id"]]
    versions = catalog.product.versions
    fix_version = next(cf["value"] for cf in ticket["custom_fields"] if cf["id"] == F_VERSION)
    upgraded_to = versions[min(len(versions) - 1, versions.index(fix_version) + 1)]
    words = catalog.conversation
    follow_up = Template(words.closed_follow_up).substitute(fix_version=upgraded_to)
    when = min(solved + rng.randint(1, 5) * DAY, end - 7200)
    for author, body in ((requester, follow_up), (agent, words.closed_follow_up_reply)):
        comment = comment_record(writer.comment_id(), author["id"], body, True, when, channel="web")
        writer.comments[ticket_id].append(comment)
        when += 1800
    metric = writer.metrics[ticket_id]
    metric.update(
        {
            "reopens": 1,
            "replies": metric["replies"] + 1,
            "solved_at": iso(when),
            "latest_comment_added_at": iso(when - 1800),
            "updated_at": iso(end),
            "status_updated_at": iso(end),
        }
    )
    ticket.update(
        {
            "status": "closed",
            "updated_at": iso(end),
            "generated_timestamp": end,
            "tags": sorted({*ticket["tags"], "follow_up"}),
        }
    )
    return stale
