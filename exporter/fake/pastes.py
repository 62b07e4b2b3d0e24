"""Long pastes: the gitserver log a customer attaches when asked for "the full log"."""

from __future__ import annotations

import random
from string import Template

from exporter.fake.catalog import BigLog
from exporter.fake.ledger import Ledger
from exporter.fake.records import DAY, parse_iso
from exporter.fake.values import Values, draw, first_below, log_ts


def big_log(rng: random.Random, spec: BigLog, values: Values, ledger: Ledger, ctx: dict[str, str]) -> str:
    """About `spec.bytes` of log from the day before the ticket's first log line, sprinkled
    with the customer's repositories, hosts and IPs. It is too big to scan for planted
    values, so each one is recorded in the ledger as it is written."""
    label, githost = ctx["label"], ctx["githost"]
    repos = [Template(r).substitute(label=label, githost=githost) for r in spec.repositories]
    ips = [values.private_ip() for _ in range(spec.private_ips)]
    for repo in repos:
        ledger.record("repository", repo)
    for ip in ips:
        ledger.record("ip", ip)
    ledger.record("hostname", githost)
    ledger.record("org_label", label)
    pools = {"ips": ips}
    ts = parse_iso(ctx["ts1"][:19] + "Z") - DAY
    lines = []
    size = 0
    while size < spec.bytes:
        ts += rng.randint(*spec.step)
        stamp = log_ts(ts, rng.randint(0, 999))
        line = draw(rng, spec.line)
        repo = rng.choice(repos)
        message = first_below(rng.random(), spec.messages)
        if message is None:
            raise ValueError("pastes.yaml: the last big_log message must have below: 1.0")
        text = draw(rng, message.text, pools, {"repo": repo, "githost": githost})
        line = Template(line).substitute(stamp=stamp, message=text)
        lines.append(line)
        size += len(line) + 1
    return spec.intro + "\n\n```\n" + "\n".join(lines) + "\n```"
