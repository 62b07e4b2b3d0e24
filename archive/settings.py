"""What the case notes are built with; every field has a default that suits a Sourcegraph support desk."""

from __future__ import annotations

from dataclasses import dataclass

from archive import glossary

# A product version: `3.42.1`, `v4.1`; not part of a longer dotted number, a path, an IP or a date.
VERSION_PATTERN = r"""
    (?<![\w.\-/@])(?<!\d:)        # not inside a word, path, IP, date or time; image:5.1.2 is fine
    v?(?P<v>[1-9]\d?\.(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2}))?)   # no leading zeros: 05.03 is a date
    (?![\w]|\.\d|-\d{2}-|\s?(?:am|pm|h|hrs?|hours?|min|utc|gmt)\b)   # nor a longer number, a date or a time
"""


@dataclass(frozen=True)
class NoteSettings:
    # Glossaries: (canonical name, regular expression) pairs, see archive.glossary.
    services: tuple[tuple[str, str], ...] = glossary.SERVICES
    deployments: tuple[tuple[str, str], ...] = glossary.DEPLOYMENTS
    terms: tuple[str, ...] = glossary.TERMS
    error_phrases: tuple[str, ...] = glossary.ERROR_PHRASES
    stop_words: frozenset[str] = glossary.STOP_WORDS
    # Verbose regular expression with a group `v`; two-part versions also need a
    # word such as "version" or "upgrade to" before them, or a leading `v`.
    version_pattern: str = VERSION_PATTERN
    # Custom fields (by Zendesk title, case-insensitive) that hold these facts.
    version_fields: tuple[str, ...] = ("Product version", "Version", "Sourcegraph version")
    deployment_fields: tuple[str, ...] = ("Deployment type", "Deployment")
    product_area_fields: tuple[str, ...] = ("Product area",)
    # Custom fields copied into the frontmatter under `fields`; None copies all.
    custom_fields: tuple[str, ...] | None = None
    # An internal note starting with this is the case's resolution.
    resolution_marker: str = "Resolution:"
    salient_terms: int = 5
    # Pasted logs: a comment longer than `log_lines` keeps its first `log_head`
    # and last `log_tail` lines; longer lines keep `line_chars` characters.
    log_lines: int = 120
    log_head: int = 60
    log_tail: int = 30
    line_chars: int = 2_000
    # Sourcegraph's indexer skips files over 1 MB or with 20,000 distinct trigrams or more.
    max_file_bytes: int = 1_000_000
    max_trigrams: int = 20_000
    # For the README's queries: the archive's repository name on Sourcegraph
    # (github.com/acme/support-cases); None derives it from the `origin` remote.
    sourcegraph_repo: str | None = None
    search_context: str = "support-cases"
    # Known issues: GitHub and GitLab issue and pull/merge request links of these organisations
    # (the first part of a repository's path) become a case's `issues:`; see archive.references.
    issue_orgs: tuple[str, ...] = ("sourcegraph",)
    # Jira project keys whose issue keys (SG-123) become `jira:`; with none, notes have no `jira:` key.
    jira_projects: tuple[str, ...] = ()
    # The Jira site the jira/ pages link to (https://acme.atlassian.net); None links nowhere.
    jira_url: str | None = None
    # Custom fields (by Zendesk title) whose true value says a case needed engineering (`report`).
    escalation_fields: tuple[str, ...] = ("Escalated to engineering",)
