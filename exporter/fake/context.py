"""The values of one ticket's $placeholders: who writes, about which systems, with which secrets.

Every customer value is planted in the ledger as it is made. The dict is built
in one expression because its order is the order of the random draws.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime, timezone
from string import Template
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from exporter.fake.catalog import Catalog, Deployment, Scenario
from exporter.fake.ledger import Ledger
from exporter.fake.records import DAY, iso
from exporter.fake.values import ALNUM, Values, draw_one, log_ts

# Kubernetes' alphabet for the random suffix of a pod name.
_POD_SUFFIX = "bcdfghjklmnpqrstvwxz2456789"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


@dataclass(frozen=True)
class Parties:
    """Who takes part in a ticket: user records of the requester, a colleague on CC, the agent."""

    requester: dict[str, Any]
    cc: dict[str, Any] | None
    agent: dict[str, Any]


def ticket_context(
    rng: random.Random,
    catalog: Catalog,
    values: Values,
    ledger: Ledger,
    org: dict[str, str],
    parties: Parties,
    created: int,
    window: tuple[int, int],
    deployment: Deployment,
    scenario: Scenario,
) -> dict[str, str]:
    """`org` is the organization's values (see people.Directory.org_values); `window` the
    span tickets are created in, which places the ticket's version in the release order."""
    product, infra, plant = catalog.product, catalog.infrastructure, ledger.plant
    requester, cc, agent = parties.requester, parties.cc, parties.agent
    versions = product.versions
    position = (created - window[0]) / (window[1] - window[0])
    vi = min(len(versions) - 2, max(1, int(position * (len(versions) - 1))))
    label = org["label"]
    pools = {"repository_names": infra.repository_names}
    repo = plant("repository", draw_one(rng, infra.repositories, pools, {"label": label, "githost": org["githost"]}))
    ns = rng.choice(infra.namespaces)
    replica = f"{values.hex(9)}-{values.alnum(5, _POD_SUFFIX)}"
    service = scenario.service
    pod = product.statefulset_pods.get(service) or f"{service}-{replica}"
    logs = next(d.logs for d in product.deployment_types if d.tag == deployment.tag)
    ip = plant("ip", values.private_ip())
    db_pass = plant("password", values.password())
    log_start = created - rng.randint(1, 20) * 3600
    return {
        "first": requester["name"].split()[0],
        "name": requester["name"],
        "email": requester["email"],
        "phone": requester["phone"] or plant("phone", values.phone()),
        "title": requester["details"],
        "org": org["name"],
        "label": label,
        "host": org["host"],
        "githost": org["githost"],
        "dbhost": org["dbhost"],
        "redishost": org["redishost"],
        "cc_name": cc["name"] if cc else "",
        "cc_first": cc["name"].split()[0] if cc else "",
        "agent": agent["name"].split()[0],
        "agent_full": agent["name"],
        "version": versions[vi],
        "prev_version": versions[vi - 1],
        "fix_version": versions[vi + 1],
        "deploy": deployment.text,
        "ns": ns,
        "pod": pod,
        "logs_cmd": Template(logs).substitute(pod=pod, ns=ns, service=service),
        "repo": repo,
        "shard": quote(repo, safe=""),
        "ip": ip,
        "ip2": plant("ip", values.private_ip()),
        "node": plant("hostname", Template(infra.node).substitute(ip_dashed=ip.replace(".", "-"))),
        "pubip": plant("ip", values.public_ip()),
        "pubip2": plant("ip", values.public_ip()),
        "ts1": log_ts(log_start, rng.randint(0, 999)),
        "ts2": log_ts(log_start + rng.randint(5, 900), rng.randint(0, 999)),
        "ts3": log_ts(log_start + rng.randint(901, 1800), rng.randint(0, 999)),
        "clf_time": datetime.fromtimestamp(log_start, timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "sha": values.hex(40),
        "digest": values.hex(64),
        "issue": str(rng.randint(31000, 58999)),
        "upload_id": str(rng.randint(10000, 99999)),
        "n_repos": f"{rng.randint(2, 40) * 100:,}",
        "mem": rng.choice(infra.memory_limits),
        "mem_new": rng.choice(infra.raised_memory_limits),
        "sgp": plant("token", "sgp_" + values.hex(40)),
        # The newer token format names the instance it belongs to.
        "sgp_instance": plant("token", f"sgp_{values.hex(16)}_{values.hex(40)}"),
        "expired": iso(created - rng.randint(1, 30) * DAY),
        "ghp": plant("token", "ghp_" + values.alnum(36)),
        "aws_key": plant("token", "AKIA" + values.alnum(16, _BASE32)),
        "aws_secret": plant("token", values.alnum(40, ALNUM + "+/")),
        "db_pass": db_pass,
        "db_url": plant("connection_string", f"postgres://sg:{db_pass}@{org['dbhost']}:5432/sourcegraph"),
        "redis_pass": plant("password", values.alnum(24)),
        "license": plant("license_key", base64.b64encode(rng.randbytes(180)).decode("ascii")),
        "docs": product.docs,
        "issues": product.issues,
    }
