"""What a case note's frontmatter derives from the note's own text: `signatures:`, `issues:` and `jira:`.

    errors: ['git gc failed: signal: killed', OOMKilled]
    signatures: [sig-1c0bd0ac52, sig-daf6c5a4a9]       one per error (archive.signatures)
    issues: [sourcegraph/sourcegraph#46973]            links of the configured organisations (archive.references)
    jira: [SG-123]                                     only when Jira projects are configured

They are a function of what the note already holds (its `errors`, its body and
its custom fields) and of two settings, never of Zendesk. So the renderer and
an upgrade of an older note compute the same keys from the same text, and an
archive written before these keys existed gains them without Zendesk: the first
run whose `stamp` differs from the one recorded in the run state rewrites every
note's derived lines (`with_derived`) in that run's one commit. The stamp
changes with `FORMAT` (bump it when the rules of archive.signatures or
archive.references change) and with the settings they read.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Iterable

from archive.casefile import DERIVED_KEYS, CaseFile, derived_keys
from archive.header import dump_header
from archive.references import issue_refs, jira_keys
from archive.settings import NoteSettings
from archive.signatures import signatures_of

FORMAT = 1

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


@dataclass(frozen=True)
class Derived:
    signatures: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    jira: tuple[str, ...] | None = None  # None: no Jira project configured


def derive(errors: Iterable[str], texts: Iterable[str], settings: NoteSettings) -> Derived:
    """The derived keys of a note with these errors; `texts` are its body and custom-field values."""
    texts = list(texts)
    return Derived(
        signatures=tuple(signatures_of(errors)),
        issues=tuple(issue_refs(texts, settings.issue_orgs)),
        jira=tuple(jira_keys(texts, settings.jira_projects)) if settings.jira_projects else None,
    )


def derive_from_note(case: CaseFile, settings: NoteSettings) -> Derived:
    header = case.header
    return derive(header.errors, [case.body, *(value for _, value in header.fields)], settings)


def stamp(settings: NoteSettings) -> str:
    """Names the rules and settings the derived keys were computed with; recorded in the run state."""
    used = json.dumps([sorted(o.lower() for o in settings.issue_orgs), sorted(p.upper() for p in settings.jira_projects)])
    return f"{FORMAT}-{hashlib.blake2b(used.encode(), digest_size=6).hexdigest()}"


def with_derived(text: str, derived: Derived) -> str:
    """The note with its derived frontmatter lines replaced by `derived`'s, right after `errors:`.

    Everything else stays as it was, byte for byte: hand edits and keys this
    version does not know. A note without a readable frontmatter is returned as is."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---\n", 3)
    if end < 0:
        return text
    lines = text[4 : end + 1].splitlines(keepends=True)
    kept: list[str] = []
    skipping = False
    for line in lines:
        key = _TOP_KEY.match(line)
        if key is not None or not line.startswith((" ", "-", "\t")):
            skipping = key is not None and key.group(1) in DERIVED_KEYS
        if not skipping:
            kept.append(line)
    block = dump_header(derived_keys(derived.signatures, derived.issues, derived.jira))[4:-4]
    anchor = _after_key(kept, "errors")
    kept.insert(anchor if anchor is not None else len(kept), block)
    return "---\n" + "".join(kept) + text[end + 1 :]


def _after_key(lines: list[str], name: str) -> int | None:
    """The index of the line after top-level key `name` and its indented or `- ` continuation lines."""
    for index, line in enumerate(lines):
        key = _TOP_KEY.match(line)
        if key is not None and key.group(1) == name:
            index += 1
            while index < len(lines) and lines[index].startswith((" ", "-", "\t")):
                index += 1
            return index
    return None
