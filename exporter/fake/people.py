"""The account's people: the vendor's agents and the customers' organizations and users."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from string import Template
from typing import Any

from exporter.fake.catalog import Catalog
from exporter.fake.ledger import Ledger
from exporter.fake.records import DAY, organization_record, user_record
from exporter.fake.values import Values


@dataclass
class Directory:
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[int, dict[str, Any]] = field(default_factory=dict)
    customers_by_org: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    agents: list[dict[str, Any]] = field(default_factory=list)
    # Per organization, the values its tickets mention: name, domain, label, slug, hosts.
    org_values: dict[int, dict[str, str]] = field(default_factory=dict)


def build_directory(
    rng: random.Random, catalog: Catalog, values: Values, ledger: Ledger, subdomain: str, since: int
) -> Directory:
    """Agents, then organizations created before `since` with their users."""
    people, shapes = catalog.people, catalog.shapes
    directory = Directory()
    for i, agent in enumerate(people.agents):
        uid = 361_000_000_101 + i
        local = unicodedata.normalize("NFKD", agent.name.split()[0].lower()).encode("ascii", "ignore").decode()
        email = f"{local}@{subdomain}-support.example.com"
        user = user_record(subdomain, uid, agent.name, email, agent.role, None, None, 0)
        directory.users[uid] = user
        if agent.role == "agent":
            directory.agents.append(user)

    plant = ledger.plant
    chosen = rng.sample(people.organizations, shapes.organizations)
    sizes = [rng.randint(*shapes.people_per_organization) for _ in chosen]
    firsts = rng.sample(people.first_names, sum(sizes))
    lasts = rng.sample(people.last_names, sum(sizes))
    person = 0
    for i, (org, size) in enumerate(zip(chosen, sizes)):
        org_id = 360_100_000_001 + i
        label = org.domain.split(".")[0]
        names = {"domain": org.domain, "label": label}
        hosts = {key: Template(pattern).substitute(names) for key, pattern in catalog.infrastructure.hosts.items()}
        org_values = {
            "name": plant("organization", org.name),
            "domain": plant("domain", org.domain),
            "label": plant("org_label", label),
            "slug": plant("org_tag", re.sub(r"[^a-z0-9]+", "_", org.name.lower()).strip("_")),
            **{key: plant("hostname", host) for key, host in hosts.items()},
        }
        directory.org_values[org_id] = org_values
        created = since - rng.randint(30, 900) * DAY
        updated = created + rng.randint(1, 400) * DAY
        tags = [org_values["slug"], rng.choice(catalog.product.tiers).tag]
        record = organization_record(subdomain, org_id, org.name, org.domain, created, updated, tags)
        directory.organizations[org_id] = record
        members = []
        for _ in range(size):
            first, last = firsts[person], lasts[person]
            person += 1
            uid = 362_000_000_001 + len(directory.users)
            full = plant("person_name", f"{first} {last}")
            plant("person_name_part", first)
            plant("person_name_part", last)
            parts = {"first": first, "last": last, "initial": first[0]}
            local = Template(rng.choice(people.email_locals)).substitute(parts).lower()
            email = plant("email", f"{local}@{org.domain}")
            phone = plant("phone", values.phone()) if rng.random() < shapes.phone_share else None
            user = user_record(subdomain, uid, full, email, "end-user", org_id, phone, created)
            user["details"] = rng.choice(people.job_titles)
            directory.users[uid] = user
            members.append(user)
        directory.customers_by_org[org_id] = members
    return directory

