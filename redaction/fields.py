"""What becomes of each field of the incoming records (`records`) on the way to the redacted ones (`models`).

Each field of an incoming record is declared once, in one of three ways:

- `redacted`: text that goes through the detectors, and the field of the
  redacted record it ends up in;
- `copied`: a value copied as is (ids, states, timestamps, pick-list values
  Zendesk restricts to a fixed set, the link the exporter builds from the id);
- `read`: read to decide what to redact or how to label it (deny-lists,
  authors, order), never archived as it is.

Each field of a redacted record is the target of a `redacted` or `copied`
field, or `made` by redaction itself (counts, versions, pseudonyms, author
placeholders). The Redactor copies exactly the `copied` fields; a field
declared nowhere fails the test suite, so a new free-text field from Zendesk
cannot reach the archive unredacted by being copied along.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Fields:
    redacted: Mapping[str, str]  # incoming field -> the redacted field it ends up in
    copied: Mapping[str, str]  # incoming field -> the redacted field, as is
    read: frozenset[str] = frozenset()
    made: frozenset[str] = frozenset()  # fields of the redacted record made by redaction


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


TICKET = Fields(
    redacted={
        "subject": "title",
        "tags": "tags",
        "custom_fields": "custom_fields",
        "comments": "comments",
        # Zendesk's description is the first comment; redacted as one when comments were not loaded.
        "description": "comments",
    },
    copied=_same("id", "status", "created_at", "updated_at", "solved_at", "url", "priority", "type", "channel"),
    read=frozenset({"requester_id", "organization", "users"}),
    # `organization` is the keyed pseudonym of the organization's id, never its name.
    made=frozenset({"redactions", "organization", "redaction_versions"}),
)

COMMENT = Fields(
    redacted=_same("body", "attachments"),
    # `kind` is Zendesk's name for the kind of comment, never text anyone wrote.
    copied=_same("created_at", "public", "kind"),
    read=frozenset({"id", "author_id"}),
    # A placeholder for the author, or a kept agent's name, and "customer" or "agent".
    made=frozenset({"author", "author_role"}),
)

# An attachment is archived as its redacted file name; its type and size are dropped.
ATTACHMENT = Fields(redacted={"file_name": "attachments"}, copied={}, read=frozenset({"content_type", "size"}))

# A custom field is archived as a (title, redacted value) pair; the title is the admin's name for the field.
CUSTOM_FIELD = Fields(redacted={"value": "custom_fields"}, copied={"title": "custom_fields"}, read=frozenset({"id"}))
