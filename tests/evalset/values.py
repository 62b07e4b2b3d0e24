"""The evaluation set's raw material: word lists, random values of every planted kind, and a ticket's cast."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from typing import Sequence

from tests.evalset.truth import name_parts

# ---------------------------------------------------------------------------
# Word lists. Customer and agent names share no part, so an agent's name kept
# in the output can never count as a customer leak.
# ---------------------------------------------------------------------------

_FIRST_NAMES = (
    "Priya", "Jane", "Michael", "Wei", "Olga", "Carlos", "Fatima", "Kenji", "Aoife", "Tomasz",
    "Amara", "Lukas", "Sofia", "Rahul", "Ingrid", "Mateo", "Chloe", "Dmitri", "Nadia", "Samuel",
    "Yuki", "Elena", "Omar", "Beatriz", "Henrik", "Anjali", "Kwame", "Lucia", "Nikhil", "Sarah",
    "Daniel", "Megan", "Ethan", "Isabel", "Jonas", "Leila", "Marcus", "Naomi", "Oscar", "Rebecca",
    "Stefan", "Tanya", "Victor", "Zara", "Grace", "Mark", "Will", "Anne-Marie", "Siddharth",
    "Bogdan", "Agnieszka", "Thandiwe", "Mohammed", "José", "Søren", "Zoë", "Ayşe", "Xiaoming",
)
_LAST_NAMES = (
    "Raman", "Doe", "Chen", "Petrova", "Mendoza", "Haddad", "Tanaka", "Byrne", "Kowalski", "Okonkwo",
    "Becker", "Rossi", "Sharma", "Lindgren", "Alvarez", "Dubois", "Ivanova", "Karimi", "Mensah",
    "Nakamura", "Novak", "Oliveira", "Patel", "Quinn", "Schmidt", "Silva", "Thompson", "O'Connor",
    "García", "Nguyen", "Müller", "Johansson", "Kapoor", "Yilmaz", "Fernandes", "Walsh", "Hoffmann",
    "Morales", "Eriksen", "Adeyemi", "Sato", "Young", "Hall", "King", "van der Berg", "Brennan",
)
AGENTS = ("Morgan Ellery", "Tobias Grünwald", "Keiko Arai", "Felix Osei", "Renata Sousa", "Callum Reid")
JOB_TITLES = (
    "Senior SRE", "Platform Engineer", "Staff Software Engineer", "DevEx Lead", "Infrastructure Manager",
    "Build & Release Engineer", "Head of Developer Productivity", "Systems Administrator",
)
TEAMS = ("infra", "platform", "security", "networking", "DevOps", "build tooling", "IT operations")

# (name, domain, name used alone in prose or None when that word is too ordinary).
_ORGANIZATIONS = (
    ("Acme Corp", "acme-corp.com", "Acme"),
    ("Globex Corporation", "globex.io", "Globex"),
    ("Initech Software", "initech.com", "Initech"),
    ("Vandelay Industries", "vandelay.com", "Vandelay"),
    ("Hooli Cloud", "hooli.xyz", "Hooli"),
    ("Northwind Traders", "northwind-traders.com", "Northwind"),
    ("Contoso Pharmaceuticals", "contoso-pharma.com", "Contoso"),
    ("Fabrikam Inc", "fabrikam.com", "Fabrikam"),
    ("Tailspin Toys", "tailspintoys.com", "Tailspin"),
    ("Kestrel Analytics", "kestrel-analytics.io", "Kestrel"),
    ("Zephyrine Bank", "zephyrinebank.com", "Zephyrine"),
    ("Brightmoor Insurance", "brightmoor.co.uk", "Brightmoor"),
    ("Quantiva Systems GmbH", "quantiva.de", "Quantiva"),
    ("Larkspur Media", "larkspurmedia.com", "Larkspur"),
    ("Orinoco Freight", "orinoco-freight.com", "Orinoco"),
    ("Umbrella Health", "umbrella-health.org", None),
    ("Caldera Games", "calderagames.com", "Caldera"),
    ("Pemberton & Shaw LLP", "pembertonshaw.com", "Pemberton"),
    ("Vireo Labs", "vireolabs.dev", "Vireo"),
    ("Nordhavn Shipping A/S", "nordhavn.dk", "Nordhavn"),
)
_LEGAL_WORDS = frozenset({"inc", "gmbh", "llp", "a/s", "corp", "corporation", "ltd"})
_FREEMAIL = ("gmail.com", "outlook.com", "proton.me", "yahoo.com")

_VERSIONS = ("3.42.1", "4.0.0", "4.2.1", "4.5.1", "5.0.6", "5.1.2", "5.2.4", "5.3.9104", "5.4.2198", "5.6.0")
_REPOS = ("monorepo", "payments-service", "infra-terraform", "mobile-app", "data-pipelines", "web-frontend")
_PROJECTS = ("platform", "core", "mobile", "infra", "data")
DOC_URLS = (
    "https://docs.sourcegraph.com/admin/config/site_config",
    "https://docs.sourcegraph.com/admin/deploy/kubernetes/configure#gitserver",
    "https://docs.sourcegraph.com/admin/repo/auth",
    "https://docs.sourcegraph.com/admin/how-to/troubleshoot-gitserver",
    "https://sourcegraph.com/docs/admin/observability/troubleshooting",
    "https://sourcegraph.com/docs/admin/updates/kubernetes",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/",
    "https://github.com/sourcegraph/deploy-sourcegraph-helm/blob/main/charts/sourcegraph/values.yaml",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

# ---------------------------------------------------------------------------
# Random pieces.
# ---------------------------------------------------------------------------

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def hex_string(rng: Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def alnum(rng: Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def uuid_string(rng: Random) -> str:
    h = hex_string(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _slug_words(name: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]+", name)]


def ipv4_private(rng: Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    if kind == 1:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"
    return f"192.168.{rng.randint(0, 255)}.{rng.randint(2, 254)}"


def ipv4_public(rng: Random) -> str:
    first = rng.choice((34, 35, 52, 54, 98, 104, 151, 185, 203))
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"


def ipv6(rng: Random) -> str:
    kind = rng.randrange(3)
    h = lambda: format(rng.randint(1, 0xFFFF), "x")  # noqa: E731
    if kind == 0:
        return f"2001:db8:{h()}:{h()}::{h()}"
    if kind == 1:
        return f"fd{rng.randint(10, 99)}:{h()}:{h()}:{h()}::{h()}"
    return "2600:1f18:" + ":".join(h() for _ in range(6))


# Australian mobile prefixes (04xx) that are allocated, so every planted number is a valid one.
_AU_MOBILE = tuple(f"{n:02d}" for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 27, 28, 29))


def _phone(rng: Random) -> str:
    area = rng.choice(("415", "212", "646", "312", "206", "512", "617", "303", "408", "470"))
    exchange, line = rng.randint(201, 989), rng.randint(0, 9999)
    style = rng.randrange(10)
    if style == 0:
        return f"+1 ({area}) {exchange}-{line:04d}"
    if style == 1:
        return f"({area}) {exchange}-{line:04d}"
    if style == 2:
        return f"{area}-{exchange}-{line:04d}"
    if style == 3:
        return f"+1 {area} {exchange} {line:04d}"
    if style == 4:
        return f"+1.{area}.{exchange}.{line:04d}"
    if style == 5:
        return f"+44 20 {rng.randint(7000, 8999)} {rng.randint(0, 9999):04d}"
    if style == 6:  # UK mobiles; 076 is pagers
        return f"+44 7{rng.choice((rng.randint(400, 599), rng.randint(700, 999)))} {rng.randint(100000, 999999)}"
    if style == 7:
        return f"+49 30 {rng.randint(2000000, 99999999)}"
    if style == 8:
        return f"+91 {rng.randint(70000, 99999)} {rng.randint(10000, 99999)}"
    return f"+61 4{rng.choice(_AU_MOBILE)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def password(rng: Random, url_safe: bool = False) -> str:
    style = rng.randrange(4)
    if style == 0:  # what people actually pick
        word = rng.choice(("Winter", "Summer", "Falcon", "Orchid", "Granite", "Harbour", "Kilimanjaro"))
        return f"{word}{rng.randint(2019, 2025)}{rng.choice('!*.-_')}{rng.randint(10, 99)}"
    symbols = "-_.~" if url_safe else "-_.!*%^+"
    alphabet = ALNUM + symbols
    value = alnum(rng, rng.randint(14, 24), alphabet)
    # Start and end with a letter or digit, as most generated secrets do.
    return rng.choice(ALNUM) + value + rng.choice(ALNUM)


def sgp_token(rng: Random) -> str:
    if rng.random() < 0.5:
        return "sgp_" + hex_string(rng, 40)
    return f"sgp_{hex_string(rng, 16)}_{hex_string(rng, 40)}"


def github_token(rng: Random) -> str:
    if rng.random() < 0.6:
        return rng.choice(("ghp_", "ghp_", "gho_", "ghs_")) + alnum(rng, 36)
    return f"github_pat_{alnum(rng, 22)}_{alnum(rng, 59)}"


def aws_keys(rng: Random) -> tuple[str, str]:
    key_id = "AKIA" + alnum(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    secret = alnum(rng, 40, ALNUM + "/+")
    return key_id, rng.choice(ALNUM) + secret[1:-1] + rng.choice(ALNUM)


def slack_token(rng: Random) -> str:
    return f"xoxb-{rng.randint(10**10, 10**11)}-{rng.randint(10**12, 10**13)}-{alnum(rng, 24)}"


def jwt(rng: Random, issuer: str, when: datetime) -> str:
    header = _b64url(json.dumps({"alg": "RS256", "kid": hex_string(rng, 8), "typ": "JWT"}).encode())
    iat = int(when.timestamp())
    claims = {"sub": uuid_string(rng), "iss": issuer, "iat": iat, "exp": iat + 3600}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64url(bytes(rng.randrange(256) for _ in range(64)))
    return f"{header}.{payload}.{signature}"


def license_key(rng: Random) -> str:
    blob = base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(96, 180)))).decode()
    return blob.rstrip("=")


def commit_sha(rng: Random) -> str:
    return hex_string(rng, 40)


# ---------------------------------------------------------------------------
# One ticket's cast: who is on the customer side, where their systems live.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class _Org:
    name: str
    domain: str
    short: str | None
    words: list[str]

    @property
    def snake(self) -> str:
        return "_".join(w.lower() for w in self.words)

    @property
    def kebab(self) -> str:
        return "-".join(w.lower() for w in self.words)

    @property
    def flat(self) -> str:
        return "".join(w.lower() for w in self.words)

    @property
    def camel(self) -> str:
        return "".join(w[:1].upper() + w[1:].lower() for w in self.words)

    @property
    def internal(self) -> str:
        return self.domain.split(".")[0]


class Draft:
    """Collects a ticket's text and the values planted in it, in the order they were planted."""

    def __init__(self, rng: Random, ticket_id: int, when: datetime):
        self.rng = rng
        self.ticket_id = ticket_id
        self.when = when
        self.sensitive: list[tuple[str, str]] = []
        self.facts: list[tuple[str, str]] = []
        self.used: set[str] = set()  # templates already used in this ticket

    def s(self, kind: str, value: str) -> str:
        self.sensitive.append((kind, value))
        return value

    def f(self, kind: str, value: str) -> str:
        self.facts.append((kind, value))
        return value

    def choice(self, seq: Sequence):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def at(self, minutes: float) -> datetime:
        return self.when + timedelta(minutes=minutes, seconds=self.rng.randint(0, 59))


class Cast:
    def __init__(self, rng: Random):
        self.org_index = rng.randrange(len(_ORGANIZATIONS))
        org_name, domain, short = _ORGANIZATIONS[self.org_index]
        words = [w for w in _slug_words(org_name) if len(w) > 1 and w.lower() not in _LEGAL_WORDS]
        self.org = _Org(org_name, domain, short, words if len(words) >= 2 else _slug_words(org_name)[:2])
        people = [
            Person(first, last, self._email(rng, first, last), _phone(rng))
            for first, last in self._names(rng, 1 + rng.randint(0, 2) + rng.randint(1, 3))
        ]
        self.requester = people[0]
        n_cc = rng.randint(0, min(2, len(people) - 2)) if len(people) > 2 else 0
        self.ccs = people[1 : 1 + n_cc]
        self.passers = people[1 + n_cc :]  # mentioned in text, unknown to Zendesk
        self.agents = rng.sample(AGENTS, 2)
        self.version = rng.choice(_VERSIONS)
        self.previous_version = _VERSIONS[max(0, _VERSIONS.index(self.version) - rng.randint(1, 2))]
        org = self.org
        self.instance = rng.choice(
            (f"sourcegraph.{domain}", f"sg.{domain}", f"code.{domain}", f"sourcegraph.prod.{domain}", f"search.eng.{domain}")
        )
        self.code_host = rng.choice(
            (f"ghe.{domain}", f"github.{domain}", f"bitbucket.{domain}", f"gitlab.corp.{domain}", f"git.{org.internal}.internal")
        )
        self.db_host = rng.choice(
            (
                f"pgsql-prod-01.{org.internal}.internal",
                f"sourcegraph-prod.{alnum(rng, 12, 'abcdefghijklmnopqrstuvwxyz0123456789')}.us-east-1.rds.amazonaws.com",
                f"db{rng.randint(1, 9)}.{org.internal}.corp",
                f"postgres.data.{domain}",
            )
        )
        self.node = rng.choice(
            (
                f"ip-10-{rng.randint(0, 9)}-{rng.randint(0, 255)}-{rng.randint(2, 254)}.ec2.internal",
                f"ip-10-{rng.randint(0, 9)}-{rng.randint(0, 255)}-{rng.randint(2, 254)}.us-west-2.compute.internal",
                f"k8s-worker-{rng.randint(1, 12):02d}.{org.internal}.lan",
            )
        )
        self.other_host = rng.choice(
            (f"jenkins{rng.randint(1, 9):02d}.build.corp", f"proxy.corp.{domain}", f"artifactory.{domain}", f"vault.{org.internal}.internal")
        )
        self.repo = f"{self.code_host}/{rng.choice(_PROJECTS)}/{rng.choice(_REPOS)}"

    @staticmethod
    def _names(rng: Random, n: int) -> list[tuple[str, str]]:
        names: list[tuple[str, str]] = []
        parts_used: set[str] = set()
        while len(names) < n:
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            parts = {p.lower() for p in name_parts(f"{first} {last}")}
            # Distinct people in a ticket share no distinctive name part: a leaked part must name one person.
            if parts & parts_used or (first, last) in names:
                continue
            parts_used |= parts
            names.append((first, last))
        return names

    def _email(self, rng: Random, first: str, last: str) -> str:
        first = _ascii(first).lower().replace("-", "")
        last = _ascii(last).lower().replace(" ", "").replace("'", "")
        local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{first}_{last}", f"{first}.{last}"))
        if rng.random() < 0.15:
            return f"{first}{last}{rng.randint(70, 99)}@{rng.choice(_FREEMAIL)}"
        return f"{local}@{self.org.domain}"


def _ascii(text: str) -> str:
    table = str.maketrans({"é": "e", "ø": "o", "ë": "e", "ş": "s", "í": "i", "ü": "u", "Ø": "O", "Ş": "S", "ó": "o"})
    return text.translate(table)
