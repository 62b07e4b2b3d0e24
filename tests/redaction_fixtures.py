"""Hand-built tickets with planted customer data, for the redaction tests.

`planted_ticket()` returns a Ticket whose every customer value is listed in
PLANTED (by kind), and whose technical content is listed in TECHNICAL_FACTS:
the first must all disappear, the second must all survive verbatim.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any, Iterator

from exporter.models import Attachment, Comment, CustomField, Organization, Ticket, User

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone.utc)

REQUESTER = User(id=11, name="Oluwaseun Brannigan", email="o.brannigan@initrode-global.com", phone="+1 (415) 555-0132")
CC = User(id=12, name="Margarethe Quintero", email="mquintero@initrode-global.com", phone="020 7946 0958")
COMMENTER = User(id=13, name="Tobiah Szymanski", email="tobiah.s@gmail.com")
AGENT = User(id=91, name="Marco Pellegrini", email="marco@sourcegraph.com", role="agent")
ORG = Organization(id=7, name="Initrode Global Corp", domain_names=("initrode-global.com", "initrode.io"))

SG_TOKEN = "sgp_4f9a1c2e7b3d5a60_3c1f0e9d8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d"
LEGACY_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c"
GITHUB_TOKEN = "ghp_R4nd0mT0k3nV4lu3Xy9Zq8Wp7Vo6Un5Tm4Sl3K"
AWS_KEY_ID = "AKIAZ7XQ3J5K2LMN4P6R"
AWS_SECRET = "q8Zr4Lw2Nf7Pk1Vx9Bt3Hs6Jd0Mc5Ya8Ge2Ru4T"
DB_PASSWORD = "Tr0ub4dor-and-3"
LICENSE_KEY = "eyJpbmZvIjp7InVzZXJDb3VudCI6NTAwLCJ0YWdzIjpbInBsYW46ZW50ZXJwcmlzZSJdfSwic2lnIjoiQUFBQUIzTnph"
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA7V9qZ3Jk5m8xL2n4P0q1R6s7T8u9V0w1X2y3Z4a5B6c7D8e9\n"
    "F0g1H2i3J4k5L6m7N8o9P0q1R2s3T4u5V6w7X8y9Z0a1B2c3D4e5F6g7H8i9J0k1\n"
    "-----END RSA PRIVATE KEY-----"
)
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvYnJhbm5pZ2FuIiwiaWF0IjoxNzA5Mjg2MjAwfQ.k3Yw9-Tq4vXr8bLmN2pQs6uZa1cE5gH7jK0oR3tW9yA"
SLACK_WEBHOOK = "https://hooks.slack.com/services/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"
SIGNED_URL = "https://github.com/initrode/reports/raw/main/q1.pdf?token=AAB3XKQ7L2M5N8P4R6S9T1V3"

PLANTED: dict[str, list[str]] = {
    "person": [
        "Oluwaseun Brannigan", "Oluwaseun", "Brannigan", "obrannigan",
        "Margarethe Quintero", "Margarethe", "Quintero", "mquintero",
        "Tobiah Szymanski", "Tobiah", "Szymanski",
        "Priyanka Venkataraman",  # mentioned in passing, known only to NER
    ],
    "email": ["o.brannigan@initrode-global.com", "mquintero@initrode-global.com", "tobiah.s@gmail.com", "ops-alerts@initrode.io"],
    "phone": ["(415) 555-0132", "415.555.0132", "4155550132", "020 7946 0958", "+44 20 7946 0958", "+1 646-555-0199"],
    "organization": ["Initrode Global Corp", "Initrode Global", "Initrode", "initrode_global", "initrode-global", "InitrodeGlobal", "initrodeglobal"],
    "host": ["sourcegraph.initrode-global.com", "git.initrode.io", "ghe.corp.initrode.local", "db-prod-7.internal", "initrode-global.com"],
    "url": ["https://sourcegraph.initrode-global.com/-/debug/grafana", "https://sso.initrode-global.com/saml/metadata"],
    "ip": ["10.42.7.19", "172.31.255.4", "2001:db8:85a3::8a2e:370:7334"],
    "token": [SG_TOKEN, LEGACY_TOKEN, GITHUB_TOKEN, AWS_KEY_ID, AWS_SECRET, JWT, SLACK_WEBHOOK, "xoxb-2207345-9821-QwErTyUiOp1234"],
    "password": [DB_PASSWORD, "s3cr3t-Passw0rd!", "hunter2hunter2"],
    "license_key": [LICENSE_KEY, "7F3KQ-M2X9P-4TR8W-J6VNB-Q1ZHC"],
    "private_key": ["MIIEowIBAAKCAQEA7V9qZ3Jk5m8xL2n4P0q1R6s7T8u9V0w1X2y3Z4a5B6c7D8e9"],
    "signed_url": ["AAB3XKQ7L2M5N8P4R6S9T1V3"],
}

TECHNICAL_FACTS = [
    "3.42.1",
    "v4.0.0",
    "5.2.7",
    "gitserver-0",
    "sourcegraph-frontend-6c9d8b7f5-r2d2x",
    "search.largeFiles",
    "experimentalFeatures.structuralSearch",
    "/var/log/sourcegraph/frontend.log",
    "/etc/sourcegraph/site-config.json",
    "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
    "kubectl logs -n sourcegraph gitserver-0 --previous --tail=200",
    "kubectl rollout restart deployment/sourcegraph-frontend",
    "HTTP 502",
    "status=504",
    "context deadline exceeded",
    "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    "https://docs.sourcegraph.com/admin/config/site_config#search-largefiles",
    "https://github.com/sourcegraph/sourcegraph/issues/45123",
    "every few minutes",
    "2024-03-01 12:04:55 UTC",
    "Tuesday",
    "3 replicas",
    "values.yaml",
    "setup.py",
    "README.md",
    "user.email",
    "logger.info",
    "java.io.IOException",
    "127.0.0.1:3080",
    "http://localhost:3080/.api/graphql",
    "redis-store-0",
    "OOMKilled",
    "SRC_LOG_LEVEL=dbug",
    "Kubernetes",
    "Sourcegraph",
    "Zoekt",
]

DESCRIPTION = f"""Hi Sourcegraph team,

This is Oluwaseun Brannigan, platform lead at Initrode Global Corp. Since the upgrade from 3.42.1 to v4.0.0 our
instance at https://sourcegraph.initrode-global.com/-/debug/grafana shows gitserver-0 crashing every few minutes
(OOMKilled, 3 replicas). It started on Tuesday, 2024-03-01 12:04:55 UTC. Margarethe Quintero (mquintero@initrode-global.com,
+44 20 7946 0958) from our SRE team also saw HTTP 502 and status=504 with "context deadline exceeded".
Priyanka Venkataraman said it began after she set search.largeFiles and experimentalFeatures.structuralSearch.

We ran `kubectl logs -n sourcegraph gitserver-0 --previous --tail=200` and
`kubectl rollout restart deployment/sourcegraph-frontend`; sourcegraph-frontend-6c9d8b7f5-r2d2x and redis-store-0 are fine.
Logs are in /var/log/sourcegraph/frontend.log, config in /etc/sourcegraph/site-config.json and values.yaml (we do not use
setup.py or README.md). The failing commit is 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b.

    fatal: could not read Username for 'https://github.com': terminal prompts disabled
    java.io.IOException: stream closed (user.email unset, logger.info suppressed)

Hosts: git.initrode.io, ghe.corp.initrode.local, db-prod-7.internal (10.42.7.19, 172.31.255.4, 2001:db8:85a3::8a2e:370:7334).
The frontend talks to 127.0.0.1:3080 and http://localhost:3080/.api/graphql with SRC_LOG_LEVEL=dbug.
We read https://docs.sourcegraph.com/admin/config/site_config#search-largefiles and
https://github.com/sourcegraph/sourcegraph/issues/45123 — Kubernetes, Sourcegraph and Zoekt are on 5.2.7.

Env dump:
SRC_ACCESS_TOKEN={SG_TOKEN}
GITHUB_TOKEN={GITHUB_TOKEN}
AWS_ACCESS_KEY_ID={AWS_KEY_ID}
AWS_SECRET_ACCESS_KEY={AWS_SECRET}
PGDSN=postgres://sg:{DB_PASSWORD}@db-prod-7.internal:5432/sourcegraph
SLACK_WEBHOOK_URL={SLACK_WEBHOOK}

Call me at (415) 555-0132 or 415.555.0132 (alt. 4155550132), or write to ops-alerts@initrode.io.

Thanks,
Oluwaseun
"""

FOLLOW_UP = f"""Here is the site config excerpt:

{{
  "licenseKey": "{LICENSE_KEY}",
  "auth.providers": [{{"type": "saml", "identityProviderMetadataURL": "https://sso.initrode-global.com/saml/metadata"}}],
  "password": "s3cr3t-Passw0rd!"
}}

And the legacy token is {LEGACY_TOKEN} (token for the old src-cli), the JWT from the
proxy was {JWT}, the bot uses xoxb-2207345-9821-QwErTyUiOp1234, db password: hunter2hunter2
and the old key 7F3KQ-M2X9P-4TR8W-J6VNB-Q1ZHC. Our report link was {SIGNED_URL}

{PRIVATE_KEY}

Margarethe and Tobiah Szymanski (tobiah.s@gmail.com, +1 646-555-0199) are cc'd. — obrannigan / InitrodeGlobal
"""

AGENT_REPLY = """Hi Oluwaseun,

Thanks! Marco Pellegrini here from Customer Engineering. Please set search.largeFiles to [] and run
`kubectl rollout restart deployment/sourcegraph-frontend`. See
https://docs.sourcegraph.com/admin/config/site_config#search-largefiles for details.

Best,
Marco
"""


def planted_ticket(**changes: Any) -> Ticket:
    comments = (
        Comment(id=1, author_id=REQUESTER.id, public=True, created_at=T0, body=DESCRIPTION,
                attachments=(Attachment("initrode_global_gitserver-0.log"), Attachment("Oluwaseun Brannigan - screenshot.png"))),
        Comment(id=2, author_id=AGENT.id, public=True, created_at=T0, body=AGENT_REPLY),
        Comment(id=3, author_id=REQUESTER.id, public=False, created_at=T0, body=FOLLOW_UP,
                attachments=(Attachment("debug-sourcegraph.initrode-global.com.har"),)),
        Comment(id=4, author_id=COMMENTER.id, public=True, created_at=T0, body="Same for me on 5.2.7. — Tobiah"),
    )
    ticket = Ticket(
        id=4242,
        subject="Initrode Global: gitserver-0 OOMKilled after upgrade to v4.0.0 (Oluwaseun Brannigan)",
        status="solved",
        created_at=T0,
        updated_at=T0,
        url="https://sourcegraph.zendesk.com/agent/tickets/4242",
        solved_at=T0,
        description=DESCRIPTION,
        priority="high",
        type="incident",
        channel="email",
        tags=("customer_initrode", "gitserver", "initrode-global", "initrode_global", "initrodeglobal", "InitrodeGlobal", "upgrade"),
        custom_fields=(
            CustomField(id=101, value="https://sourcegraph.initrode-global.com", title="Instance URL"),
            CustomField(id=102, value="Initrode Global Corp / Margarethe Quintero", title="Account"),
            CustomField(id=103, value="5.2.7"),
        ),
        requester_id=REQUESTER.id,
        organization=ORG,
        users={u.id: u for u in (REQUESTER, CC, COMMENTER, AGENT)},
        comments=comments,
    )
    return dataclasses.replace(ticket, **changes)


def all_strings(value: Any) -> Iterator[str]:
    """Every string inside a (redacted) record: what could reach the archive."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from all_strings(getattr(value, f.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from all_strings(k)
            yield from all_strings(v)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from all_strings(item)
