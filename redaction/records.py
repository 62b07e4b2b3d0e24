"""The unredacted input the Redactor accepts: a ticket with its people, comments and fields.

These records hold customer data as it came from the help desk. The
application builds them (`exporter.models` parses Zendesk JSON into them);
redaction reads them and returns `redaction.models.RedactedTicket`, the only
record the archive accepts. Nothing here renders, logs or writes them.

Every field of `Ticket`, `Comment` and `Attachment` is declared in
`redaction.fields` as text to redact, a value copied as is, or input the
redaction reads without archiving it; a field declared nowhere fails a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

AGENT_ROLES = frozenset({"agent", "admin"})


@dataclass(frozen=True)
class User:
    id: int
    name: str
    email: str | None = None
    phone: str | None = None
    role: str = "end-user"
    organization_id: int | None = None

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES


@dataclass(frozen=True)
class Organization:
    id: int
    name: str
    domain_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content_type: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Comment:
    id: int
    author_id: int | None
    public: bool
    created_at: datetime
    body: str
    attachments: tuple[Attachment, ...] = ()
    # Zendesk's kind of comment: Comment, VoiceComment, TpeVoiceComment (a name, never free text).
    kind: str = "Comment"


@dataclass(frozen=True)
class CustomField:
    id: int
    value: str
    title: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket in its latest known state, with side-loaded people and comments."""

    id: int
    subject: str
    status: str
    created_at: datetime
    updated_at: datetime
    url: str
    solved_at: datetime | None = None
    description: str = ""
    priority: str | None = None
    type: str | None = None
    channel: str | None = None
    tags: tuple[str, ...] = ()
    custom_fields: tuple[CustomField, ...] = ()
    requester_id: int | None = None
    organization: Organization | None = None
    # Everyone the ticket names: requester, CCs, comment authors, assignee.
    users: Mapping[int, User] = field(default_factory=dict)
    comments: tuple[Comment, ...] = ()

    def author(self, comment: Comment) -> User | None:
        return self.users.get(comment.author_id) if comment.author_id is not None else None

    @property
    def customers(self) -> tuple[User, ...]:
        """People on the customer side: requester, CCs and end-user authors."""
        return tuple(sorted((u for u in self.users.values() if not u.is_agent), key=lambda u: u.id))

    @property
    def agents(self) -> tuple[User, ...]:
        return tuple(sorted((u for u in self.users.values() if u.is_agent), key=lambda u: u.id))
