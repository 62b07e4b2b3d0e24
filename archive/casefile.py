"""The case file: where each file of the archive lives, and a case note's frontmatter, written and read back.

    tickets/YYYY/MM/<id>.md             one case note per ticket, by the month it was created
    README.md, versions/, services/     generated pages (archive.pages)
    signatures/, issues/, jira/         generated backlink pages (archive.backlinks)
    .ticket-archive/state.json          the run state (archive.state), committed with the notes
    .ticket-archive/run.lock            the run lock (archive.store), never committed
    .ticket-archive/cache/              caches rebuilt from the notes, never committed:
                                        manifest.json, index.sqlite, clean; and purge.json
                                        while `forget --purge-history` is under way (archive.erasure)

A note's frontmatter is a `Header`. The renderer builds one and `dump`s it;
`read_case_file` reads any file under tickets/ back, and is the only reader:
the pages' manifest and the search index see the same values, checked by the
same rules, whatever a hand edit left in the file. Reading never fails; a file
without a readable frontmatter naming its ticket has `readable` False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import PurePosixPath
from typing import Any, Mapping

from archive.errors import RenderError
from archive.header import FlowMap, dump_header, split_header
from archive.references import ISSUE_REF, JIRA_KEY
from archive.signatures import SIGNATURE

TICKETS_DIR = "tickets"
TICKET_FILES = f"{TICKETS_DIR}/*/*/*.md"  # a glob, relative to the archive
README = "README.md"
VERSIONS_DIR = "versions"
SERVICES_DIR = "services"
SIGNATURES_DIR = "signatures"
ISSUES_DIR = "issues"
JIRA_DIR = "jira"
PAGE_DIRS = (VERSIONS_DIR, SERVICES_DIR, SIGNATURES_DIR, ISSUES_DIR, JIRA_DIR)
STATE_DIR = ".ticket-archive"
STATE_FILE = f"{STATE_DIR}/state.json"
LOCK_FILE = f"{STATE_DIR}/run.lock"
CACHE_DIR = f"{STATE_DIR}/cache"
MANIFEST_FILE = f"{CACHE_DIR}/manifest.json"
INDEX_FILE = f"{CACHE_DIR}/index.sqlite"
# HEAD as of a run that ended with everything committed; gone as soon as a run changes a file.
CLEAN_FILE = f"{CACHE_DIR}/clean"
GITIGNORE_FILE = ".gitignore"
GITIGNORE = (
    "# Caches rebuilt from the ticket files, locks and temp files of a killed run; never committed.\n"
    f"{CACHE_DIR}/\n{STATE_DIR}/*.lock\n*.tmp\n"
)

# What a hand-edited file may not smuggle into a page's path or a query.
_VERSION = re.compile(r"^\d{1,4}(?:\.\d{1,4}){1,3}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
_HEADING = re.compile(r"^# (.+)$", re.M)


def format_utc(value: datetime) -> str:
    """ISO-8601 in UTC to the second (`2023-04-05T08:30:00Z`); a naive time is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_path(ticket_id: int, created_at: datetime) -> str:
    """Where a ticket's note lives, relative to the archive."""
    return f"{TICKETS_DIR}/{created_at.year:04d}/{created_at.month:02d}/{ticket_id}.md"


def signature_file(signature: str) -> str:
    """The page of one error signature (archive.backlinks); `signature` matches archive.signatures.SIGNATURE."""
    return f"{SIGNATURES_DIR}/{signature}.md"


def issue_file(ref: str) -> str:
    """The page of one known issue: `owner/repo#12` -> issues/owner/repo/12.md, a GitLab `!12` -> mr-12.md.

    `ref` matches archive.references.ISSUE_REF, which keeps it inside issues/."""
    place, kind, number = re.split(r"([#!])", ref)
    return f"{ISSUES_DIR}/{place}/{'mr-' if kind == '!' else ''}{number}.md"


def jira_file(key: str) -> str:
    return f"{JIRA_DIR}/{key}.md"


@dataclass(frozen=True)
class Header:
    """A case note's frontmatter, field by field in the order the keys are written."""

    id: int | None
    title: str = ""
    status: str | None = None
    created_at: str | None = None  # format_utc
    updated_at: str | None = None
    solved_at: str | None = None
    url: str | None = None
    priority: str | None = None
    type: str | None = None
    channel: str | None = None
    organization: str | None = None  # a keyed pseudonym; no key when None
    product_area: str | None = None
    deployment: str | None = None
    version: str | None = None  # the version the case was reported on
    versions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    # Derived from the note's own text (archive.derived): error signatures, known-issue references,
    # and Jira keys (None: no Jira project configured, no key).
    signatures: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    jira: tuple[str, ...] | None = None
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    comments: int = 0
    fields: tuple[tuple[str, str], ...] = ()  # custom fields, (title, value); no key when empty
    redactions: tuple[tuple[str, int], ...] = ()  # findings replaced, by type
    redaction_versions: tuple[tuple[str, str], ...] = ()  # what decided the redaction; no key when empty

    def dump(self) -> str:
        """The frontmatter block, `---` lines included."""
        meta: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "solved_at": self.solved_at,
            "url": self.url,
            "priority": self.priority,
            "type": self.type,
            "channel": self.channel,
        }
        if self.organization is not None:
            meta["organization"] = self.organization
        meta.update(
            {
                "product_area": self.product_area,
                "deployment": self.deployment,
                "version": self.version,
                "versions": list(self.versions),
                "services": list(self.services),
                "errors": list(self.errors),
                **derived_keys(self.signatures, self.issues, self.jira),
                "keywords": list(self.keywords),
                "tags": list(self.tags),
                "comments": self.comments,
            }
        )
        if self.fields:
            meta["fields"] = dict(self.fields)
        redaction: dict[str, Any] = {"counts": FlowMap(self.redactions)}
        if self.redaction_versions:
            redaction["versions"] = FlowMap(self.redaction_versions)
        meta["redaction"] = redaction
        return dump_header(meta)


DERIVED_KEYS = ("signatures", "issues", "jira")


def derived_keys(signatures: tuple[str, ...], issues: tuple[str, ...], jira: tuple[str, ...] | None) -> dict[str, Any]:
    """The frontmatter keys derived from a note's text, in the order they follow `errors:`."""
    keys: dict[str, Any] = {"signatures": list(signatures), "issues": list(issues)}
    if jira is not None:
        keys["jira"] = list(jira)
    return keys


@dataclass(frozen=True)
class CaseFile:
    """One file under tickets/ as read back."""

    path: str  # relative to the archive, with forward slashes
    header: Header
    body: str  # everything after the frontmatter (the whole text when it has none)
    readable: bool  # the frontmatter parsed and names the ticket's id
    frontmatter: Mapping[str, Any] = field(default_factory=dict)  # as YAML read it, unknown keys included

    @property
    def ticket_id(self) -> int | None:
        """The frontmatter's id, else the file's name when it is a number."""
        if self.header.id is not None:
            return self.header.id
        stem = PurePosixPath(self.path).stem
        return int(stem) if stem.isascii() and stem.isdigit() else None

    @property
    def title(self) -> str:
        """The title to show: the frontmatter's, else the first heading, else `Ticket <id>`, else the file name."""
        title = self.header.title.strip()
        if title:
            return title
        heading = _HEADING.search(self.body)
        if heading and heading.group(1).strip():
            return heading.group(1).strip()
        ticket_id = self.ticket_id
        return f"Ticket {ticket_id}" if ticket_id is not None else PurePosixPath(self.path).stem

    def section(self, heading: str) -> str | None:
        """The text under `## heading`, up to the next `## ` heading; None when there is no such section."""
        found = re.search(rf"^## {re.escape(heading)}\n\n(?P<text>.*?)(?=^## |\Z)", self.body, re.M | re.S)
        return found.group("text") if found else None


def read_case_file(path: str, text: str) -> CaseFile:
    """A case file's header and body, by the rules every reader shares; never fails."""
    try:
        meta, body = split_header(text)
    except RenderError:
        return CaseFile(path, Header(id=None), text, readable=False)
    header = Header(
        id=_int(meta.get("id")),
        title=scalar_text(meta.get("title")) or "",
        status=_lower(meta.get("status")),
        created_at=scalar_text(meta.get("created_at")),
        updated_at=scalar_text(meta.get("updated_at")),
        solved_at=scalar_text(meta.get("solved_at")),
        url=scalar_text(meta.get("url")),
        priority=scalar_text(meta.get("priority")),
        type=scalar_text(meta.get("type")),
        channel=scalar_text(meta.get("channel")),
        organization=scalar_text(meta.get("organization")),
        product_area=scalar_text(meta.get("product_area")),
        deployment=_name(meta.get("deployment")),
        version=_version(meta.get("version")),
        versions=tuple(v for v in map(_version, _items(meta.get("versions"))) if v),
        services=tuple(s for s in map(_name, _items(meta.get("services"))) if s),
        errors=_items(meta.get("errors")),
        signatures=tuple(s for s in _items(meta.get("signatures")) if SIGNATURE.match(s)),
        issues=tuple(i for i in _items(meta.get("issues")) if ISSUE_REF.match(i)),
        jira=tuple(k for k in _items(meta.get("jira")) if JIRA_KEY.match(k)) if "jira" in meta else None,
        keywords=_items(meta.get("keywords")),
        tags=_items(meta.get("tags")),
        comments=_int(meta.get("comments")) or 0,
        fields=_pairs(meta.get("fields")),
        redactions=tuple((k, v) for k, v in _pairs(meta.get("redaction"), "counts", raw=True) if _int(v) is not None),
        redaction_versions=_pairs(meta.get("redaction"), "versions"),
    )
    return CaseFile(path, header, body, readable=header.id is not None, frontmatter=meta)


def scalar_text(value: Any) -> str | None:
    """A frontmatter scalar as text (times in UTC); None for nothing, a list or a mapping."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _lower(value: Any) -> str | None:
    text = (scalar_text(value) or "").strip().lower()
    return text or None


def _name(value: Any) -> str | None:
    text = _lower(value)
    return text if text and _NAME.match(text) else None


def _version(value: Any) -> str | None:
    text = (scalar_text(value) or "").strip()
    return text if _VERSION.match(text) else None


def _items(value: Any) -> tuple[str, ...]:
    """A list's scalars as text; a lone scalar is a list of one."""
    values = value if isinstance(value, list) else [value]
    return tuple(text for text in map(scalar_text, values) if text is not None)


def _pairs(value: Any, key: str | None = None, raw: bool = False) -> tuple[Any, ...]:
    """A mapping's (key, scalar) pairs, in the order written; of `value[key]` when a key is given."""
    if key is not None:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, dict):
        return ()
    pairs = ((str(k), v if raw else scalar_text(v)) for k, v in value.items())
    return tuple((k, v) for k, v in pairs if v is not None)
