"""Structured customer data (issue 11, item 3): each kind found where people write it, and the look-alikes kept.

The detectors are tested directly (no spaCy: fast), through the LeakScanner
(the same detectors, the rule for allowed links, the settings) and, for what
only the whole pipeline shows, through the real Redactor. Every value here
is made up for this file; none comes from the evaluation's generators.
"""

from __future__ import annotations

import time

import pytest

from redaction import LeakScanner, RedactionSettings
from redaction.addresses import find_addresses
from redaction.cloud import CloudRecognizer
from redaction.codehosts import CodeHostPaths
from redaction.contacts import PhoneNumberRecognizer
from redaction.credentials import find_contextual_credentials
from redaction.finance import find_cards, find_ibans, iban_valid, luhn_valid
from redaction.national_ids import find_national_ids
from redaction.network import AllowList, classify_host
from redaction.recognizers import pattern_recognizers
from redaction.settings import DEFAULT_ALLOW_DOMAINS, DEFAULT_SERVICE_DOMAINS


def spans(found, text: str) -> list[str]:
    return [text[f[0] : f[1]] for f in found]


def scanned(text: str, settings: RedactionSettings | None = None) -> list[tuple[str, str]]:
    """(type, value) of what the pattern detectors find: the LeakScanner without a ticket."""
    return [(f.type, text[f.start : f.end]) for f in LeakScanner(settings).scan(text)]


# ---------------------------------------------------------------------------
# Bank accounts and cards.
# ---------------------------------------------------------------------------


def _iban(country: str, bban: str) -> str:
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


IBANS = [_iban("DE", "370400440532013000"), _iban("GB", "NWBK60161331926819"), _iban("NO", "86011117947"), _iban("MT", "MALT011000012345MTLCAST001S")]


@pytest.mark.parametrize("iban", IBANS)
def test_an_iban_is_found_compact_and_in_groups_of_four(iban: str) -> None:
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    for written in (iban, grouped):
        text = f"Please refund to {written}, thanks."
        assert spans(find_ibans(text), text) == [written]


def test_an_iban_needs_its_check_digits_and_its_countrys_length() -> None:
    good = IBANS[0]
    wrong_check = good[:2] + f"{(int(good[2:4]) + 1) % 100:02d}" + good[4:]
    assert iban_valid(good) and not iban_valid(wrong_check)
    assert list(find_ibans(f"IBAN {wrong_check}")) == []
    assert list(find_ibans(f"IBAN {good}7")) == []  # one character too many for Germany
    assert list(find_ibans("sha DE89ab12cd34ef56ab12cd34ef56ab12")) == []


CARDS = [
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4111111111111111",
    "5555 5555 5555 4444",
    "2223 0031 2200 3222",  # Mastercard's 2-series
    "3782 822463 10005",  # American Express, 4-6-5
    "3056 930902 5904",  # Diners, 4-6-4
    "4000 0566 5566 5556 007",  # Visa, 19 digits
]


@pytest.mark.parametrize("card", CARDS)
def test_a_card_number_is_found_in_the_groupings_cards_print(card: str) -> None:
    text = f"charge {card} please"
    assert spans(find_cards(text), text) == [card]


def test_a_card_number_needs_luhn_one_separator_and_a_known_issuer_or_a_card_word() -> None:
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert list(find_cards("charge 4111 1111 1111 1112 please")) == []
    assert list(find_cards("charge 4111-1111 1111-1111 please")) == []  # mixed separators
    maestro = "675964982648"  # twelve digits, Luhn-valid
    assert luhn_valid(maestro)
    assert list(find_cards(f"order {maestro} shipped")) == []
    assert spans(find_cards(f"my debit card {maestro} was blocked"), f"my debit card {maestro} was blocked") == [maestro]
    for technical in ("build 1712345678901 done", "took 4111111111111111.5 ms", "v4111.1111.1111.1111", "id=4111111111111111x"):
        assert list(find_cards(technical)) == [], technical


# ---------------------------------------------------------------------------
# National identity numbers.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("Employee record 219-09-9999 exported", "219-09-9999"),  # the dashed SSN shape needs no context
        ("her SSN is 219 09 9999", "219 09 9999"),
        ("National Insurance number: JG 10 37 82 B", "JG 10 37 82 B"),
        ("NINO AB123456C on file", "AB123456C"),
        ("DNI 12345678Z", "12345678Z"),
        ("NIE X1234567L", "X1234567L"),
        ("PESEL: 44051401359", "44051401359"),
        ("Aadhaar no. 2341 2341 2346", "2341 2341 2346"),
        ("NHS number 943 476 5919", "943 476 5919"),
        ("passport number C03005988", "C03005988"),
        ("Social Security:\n219 09 9999", "219 09 9999"),
    ],
)
def test_an_identity_number_is_found_alone_or_after_its_name(text: str, value: str) -> None:
    assert value in spans(find_national_ids(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "build 123456789 finished in 44051401359 ns",  # nine and eleven digits without a name
        "order 2341 2341 2346 shipped",  # a valid Aadhaar checksum, but nothing says Aadhaar
        "the 943 476 5919 requests",
        "call 555-123-4567",  # a phone's 3-3-4, not 3-2-4
        "sku ab123456c",  # lower case: a hash, not a NINO
    ],
)
def test_numbers_without_a_name_or_a_distinctive_shape_are_not_identity_numbers(text: str) -> None:
    assert list(find_national_ids(text)) == []


# ---------------------------------------------------------------------------
# Street addresses.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, street",
    [
        ("Ship it to 742 Evergreen Terrace, Springfield.", "742 Evergreen Terrace"),
        ("Office: 1600 Amphitheatre Pkwy, Mountain View, CA 94043", "1600 Amphitheatre Pkwy"),
        ("HQ is at 10 Downing Street", "10 Downing Street"),
        ("our office at 55 Larkin Park, Leeds", "55 Larkin Park"),  # "Park" needs the town after it
        ("Rechnungsadresse: Lindenstraße 14b, 10115 Berlin", "Lindenstraße 14b"),
        ("bitte an Berliner Str. 7 schicken", "Berliner Str. 7"),
        ("Kantoor: Prinsengracht 263-267, 1016 GV Amsterdam", "Prinsengracht 263-267"),
        ("Adresse : 8 rue de la Huchette, 75005 Paris", "8 rue de la Huchette"),
        ("Dirección: Calle de Alcalá, 42", "Calle de Alcalá, 42"),
        ("Sede: Via Garibaldi 17, 16124 Genova", "Via Garibaldi 17"),
        ("Rua Augusta 274, Lisboa", "Rua Augusta 274"),
        ("adres: ul. Piękna 11/3, 00-549 Warszawa", "ul. Piękna 11/3"),
        ("Accounts\nUnit 4\nHarbour View\nBristol\nBS1 4QA", "Harbour View"),
        ("Billing\n35 Kalkstein Weg\n8045 Zürich", "35 Kalkstein Weg"),
    ],
)
def test_a_street_line_is_found_in_the_grammar_of_its_language(text: str, street: str) -> None:
    assert street in spans(find_addresses(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "HTTP/1.1 502 Bad Gateway from the proxy",
        "We have 3 Search Jobs and 2 Code Insights dashboards",
        "Via Helm 3 we install the chart",
        "sent via email 3 times",
        "the Nürnberg 2024 meetup",
        "protection Ring 0 only",
        "see 3 Key Points below",
        "Step 2 Run the migration",
        "Processed 12 repos\n10000 Done",
        "export 42 repositories to the new Batch Changes view",
    ],
)
def test_technical_text_with_numbers_and_capitals_is_not_an_address(text: str) -> None:
    assert list(find_addresses(text)) == [], text


# ---------------------------------------------------------------------------
# Phones by context.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [
        ("Regards,\nOps\nTel 030 4471203", "030 4471203"),
        ("Mobile:\n0176 22334455", "0176 22334455"),  # the label on the line before
        ("M: 07700 900461", "07700 900461"),
        ("Desk: (0161) 4960730", "(0161) 4960730"),
        ("0161 4960730 office\n", "0161 4960730"),
        ("+49(0) 30 4471203 fax", "+49(0) 30 4471203"),
        ("+33 612345678", "+33 612345678"),
        ("please text 0612345678 when done", "0612345678"),
        ("they're not answering at 35091109495", "35091109495"),
        ("reach me on 727 687 037 after six", "727 687 037"),
        ("Ops\n001-745-379-1475x3161 office\n", "001-745-379-1475x3161"),
        ("no text arrived on my registered 4157730192.", "4157730192"),
    ],
)
def test_a_phone_number_is_found_next_to_a_word_that_says_phone(text: str, number: str) -> None:
    found = PhoneNumberRecognizer().analyze(text, ["PHONE"])
    assert number in {text[r.start : r.end] for r in found}


@pytest.mark.parametrize("text", ["processed 1234567 work items", "took 1234567 ms at home", "registered 1234567 users", "calls 8842113 times", "registered 4157730192 users"])
def test_counts_next_to_phone_words_are_not_phones(text: str) -> None:
    assert PhoneNumberRecognizer().analyze(text, ["PHONE"]) == []


# ---------------------------------------------------------------------------
# Cloud resources.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("aws s3 sync s3://contoso-lake-raw/2024/ .", "STORAGE", "contoso-lake-raw"),
        ('"Resource": "arn:aws:s3:::contoso-lake-raw/*"', "STORAGE", "contoso-lake-raw"),
        ("uploads:\n  bucket: contoso-lake-raw", "STORAGE", "contoso-lake-raw"),
        ("S3_BUCKET=contoso-lake-raw", "STORAGE", "contoso-lake-raw"),
        ("it lands in the contoso-lake-raw bucket", "STORAGE", "contoso-lake-raw"),
        ("https://s3.eu-central-1.amazonaws.com/contoso-lake-raw/x.tgz", "STORAGE", "contoso-lake-raw"),
        ("gsutil ls gs://contoso_exports", "STORAGE", "contoso_exports"),
        ("AccountName=contosolake7;AccountKey=x;EndpointSuffix=core.windows.net", "STORAGE", "contosolake7"),
        ("az storage account keys list -g rg --name contosolake7", "STORAGE", "contosolake7"),
        ("az storage blob list --account-name contosolake7 -c dumps", "STORAGE", "contosolake7"),
        ("storage_account_name = contosolake7", "STORAGE", "contosolake7"),
        ("role_arn = arn:aws:iam::310987654321:role/deployer", "CLOUD_ACCOUNT", "310987654321"),
        ("our AWS account ID: 3109-8765-4321", "CLOUD_ACCOUNT", "3109-8765-4321"),
        ('{"Account": "310987654321", "Arn": "x"}', "CLOUD_ACCOUNT", "310987654321"),
        ("310987654321.dkr.ecr.eu-west-1.amazonaws.com/frontend:5.3", "CLOUD_ACCOUNT", "310987654321"),
        ("projects/contoso-search-77/zones/europe-west1-b/instances/sg", "CLOUD_ACCOUNT", "contoso-search-77"),
        ("gcloud compute ssh sg --project contoso-search-77", "CLOUD_ACCOUNT", "contoso-search-77"),
        ("gcloud config set project contoso-search-77", "CLOUD_ACCOUNT", "contoso-search-77"),
        ("CLOUDSDK_CORE_PROJECT=contoso-search-77", "CLOUD_ACCOUNT", "contoso-search-77"),
        ("image: europe-docker.pkg.dev/contoso-search-77/sg/frontend:5.3", "CLOUD_ACCOUNT", "contoso-search-77"),
    ],
)
def test_cloud_resource_names_are_found_where_the_provider_puts_them(text: str, entity: str, value: str) -> None:
    found = [(e, text[s:t]) for e, s, t, _, _ in CloudRecognizer(["sourcegraph"]).find(text)]
    assert (entity, value) in found


def test_a_bucket_named_by_its_url_keeps_the_scheme() -> None:
    text = "The bucket s3://contoso-lake-raw holds the dumps."
    found = [text[s:t] for _, s, t, _, _ in CloudRecognizer(["sourcegraph"]).find(text)]
    assert "contoso-lake-raw" in found and "s3" not in found


@pytest.mark.parametrize(
    "text",
    [
        "image: gcr.io/distroless/static:nonroot",
        "the bucket policy denies it; check the backup bucket",
        "GitLab's API: /api/v4/projects/1234/jobs",
        "projects/new",
        "project_id: platform",  # no hyphen or digit: not shaped like a GCP project id
        "account 12 of 3",
    ],
)
def test_cloud_look_alikes_are_not_resources(text: str) -> None:
    assert list(CloudRecognizer(["sourcegraph"]).find(text)) == []


# ---------------------------------------------------------------------------
# Hosts: public endpoints, tenants, file-extension TLDs.
# ---------------------------------------------------------------------------

ALLOW = AllowList(DEFAULT_ALLOW_DOMAINS, DEFAULT_SERVICE_DOMAINS)


@pytest.mark.parametrize(
    "endpoint",
    [
        "api.github.com", "oauth2.googleapis.com", "core.windows.net", "git-codecommit.us-west-1.amazonaws.com",
        "sts.amazonaws.com", "s3.eu-west-1.amazonaws.com", "s3.dualstack.us-east-1.amazonaws.com",
        "login.microsoftonline.com", "blob.core.windows.net",
    ],
)
def test_public_endpoints_of_well_known_services_are_kept(endpoint: str) -> None:
    for text in (f"egress to {endpoint} is blocked", f"GET https://{endpoint}/ failed", f"EndpointSuffix={endpoint};"):
        assert scanned(text) == [], text


@pytest.mark.parametrize(
    "url",
    [
        "https://login.microsoftonline.com/0d1e2f3a-1111-2222-3333-444455556666/oauth2/v2.0/token",  # a tenant id
        "https://docs.google.com/document/d/1AbCdEfGh1234567890xyz/edit",  # a document's capability id
        "https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/x/overview",
    ],
)
def test_a_link_to_a_service_endpoint_is_kept_only_when_its_path_is_the_services_own(url: str) -> None:
    assert scanned(f"see {url} please") == [("URL", url)]
    assert scanned("see https://login.microsoftonline.com/common/oauth2/v2.0/authorize please") == []


@pytest.mark.parametrize(
    "text, value",
    [
        ("reads from contoso-lake.s3.eu-west-1.amazonaws.com directly", "contoso-lake"),
        ("PUT contosolake7.blob.core.windows.net fails", "contosolake7"),
        ("our SSO is contoso.okta.com", "contoso.okta.com"),
        ("the ELB at internal-sg-1234.eu-west-1.elb.amazonaws.com", "internal-sg-1234"),
    ],
)
def test_a_tenant_on_a_platform_is_the_customers(text: str, value: str) -> None:
    assert value in [v for _, v in scanned(text)]


@pytest.mark.parametrize(
    "candidate, before, after, verdict",
    [
        ("ghe.eu.contoso.pl", "clone from ", " fails", "HOST"),
        ("code.contoso.py", "", "", "HOST"),
        ("contoso.sh", "DNS for ", " resolves", "HOST"),
        ("contoso.dev", "", " resolves to 10.0.0.1", "HOST"),
        ("contoso.dev", "", "", None),
        ("deploy.py", "python ", "", None),
        ("settings.local.py", "cat ", "", None),
        ("run.sh", "scripts/", "", None),
        ("README.md", "", "", None),
        ("setup.py", "see ", " for the version", None),
        ("self.request.id", "", "", None),
    ],
)
def test_names_on_file_extension_tlds_are_decided_by_their_context(candidate: str, before: str, after: str, verdict: str | None) -> None:
    assert classify_host(candidate, ALLOW, before, after) == verdict


# ---------------------------------------------------------------------------
# Passwords and license keys by context.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("env:\n  - name: REDIS_PASSWORD\n    value: Orchard#44", "Orchard#44"),
        ("- name: SMTP_AUTH_TOKEN\n  value: 'q8Lz0pXv'", "q8Lz0pXv"),
        ('[{"name": "DB_PASSWORD", "value": "Tulip-2023"}]', "Tulip-2023"),
        ("the password is Quokka77!", "Quokka77!"),
        ("I changed the sa password to Mariner2024.", "Mariner2024"),
        ("The password for the admin account is Larch&Fen41 - rotate it.", "Larch&Fen41"),
        ("Das Passwort lautet Blaubeere9", "Blaubeere9"),
        ("le mot de passe est Cerise_33", "Cerise_33"),
        ("log in as root with Tr0ub4dor&3 for now", "Tr0ub4dor&3"),
        ("credentials: deploy / Kettle99", "Kettle99"),
        ("our license key is QX7RT-22KLM-9PZ4A-00TQW", "QX7RT-22KLM-9PZ4A-00TQW"),
        ("the key we got from sales: 7f3K9QmZ2xLp8RtV4nB6", "7f3K9QmZ2xLp8RtV4nB6"),
    ],
)
def test_a_credential_is_found_by_its_context(text: str, value: str) -> None:
    assert value in spans(find_contextual_credentials(text), text)


@pytest.mark.parametrize(
    "text",
    [
        "the password is wrong",
        "password is 16 characters long",
        "the password is set via $PGPASSWORD",
        "the password for the admin account is stored in Vault",
        "sign in with GitHub, or log in with SAML or OAuth2",
        "pwd: /home/sourcegraph",
        "- name: PGPASSWORD\n  valueFrom:\n    secretKeyRef: {name: pg}",
        "which config key: codeIntelAutoIndexing.enabled",
        "key files live in /etc/ssl/private/server2048.pem",
        "the key for project contoso-search-77 is rotated",
    ],
)
def test_words_after_password_and_key_words_are_not_credentials(text: str) -> None:
    assert list(find_contextual_credentials(text)) == [], text


# ---------------------------------------------------------------------------
# Owners and repositories on code hosts.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, names",
    [
        ("https://github.com/contoso-eng/deploy-tools/issues/12", ["contoso-eng", "deploy-tools"]),
        ("git@github.com:contoso-eng/deploy-tools.git", ["contoso-eng", "deploy-tools"]),
        ("panic in github.com/contoso-eng/deploy-tools/internal.(*X).Run", ["contoso-eng", "deploy-tools"]),
        ("https://gitlab.com/contoso/platform/search-api/-/merge_requests/7", ["contoso", "platform", "search-api"]),
        ("https://bitbucket.org/contoso/infra/src/main/x.yaml", ["contoso", "infra"]),
        ("https://api.github.com/repos/contoso-eng/deploy-tools/pulls", ["contoso-eng", "deploy-tools"]),
        ("https://github.com/orgs/contoso-eng/teams", ["contoso-eng"]),
        ("https://dev.azure.com/contoso/Search/_git/indexer", ["contoso", "Search", "indexer"]),
    ],
)
def test_the_owner_and_repository_of_a_code_host_path_are_found(text: str, names: list[str]) -> None:
    found = CodeHostPaths(["sourcegraph"]).find(text)
    assert [text[s:e] for _, s, e in found] == names


@pytest.mark.parametrize(
    "text",
    [
        "https://github.com/sourcegraph/sourcegraph/issues/46973",
        "github.com/SourceGraph/zoekt",
        "https://github.com/settings/tokens",
        "https://github.com/login/oauth/authorize?client_id=x",
        "https://gitlab.com/-/profile/personal_access_tokens",
        "https://docs.github.com/en/rest",
    ],
)
def test_public_organisations_and_the_sites_own_pages_are_kept(text: str) -> None:
    assert CodeHostPaths(["sourcegraph"]).find(text) == []
    assert scanned(text) == []


def test_the_public_organisations_are_a_setting() -> None:
    text = "see https://github.com/kubernetes/kubernetes/issues/1"
    assert ("OWNER", "kubernetes") in scanned(text)
    settings = RedactionSettings(public_code_orgs=("sourcegraph", "kubernetes"))
    assert scanned(text, settings) == []


def test_the_rest_of_a_code_host_link_stays_a_link() -> None:
    # The issue number is part of the allowed link, not a phone; only owner and repository are findings.
    text = "https://github.com/contoso-eng/deploy-tools/issues/4155551234"
    assert scanned(text) == [("OWNER", "contoso-eng"), ("REPO", "deploy-tools")]


# ---------------------------------------------------------------------------
# Linear time.
# ---------------------------------------------------------------------------

_PATHOLOGICAL = (
    "1 Aa, Tel password is key: github.com/ s3:// ul. Calle Flat 1 DE89 4111 ",
    "1" * 50 + " ",
    "Aa-" * 20 + "Straße ",
    "name: X_PASSWORD\nvalue",
)


@pytest.mark.parametrize("unit", _PATHOLOGICAL)
def test_every_pattern_detector_reads_a_long_line_in_linear_time(unit: str) -> None:
    recognizers = pattern_recognizers(ALLOW, public_code_orgs=("sourcegraph",))

    def seconds(size: int) -> float:
        text = unit * (size // len(unit))
        started = time.perf_counter()
        for recognizer in recognizers:
            recognizer.analyze(text, recognizer.supported_entities, None)
        return time.perf_counter() - started

    small, large = seconds(62_500), seconds(250_000)
    # Four times the text: about four times the time when linear, sixteen when quadratic.
    assert large < 8 * small + 0.5, f"{small:.2f}s → {large:.2f}s"


# ---------------------------------------------------------------------------
# Through the Redactor: what the archive gets, and what the leak scanner then finds in it.
# ---------------------------------------------------------------------------

TICKET_TEXT = """Hi,

the export to s3://contoso-lake-raw/exports/ fails since the upgrade; role
arn:aws:iam::310987654321:role/sg-exporter, project contoso-search-77 (gcloud --project contoso-search-77).
Code is at https://github.com/contoso-eng/deploy-tools/issues/12 and ghe.eu.contoso.pl mirrors it.
Egress to api.github.com and oauth2.googleapis.com is open.

env:
  - name: PGPASSWORD
    value: Orchard#44

Invoices go to IBAN {iban}, card {card} on file.

Regards
Platform team
Lindenstraße 14b, 10115 Berlin
Tel 030 4471203
"""


@pytest.mark.slow
def test_a_ticket_keeps_its_facts_and_loses_every_structured_value(redactor) -> None:
    text = TICKET_TEXT.format(iban=IBANS[0], card=CARDS[0])
    out = redactor.redact_text(text)
    for value in (
        "contoso-lake-raw", "310987654321", "contoso-search-77", "contoso-eng", "deploy-tools", "ghe.eu.contoso.pl",
        "Orchard#44", IBANS[0], CARDS[0], "Lindenstraße 14b", "030 4471203",
    ):
        assert value not in out, value
    for fact in ("s3://", "/exports/", "arn:aws:iam::", ":role/sg-exporter", "https://github.com/", "/issues/12", "api.github.com",
                 "oauth2.googleapis.com", "name: PGPASSWORD", "10115 Berlin"):
        assert fact in out, fact
    assert "https://github.com/<OWNER_1>/<REPO_1>/issues/12" in out
    # What the archive holds must not look like a leak to the scanner that checks it (archive.verify).
    assert LeakScanner().scan(out) == []


@pytest.mark.parametrize(
    "text",
    [
        "mysql -u root -p -h db01 sourcegraph",
        "mysql --protocol=tcp -P 3306",
        "mysqldump -p$MYSQL_PWD sg > dump.sql",
        "docker login -u deploy --password-stdin registry.example.com",
        "curl -u $SRC_USER:$SRC_TOKEN https://sourcegraph.example.com",
        "<password>${DB_PASSWORD}</password>",
        "bypass=true and compass=north",
        "ssh -p 2222 git@github.com",
    ],
)
def test_tool_flags_and_xml_without_a_password_are_kept(text: str) -> None:
    from redaction.secrets import SecretRecognizer

    assert list(SecretRecognizer().find(text)) == [], text
