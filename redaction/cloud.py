"""Names of a customer's cloud resources: storage buckets and accounts, AWS account ids, GCP projects.

They rarely look like names: `acme-terraform-state`, `123456789012`,
`acmeprod01`. What gives them away is where they stand, and the grammar of
each provider's identifiers (from the providers' documentation):

- S3 and GCS buckets (`<STORAGE_n>`): the host of an `s3://` or `gs://` URL,
  the first part of an S3 ARN's resource, the path of a path-style storage
  URL (`s3.amazonaws.com/<bucket>/`, `storage.googleapis.com/<bucket>/`), a
  `bucket:` / `bucket_name =` value, "the <name> bucket", `--bucket <name>`;
- Azure storage accounts (`<STORAGE_n>`): `AccountName=` in a connection
  string, `--account-name`, `az storage account ... -n`, `storageAccount:`
  values and the first label of `*.blob.core.windows.net`-style hosts;
- AWS account ids (`<CLOUD_ACCOUNT_n>`): the account field of an ARN, twelve
  digits after "account" (`Account: 1234-5678-9012`, `"Account":
  "123456789012"`, `AWS_ACCOUNT_ID=`);
- GCP project ids (`<CLOUD_ACCOUNT_n>`): `projects/<id>/` before one of the
  resource collections of Google's resource names, `--project`, `gcloud
  config set project`, `GOOGLE_CLOUD_PROJECT=` and the like, and the project
  part of a `gcr.io/<id>/` or `*-docker.pkg.dev/<id>/` image. Google's own
  public image projects (`distroless`, `google-containers`, ...) and the
  configured public organisations are kept.

Public endpoints of these services are hosts, and `network.AllowList`
decides about them.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from redaction.detector import PatternDetector
from redaction.wordsearch import LowerText

STORAGE = "STORAGE"
CLOUD_ACCOUNT = "CLOUD_ACCOUNT"

# Google's own public image projects on gcr.io / Artifact Registry (Google Cloud documentation).
GOOGLE_PUBLIC_PROJECTS = frozenset(
    {
        "google-containers", "google_containers", "distroless", "cloud-builders", "kaniko-project",
        "k8s-artifacts-prod", "cloudsql-docker", "cloud-marketplace", "google-samples", "gke-release",
        "google.com", "cloudrun", "ml-pipeline", "tekton-releases", "knative-releases", "k8s-staging-images",
        "google-appengine", "cloud-sql-connectors", "gke-release-staging", "deeplearning-platform-release",
    }
)

# Bucket names (S3 and GCS rules: 3-63 lower-case letters, digits, dots, hyphens, underscores for GCS).
_BUCKET = r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]"
# GCP project ids: 6-30 lower-case letters, digits and hyphens, starting with a letter.
_PROJECT = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
# Azure storage account names: 3-24 lower-case letters and digits.
_AZURE_ACCOUNT = r"[a-z0-9]{3,24}"
_END = r"(?![\w.-]*[\w])"
# A bucket name in prose: with a hyphen, a dot or a digit somewhere.
_NAMED = r"[a-z0-9][a-z0-9_]*[.-][a-z0-9._-]*[a-z0-9]|[a-z][a-z_]*\d[a-z0-9._-]*"  # the name ends here, not inside a longer word

# (why, lower-case hints one of which a text must hold, pattern)
_STORAGE_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("bucket url", ("s3://", "s3a://", "s3n://", "gs://"), re.compile(r"(?<![\w.+-])(?:s3a?|s3n|gs)://(?P<v>" + _BUCKET + r")(?![\w.-]*\w)")),
    ("s3 arn", ("arn:aws",), re.compile(r"\barn:aws[\w-]*:s3:::(?P<v>" + _BUCKET + r")")),
    (
        "path-style storage url", ("amazonaws.com", "storage.googleapis.com", "storage.cloud.google.com"),
        re.compile(
            r"(?<![\w.-])(?:s3(?:[.-](?:dualstack\.)?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?|storage\.googleapis\.com"
            r"|storage\.cloud\.google\.com)/(?P<v>" + _BUCKET + r")(?=[/?#\s\"'`)]|$)"
        ),
    ),
    (
        "bucket key", ("bucket",),
        re.compile(
            r"(?i)(?<![\w-])(?:[\w-]*bucket(?:[_-]?name)?[\"']?[ \t]*[:=]|--?bucket(?:[ \t]*=|[ \t]))[ \t]*[\"']?"
            r"(?P<v>(?-i:" + _BUCKET + r"))(?![\w.-]*\w)"
        ),
    ),
    # In prose a name counts only when it has a bucket name's hyphen, dot or digit: not "the backup bucket".
    (
        "named bucket", ("bucket",),
        re.compile(r"(?i)\b(?:the|our|in|into|to|from)[ \t]+(?P<v>(?-i:" + _NAMED + r"))[ \t]+(?:s3[ \t]+|gcs[ \t]+)?buckets?\b"),
    ),
    ("bucket named", ("bucket",), re.compile(r"(?i)\bbuckets?[ \t]+(?:named[ \t]+|called[ \t]+)?[\"'`]?(?P<v>(?-i:" + _NAMED + r"))(?![\w.-]*\w|:/)")),  # not a scheme: "bucket s3://…"
    ("azure connection string", ("accountname=",), re.compile(r"(?i)\bAccountName=(?P<v>" + _AZURE_ACCOUNT + r")\b")),
    (
        "azure cli", ("--account-name", "storage"),
        re.compile(
            r"(?i)(?:--account-name[ \t=]+|\baz[ \t]+storage[ \t]+account[ \t]+[a-z-]+(?:[ \t]+[^\n]*?)?[ \t]+(?:-n|--name)[ \t=]+)"
            r"[\"']?(?P<v>(?-i:" + _AZURE_ACCOUNT + r"))\b"
        ),
    ),
    (
        "azure storage key", ("storage", "accountname", "account_name", "account-name"),
        re.compile(
            r"(?i)(?<![\w-])(?:storage[_-]?account(?:[_-]?name)?|azure[_-]?storage[_-]?account|account[_-]?name)"
            r"[\"']?[ \t]*[:=][ \t]*[\"']?(?P<v>(?-i:" + _AZURE_ACCOUNT + r"))\b(?![.-]\w)"
        ),
    ),
    (
        "azure storage host", (".core.windows.net",),
        re.compile(r"(?<![\w.-])(?P<v>" + _AZURE_ACCOUNT + r")\.(?:blob|file|queue|table|dfs|web|z\d+\.web)\.core\.windows\.net\b"),
    ),
)

_ACCOUNT_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    ("arn account", ("arn:aws",), re.compile(r"\barn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(?P<v>\d{12}):")),
    (
        "aws account", ("account", "owner"),
        re.compile(
            r"(?i)(?<![\w-])(?:aws[ _-]?account(?:[ _-]?(?:id|number|no\.?))?|account[ _-]?(?:id|number|no\.?)|account|owner[ _-]?id)"
            r"(?![\w-])[^\n\d]{0,24}?(?<!\d)(?P<v>\d{4}-\d{4}-\d{4}|\d{12})(?![\d-])"
        ),
    ),
    ("aws account host", (".dkr.ecr.",), re.compile(r"(?<![\w.-])(?P<v>\d{12})\.dkr\.ecr\.")),
)

_COLLECTIONS = (
    r"locations|zones|regions|global|topics|subscriptions|secrets|serviceAccounts|datasets|instances|clusters"
    r"|buckets|keyRings|databases|repositories|sinks|logs|metricDescriptors|timeSeries|alertPolicies"
    r"|notificationChannels|jobs|operations|instanceTemplates|networks|subnetworks|firewalls|backendServices"
    r"|images|disks|snapshots|models|endpoints|services|triggers|builds|configs|notes|occurrences|roles"
    r"|workloadIdentityPools|policies|brands|tenants|agentPools|connections|functions|queues"
)
_PROJECT_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "resource name", ("projects/",),
        re.compile(r"(?<![\w-])projects/(?P<v>" + _PROJECT + r")(?:/(?:" + _COLLECTIONS + r")\b|(?=[\s\"'`,)]|$))"),
    ),
    ("gcloud flag", ("--project",), re.compile(r"(?<![\w-])--project(?:[ \t]*=[ \t]*|[ \t]+)[\"']?(?P<v>" + _PROJECT + r")" + _END)),
    ("gcloud config", ("gcloud",), re.compile(r"\bgcloud[ \t]+config[ \t]+set[ \t]+(?:core/)?project[ \t]+[\"']?(?P<v>" + _PROJECT + r")" + _END)),
    (
        "project variable", ("project",),
        re.compile(
            r"(?i)(?<![\w-])(?:google[_-]cloud[_-]project|gcloud[_-]project|gcp[_-]project(?:[_-]id)?|cloudsdk[_-]core[_-]project"
            r"|google[_-]project(?:[_-]id)?|project[_-]?id)[\"']?[ \t]*[:=][ \t]*[\"']?(?P<v>(?-i:" + _PROJECT + r"))" + _END
        ),
    ),
    (
        "image registry", ("gcr.io", "docker.pkg.dev"),
        re.compile(r"(?<![\w.-])(?:(?:[a-z]{2,4}\.)?gcr\.io|[a-z0-9-]+-docker\.pkg\.dev)/(?P<v>" + _PROJECT + r"|[a-z0-9.-]+\.[a-z]+:[a-z0-9-]+)/"),
    ),
)


class CloudRecognizer(PatternDetector):
    """Buckets and storage accounts → STORAGE; AWS account ids and GCP project ids → CLOUD_ACCOUNT."""

    ENTITIES = (STORAGE, CLOUD_ACCOUNT)

    def __init__(self, public_names: Iterable[str] = ()):
        self._public = frozenset(n.lower() for n in public_names) | GOOGLE_PUBLIC_PROJECTS
        super().__init__()

    def find(self, text: str) -> Iterator[tuple[str, int, int, float, str]]:
        source = LowerText(text)
        for entity, patterns in ((STORAGE, _STORAGE_PATTERNS), (CLOUD_ACCOUNT, _ACCOUNT_PATTERNS), (CLOUD_ACCOUNT, _PROJECT_PATTERNS)):
            for why, hints, pattern in patterns:
                if not source.has_any(hints):
                    continue
                for match in pattern.finditer(text):
                    value = match.group("v")
                    if value.lower() in self._public or (why == "project variable" and not _project_like(value)):
                        continue
                    yield entity, match.start("v"), match.end("v"), 0.9, why


def _project_like(value: str) -> bool:
    """A generic `project_id` key holds a GCP project only when the value has a GCP project's hyphen or digits."""
    return "-" in value or any(c.isdigit() for c in value)
