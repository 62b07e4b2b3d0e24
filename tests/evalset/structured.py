"""Structured customer data, one kind per report line: valid values in the places people write them.

Every value is valid where validity is checkable (IBAN mod-97, Luhn, PESEL and
NIF check digits, Verhoeff for Aadhaar, the SSN and NINO allocation rules), so
a detector that validates cannot excuse a miss. Cloud resources, hosts and
code-host organisations are named after organisations that are not the
ticket's own, so the ticket's deny-lists do not find them: only detection by
kind does. Street addresses come from mimesis for several countries.
"""

from __future__ import annotations

import base64
import string
import unicodedata
from random import Random
from typing import Callable, Iterator

from tests.evalset.names import english_words, fold, invented_companies, mimesis_companies
from tests.evalset.snippets import Secret, Snippet, digits_probe, fill, word_probe

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits


def _digits(rng: Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _letters(rng: Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))


# ---------------------------------------------------------------------------
# Checksummed numbers.
# ---------------------------------------------------------------------------

# Country, BBAN layout: n = digit, a = capital letter (each country's bank-code format).
_IBAN_LAYOUTS = {
    "DE": "n" * 18, "GB": "aaaa" + "n" * 14, "FR": "n" * 23, "NL": "aaaa" + "n" * 10, "PL": "n" * 24,
    "ES": "n" * 20, "IT": "a" + "n" * 22, "CH": "n" * 17, "BE": "n" * 12, "AT": "n" * 16, "SE": "n" * 20,
    "IE": "aaaa" + "n" * 14, "PT": "n" * 21, "DK": "n" * 14, "NO": "n" * 11,
}


def iban(rng: Random) -> str:
    country = rng.choice(sorted(_IBAN_LAYOUTS))
    bban = "".join(rng.choice(string.digits) if c == "n" else rng.choice(string.ascii_uppercase) for c in _IBAN_LAYOUTS[country])
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    compact = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    if rng.random() < 0.3:
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def card(rng: Random) -> str:
    brand = rng.choice(("visa", "mastercard", "amex", "discover"))
    if brand == "amex":
        body = rng.choice(("34", "37")) + _digits(rng, 12)
        number = body + luhn_digit(body)
        sep = rng.choice((" ", " ", "-", ""))
        return sep.join((number[:4], number[4:10], number[10:]))
    prefix = {"visa": "4", "mastercard": str(rng.randint(51, 55)), "discover": "6011"}[brand]
    body = prefix + _digits(rng, 15 - len(prefix))
    number = body + luhn_digit(body)
    sep = rng.choice((" ", " ", "-", ""))
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def us_ssn(rng: Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def uk_nino(rng: Random) -> str:
    first = rng.choice([c for c in string.ascii_uppercase if c not in "DFIQUV"])
    second = rng.choice([c for c in string.ascii_uppercase if c not in "DFIQUVO"])
    if first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
        second = "A"
    digits = _digits(rng, 6)
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{first}{second}{digits}{suffix}"


def es_nif(rng: Random) -> str:
    number = rng.randint(10_000_000, 99_999_999)
    return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def pl_pesel(rng: Random) -> str:
    year, month, day = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
    month_code = month + (20 if year >= 2000 else 0)
    body = f"{year % 100:02d}{month_code:02d}{day:02d}{_digits(rng, 4)}"
    total = sum(int(d) * w for d, w in zip(body, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)))
    return body + str((10 - total % 10) % 10)


_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]
_VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def in_aadhaar(rng: Random) -> str:
    body = str(rng.randint(2, 9)) + _digits(rng, 10)
    c = 0
    for i, d in enumerate(reversed(body)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[(i + 1) % 8][int(d)]]
    number = body + str(_VERHOEFF_INV[c])
    return " ".join((number[:4], number[4:8], number[8:])) if rng.random() < 0.7 else number


def national_phone(rng: Random) -> str:
    """A number as written at home, without a country code."""
    style = rng.randrange(8)
    if style == 0:
        area = rng.choice(("415", "212", "646", "312", "206", "512", "617", "303", "408"))
        return f"({area}) {rng.randint(201, 989)}-{rng.randint(0, 9999):04d}"
    if style == 1:
        return f"020 7{rng.randint(100, 999)} {rng.randint(0, 9999):04d}"
    if style == 2:
        return f"07{rng.randint(400, 999)} {rng.randint(100000, 999999)}"
    if style == 3:
        return rng.choice(("030 ", "089 ", "040 ")) + str(rng.randint(1000000, 99999999))
    if style == 4:
        return rng.choice(("0151 ", "0170 ", "0176 ")) + str(rng.randint(10000000, 99999999))
    if style == 5:
        return f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    if style == 6:
        return f"{rng.choice((5, 6, 7, 8))}{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}"
    return f"06-{rng.randint(10000000, 99999999)}"


# ---------------------------------------------------------------------------
# Names of other organisations' systems.
# ---------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c) and c.isascii())


def org_slugs(seed: int) -> Iterator[str]:
    """Lower-case slugs of organisations (invented and mimesis, alternately): `kestrel`, `overcast-media`."""
    invented, real = invented_companies(seed), mimesis_companies(seed + 1)
    rng = Random(seed)
    while True:
        name = next(invented) if rng.random() < 0.5 else next(real)
        slug = "-".join(_ascii(w).lower() for w in name.split() if _ascii(w))
        if len(slug) >= 4:
            yield slug


def _slug_probes(slug: str) -> tuple[str, ...]:
    head = slug.split("-")[0]
    if len(head) >= 4 and fold(head) not in english_words():
        return (word_probe(head),)
    return ()


_TLDS = ("pl", "sh", "py", "md", "rs", "io", "de", "co.uk", "com.au", "dev", "app", "ai", "nl", "fr", "cloud", "tech", "ch", "se", "cz", "com", "net")
_HOST_PREFIXES = ("", "ghe.", "ghe.eu.", "git.", "sourcegraph.", "code.", "gitlab.", "search.internal.")


def _password(rng: Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        word = rng.choice(("Winter", "Summer", "Falcon", "Orchid", "Granite", "Harbour", "Sunflower", "Dragon"))
        return f"{word}{rng.randint(2019, 2025)}{rng.choice('!*.#$')}"
    if style == 1:
        words = rng.sample(("blue", "horse", "battery", "staple", "river", "castle", "pepper", "rocket"), 2)
        return f"{words[0].capitalize()}{words[1].capitalize()}{rng.randint(10, 99)}"
    if style == 2:
        return "".join(rng.choice(ALNUM) for _ in range(rng.randint(12, 20)))
    return f"{rng.choice(('Welcome', 'Passw0rd', 'Changeme', 'Admin'))}{rng.choice('!@#')}{rng.randint(100, 999)}"


def _license_key(rng: Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return "-".join("".join(rng.choice(UPPER_ALNUM) for _ in range(5)) for _ in range(5))
    if style == 1:
        return base64.b64encode(bytes(rng.randrange(256) for _ in range(rng.randint(60, 120)))).decode().rstrip("=")
    return "SG-" + "".join(rng.choice("0123456789abcdef") for _ in range(32))


# ---------------------------------------------------------------------------
# The kinds: line -> (value maker, templates). A maker returns (value, probes, others).
# ---------------------------------------------------------------------------

Maker = Callable[[Random, Iterator[str]], tuple[str, tuple[str, ...], dict[str, str]]]


def _number(make: Callable[[Random], str]) -> Maker:
    def maker(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
        value = make(rng)
        return value, (word_probe(value), digits_probe(value)), {}

    return maker


def _address(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    from mimesis import Address
    from mimesis.locales import Locale

    locale = rng.choice((Locale.EN, Locale.EN_GB, Locale.DE, Locale.FR, Locale.PL, Locale.ES, Locale.IT, Locale.NL))
    address = Address(locale, seed=rng.randrange(2**31))
    street = address.address()
    return street, (word_probe(street),), {"postcode": address.postal_code(), "city": address.city()}


def _bucket(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    slug = next(slugs)
    bucket = f"{slug}-{rng.choice(('sourcegraph-backups', 'ml-artifacts-prod', 'logs-eu', 'terraform-state', 'insights-export'))}"
    return bucket, (word_probe(bucket),) + _slug_probes(slug), {}


def _account_id(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    account = str(rng.randint(10**11, 10**12 - 1))
    uuid = "-".join("".join(rng.choice("0123456789abcdef") for _ in range(n)) for n in (8, 4, 4, 4, 12))
    return account, (word_probe(account),), {"uuid": uuid}


def _azure_account(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    slug = next(slugs).replace("-", "")[:14]
    account = f"{slug}{rng.choice(('prod', 'logs', 'backup', 'sgdata'))}{rng.randint(1, 99)}"
    key = base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode()
    return account, (word_probe(account),) + _slug_probes(slug), {"key": key}


def _gcp_project(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    slug = next(slugs)[:16].strip("-")
    project = rng.choice((f"{slug}-search-prod", f"{slug}-{rng.randint(100000, 999999)}", f"{slug}-platform-dev"))
    return project, (word_probe(project),) + _slug_probes(slug), {}


def _host(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    slug = next(slugs)
    domain = f"{slug}.{rng.choice(_TLDS)}"
    host = rng.choice(_HOST_PREFIXES) + domain
    return host, (word_probe(domain),) + _slug_probes(slug), {}


def _code_host_org(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
    org = next(slugs)
    repo = rng.choice(("internal-deploy", "payments-api", "infra-live", "monorepo", f"{org.split('-')[0]}-platform"))
    return org, (word_probe(org),) + _slug_probes(org), {"repo": repo, "n": str(rng.randint(2, 4000))}


def _simple(make: Callable[[Random], str]) -> Maker:
    def maker(rng: Random, slugs: Iterator[str]) -> tuple[str, tuple[str, ...], dict[str, str]]:
        value = make(rng)
        return value, (word_probe(value),), {}

    return maker


KINDS: dict[str, tuple[Maker, tuple[str, ...]]] = {
    "IBAN": (_number(iban), (
        "Please wire the refund to IBAN {v}.",
        "Bank details for the invoice: IBAN {v}, BIC DEUTDEFFXXX",
        "IBAN: {v}\nAccount holder: Accounts Payable",
        "Die Rückerstattung bitte auf {v} überweisen.",
        "Our new account is {v} (changed in January).",
    )),
    "US SSN": (_number(us_ssn), (
        "SSN: {v}", "my social security number is {v}", "Employee SSN {v} appears in the export by mistake.",
        "name,ssn,dept\nA. User,{v},eng",
    )),
    "UK NINO": (_number(uk_nino), (
        "National Insurance number: {v}", "NI number {v} is in the HR export.", "NINO {v}",
    )),
    "ES NIF": (_number(es_nif), ("DNI/NIF: {v}", "Mi NIF es {v}.", "NIF {v} on the invoice")),
    "PL PESEL": (_number(pl_pesel), ("PESEL: {v}", "numer PESEL {v}", "PESEL {v} w eksporcie użytkowników")),
    "IN Aadhaar": (_number(in_aadhaar), ("Aadhaar: {v}", "Aadhaar number {v} was logged by the SSO proxy.")),
    "card number": (_number(card), (
        "Please charge the renewal to card {v}, exp 09/27.", "Visa {v}", "cc# {v}", "Kreditkarte {v}",
        "Card on file: {v}",
    )),
    "street address": (_address, (
        "{filler}\n\nAccounts Payable\n{v}\n{postcode} {city}",
        "Please ship the hardware keys to {v}, {postcode} {city}.",
        "Our office moved to {v}, {city}.",
        "Billing address: {v}, {postcode} {city}",
    )),
    "phone in a signature": (_number(national_phone), (
        "{filler}\n\nBest regards,\nPlatform team\nTel. {v}",
        "{filler}\n\n--\nSRE on-call\nMobile: {v}",
        "Thanks,\nIT Operations\nm: {v}",
        "{filler}\n\nDirect: {v} | Berlin office",
        "{filler}\n\nCheers,\nInfra\nPhone {v}",
    )),
    "S3 bucket": (_bucket, (
        "The export is in s3://{v}/exports/2024-03-12/",
        "aws s3 ls s3://{v}/ --recursive | tail",
        "blobstore:\n  s3:\n    bucket: {v}\n    region: eu-west-1",
        "Download it from https://{v}.s3.eu-west-1.amazonaws.com/dump.tar.gz",
        '"Resource": "arn:aws:s3:::{v}/*"',
        "The uploads go to the {v} bucket.",
    )),
    "AWS account id": (_account_id, (
        "arn:aws:iam::{v}:role/sourcegraph-executor",
        'role_arn = "arn:aws:iam::{v}:role/sg-readonly"',
        "arn:aws:eks:us-east-1:{v}:cluster/sourcegraph-prod",
        "arn:aws:kms:eu-west-1:{v}:key/{uuid}",
        "Our AWS account is {v} (prod).",
        "image: {v}.dkr.ecr.us-east-1.amazonaws.com/sourcegraph/frontend:5.3.2",
    )),
    "Azure storage account": (_azure_account, (
        "DefaultEndpointsProtocol=https;AccountName={v};AccountKey={key};EndpointSuffix=core.windows.net",
        "https://{v}.blob.core.windows.net/backups/sourcegraph.tar",
        "az storage account show -n {v} -g rg-sourcegraph",
        "storageAccount: {v}",
    )),
    "GCP project id": (_gcp_project, (
        "gcloud config set project {v}",
        "projects/{v}/locations/us-central1/clusters/sourcegraph",
        "gcloud container clusters get-credentials sg --project={v}",
        "GOOGLE_CLOUD_PROJECT={v}",
        "image: gcr.io/{v}/sourcegraph/frontend:5.3.2",
    )),
    "bare host name": (_host, (
        "We point the code host connection at {v}.",
        "DNS for {v} resolves to the internal load balancer.",
        "git clone git@{v}:platform/api.git fails with a timeout",
        "Our instance is reachable at {v} from the VPN only.",
        "curl -v {v}:443 hangs after the TLS handshake",
    )),
    "password (YAML)": (_simple(_password), (
        "database:\n  host: pgsql\n  user: sg\n  password: {v}",
        'redis:\n  endpoint: redis-store:6379\n  password: "{v}"',
        "smtp:\n  username: alerts\n  password: '{v}'",
    )),
    "password (env)": (_simple(_password), (
        "PGPASSWORD={v}", "export DB_PASSWORD='{v}'", "REDIS_PASSWORD={v}", 'SRC_ADMIN_PASSWORD="{v}"', "CLIENT_SECRET={v}",
    )),
    "password (JSON)": (_simple(_password), (
        '{{"username": "sourcegraph", "password": "{v}"}}', '  "adminPassword": "{v}",', '{{"clientID": "sg", "clientSecret": "{v}"}}',
    )),
    "password (k8s env)": (_simple(_password), (
        'env:\n  - name: PGPASSWORD\n    value: "{v}"',
        "        - name: CODEINTEL_PGPASSWORD\n          value: {v}",
        "- name: GITHUB_CLIENT_SECRET\n  value: '{v}'",
    )),
    "password (prose)": (_simple(_password), (
        "the password is {v}", "I reset the admin password to {v} for now.", "Das Passwort lautet {v}.",
        "pw: {v}", "You can log in as admin with {v} until Friday.",
    )),
    "license key in prose": (_simple(_license_key), (
        "Our license key is {v}.", "Here is the new key from sales: {v}", "License: {v}",
        "we entered {v} but the site admin page says it is invalid",
    )),
    "code-host org in a URL": (_code_host_org, (
        "See https://github.com/{v}/{repo}/issues/{n}",
        "The pipeline is at https://gitlab.com/{v}/platform/{repo}/-/merge_requests/{n}",
        "https://bitbucket.org/{v}/{repo}/src/main/deploy.yaml",
        "git@github.com:{v}/{repo}.git cannot be cloned by gitserver",
        "It happens for github.com/{v}/{repo} only.",
    )),
}


def structured_snippet(line: str, rng: Random, slugs: Iterator[str], filler: str) -> Snippet:
    maker, templates = KINDS[line]
    value, probes, others = maker(rng, slugs)
    template = rng.choice(templates)
    text, frame = fill(template, {"v": value}, {**others, "filler": filler})
    secrets = [Secret(line, value, tuple(dict.fromkeys(probes)))]
    if "{key}" in template:
        secrets.append(Secret("Azure account key", others["key"], (word_probe(others["key"]),)))
        frame = frame.replace(others["key"], "\x00")
    return Snippet(line, "generated", text, frame, tuple(secrets))
