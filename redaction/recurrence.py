"""Structured values found once are redacted wherever they recur in the ticket.

A bucket, a cloud project or account, a code-host owner or repository is
found where its context shows it (`s3://contoso-lake-raw/`, `--project
contoso-search-77`); the same ticket then names it bare ("the
contoso-lake-raw export", "project contoso-search-77"). Each value found
becomes a term of a per-ticket deny-list, with the identity its placeholder
was numbered by, so the recurrence gets the same placeholder.

Only values shaped like identifiers recur: six characters or more with a
digit, a hyphen, a dot or an underscore in them, or ten digits and more (an
AWS account id). A plain word ("monorepo",
"google") found as a repository or an owner is redacted where it stands, and
nowhere else: as a word in prose it is more often just the word.
"""

from __future__ import annotations

import re
from typing import Sequence

from redaction.known import KnownEntities, KnownEntityRecognizer, Term
from redaction.models import Finding

RECURRENCE = "StructuredRecurrence"
RECURRING = frozenset({"STORAGE", "CLOUD_ACCOUNT", "OWNER", "REPO"})
_IDENTIFIER_SHAPED = re.compile(r"^(?=.{6,})(?=.*[\d._-])[\w.-]+$")


def recurrence_recognizer(texts: Sequence[str], found: Sequence[list[Finding]]) -> KnownEntityRecognizer | None:
    """A deny-list of the identifier-shaped structured values found in `texts`; None when there are none."""
    terms: dict[tuple[str, str], Term] = {}
    for text, findings in zip(texts, found):
        for finding in findings:
            if finding.type not in RECURRING:
                continue
            value = text[finding.start : finding.end]
            if (_IDENTIFIER_SHAPED.match(value) and not value.isdigit()) or (value.isdigit() and len(value) >= 10):
                identity = f"{finding.type.lower()}:{value}"
                terms.setdefault((finding.type, value.lower()), Term(finding.type, identity, re.escape(value)))
    if not terms:
        return None
    return KnownEntityRecognizer(KnownEntities(terms=tuple(terms.values()), kept_names=frozenset()), name=RECURRENCE)
