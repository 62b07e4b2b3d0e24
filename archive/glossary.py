"""The product vocabulary the archive recognises: services, deployment types, terms, stop words.

Each table is a default of `archive.settings.NoteSettings` and can be replaced
there. Patterns are regular expressions matched case-insensitively against
redacted text; a service pattern may be stricter than its name when the name is
also an everyday word ("worker", "symbols").
"""

from __future__ import annotations

import re


def _strict(name: str) -> str:
    """A service whose name is an everyday word counts only where it is clearly the service."""
    word = re.escape(name)
    return (
        rf"(?<![\w.-]){word}(?=-\d+\b|-[a-z0-9]{{5,}}\b|\s+(?:pod|container|service|deployment|replica|log)s?\b)"
        rf"|(?:sourcegraph|deploy(?:ment)?|svc|pod|statefulset)/{word}\b"
    )


# Canonical service name -> pattern. Names are what the frontmatter and services/<name>.md use.
SERVICES: tuple[tuple[str, str], ...] = (
    ("blobstore", r"blobstore"),
    ("codeinsights-db", r"codeinsights-db"),
    ("codeintel-db", r"codeintel-db"),
    ("embeddings", r"embeddings(?=-\d|-[a-z0-9]{5,}\b|\s+(?:pod|container|service)s?\b)"),
    ("executor", r"executors?(?=-\d|-[a-z0-9]{5,}\b|\s+(?:pod|container|service|vm)s?\b)|sourcegraph/executor"),
    ("frontend", r"(?:sourcegraph-)?frontend"),
    ("gitserver", r"gitserver"),
    ("grafana", r"grafana"),
    ("jaeger", r"jaeger"),
    ("migrator", r"migrator"),
    ("otel-collector", r"otel-collector"),
    ("pgsql", r"pgsql"),
    ("precise-code-intel-worker", r"precise-code-intel-worker"),
    ("prometheus", r"prometheus"),
    ("redis", r"redis(?:-cache|-store)?"),
    ("repo-updater", r"repo-updater"),
    ("searcher", r"searcher"),
    ("symbols", _strict("symbols")),
    ("syntect-server", r"syntect-server"),
    ("worker", _strict("worker")),
    ("zoekt-indexserver", r"zoekt-indexserver"),
    ("zoekt-webserver", r"zoekt-webserver"),
)

# Deployment type -> pattern, in the order ties are broken. Matched against a
# custom field's value (lower-cased, `_` and spaces turned into `-`) or the text.
DEPLOYMENTS: tuple[tuple[str, str], ...] = (
    ("kubernetes", r"\b(?:kubernetes|k8s|helm|kustomize|kubectl|statefulset|openshift|eks|gke|aks)\b"),
    ("docker-compose", r"\bdocker[- ]compose\b|\bcompose\.ya?ml\b"),
    ("single-container", r"\bsingle[- ]container\b|\bsourcegraph/server\b"),
    ("cloud", r"\bsourcegraph[- ]cloud\b|\b(?:cloud|managed|dedicated)[- ]instance\b"),
)

# Product and infrastructure terms worth a keyword when a case mentions them.
TERMS: tuple[str, ...] = (
    "api rate limit",
    "batch changes",
    "bitbucket",
    "certificate",
    "code insights",
    "code monitoring",
    "code navigation",
    "cody",
    "crashloopbackoff",
    "gitlab",
    "github",
    "ingress",
    "license",
    "lsif",
    "migration",
    "oidc",
    "okta",
    "oomkilled",
    "perforce",
    "pvc",
    "s3",
    "saml",
    "scim",
    "scip",
    "site configuration",
    "sso",
    "upgrade",
)

# Phrases that are error messages wherever they appear, also in prose.
ERROR_PHRASES: tuple[str, ...] = (
    "502 Bad Gateway",
    "504 Gateway Timeout",
    "API rate limit exceeded",
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "OOMKilled",
    "certificate signed by unknown authority",
    "connection refused",
    "context deadline exceeded",
    "no space left on device",
    "permission denied",
    "too many open files",
)

# English function words and support-desk chatter: never keywords.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also although always am an and another any anyone anything are
    aren around as ask asked at away back be because been before being below best between both but by
    call can cannot case check checked could couldn did didn do does doesn doing done don down during
    each either else even ever every everyone everything few find first follow following for found from
    further get gets getting give given go goes going gone good got great had hadn has hasn have haven
    having he hello help her here hers herself hey hi him himself his how however i if in into is isn it
    its itself just keep kind kindly know last let like likely look looks lot made make many may maybe me
    might mine more most much must my myself need needed needs new next no nor not nothing now of off
    often ok okay on once one only or other others our ours ourselves out over own please problem
    provide quite rather re really regards right said same see seem seems seen send sent she should
    shouldn since so some something soon still such sure take team than thank thanks that the their
    theirs them themselves then there these they thing things think this those though through thus
    ticket time to today told too tried try trying two under until up upon us use used using very via
    want wanted was wasn way we week well were weren what when where whether which while who whom whose
    why will with within without won work worked working works would wouldn yes yesterday yet you your
    yours yourself yourselves issue issues customer customers support update updated hope glad sorry
    morning afternoon evening dear cheers best regards fine works able already anyway around
    error errors fail failed fails failing failure command request happen happens happened change changed
    side thing things least instead side getting seeing share shared reply replied confirm confirmed
    null none true false undefined folks guys everyone across automatically behind output pasted returns
    current days hours seconds minutes months years tell told asked
    """.split()
)
