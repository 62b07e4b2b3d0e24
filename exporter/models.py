"""Plain, immutable ticket records as the exporter hands them downstream.

These hold *unredacted* customer data. Nothing in this module renders, logs or
writes them; `redaction.redact_ticket` is the only way from a `Ticket` to
something the archive accepts.

The parse functions turn Zendesk JSON into records and drop what must never
travel further (attachment content URLs carry access tokens).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

ARCHIVED_STATUSES = frozenset({"solved", "closed"})
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

    @property
    def archivable(self) -> bool:
        return self.status in ARCHIVED_STATUSES

    def author(self, comment: Comment) -> User | None:
        return self.users.get(comment.author_id) if comment.author_id is not None else None

    @property
    def customers(self) -> tuple[User, ...]:
        """People on the customer side: requester, CCs and end-user authors."""
        return tuple(sorted((u for u in self.users.values() if not u.is_agent), key=lambda u: u.id))

    @property
    def agents(self) -> tuple[User, ...]:
        return tuple(sorted((u for u in self.users.values() if u.is_agent), key=lambda u: u.id))


def parse_time(value: str | None) -> datetime | None:
    """Zendesk timestamps are ISO-8601 UTC (`2024-03-01T12:00:00Z`)."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_user(raw: Mapping[str, Any]) -> User:
    return User(
        id=int(raw["id"]),
        name=str(raw.get("name") or ""),
        email=raw.get("email") or None,
        phone=raw.get("phone") or None,
        role=str(raw.get("role") or "end-user"),
        organization_id=raw.get("organization_id"),
    )


def parse_organization(raw: Mapping[str, Any]) -> Organization:
    return Organization(
        id=int(raw["id"]),
        name=str(raw.get("name") or ""),
        domain_names=tuple(sorted(str(d) for d in raw.get("domain_names") or ())),
    )


def parse_comment(raw: Mapping[str, Any]) -> Comment:
    # `plain_body` drops HTML markup; `body` is the fallback for API versions without it.
    body = raw.get("plain_body")
    if body is None:
        body = raw.get("body") or ""
    return Comment(
        id=int(raw["id"]),
        author_id=raw.get("author_id"),
        public=bool(raw.get("public", True)),
        created_at=parse_time(raw.get("created_at")) or datetime.fromtimestamp(0, timezone.utc),
        body=str(body),
        # content_url and mapped_content_url are deliberately not kept: they carry tokens.
        attachments=tuple(
            Attachment(
                file_name=str(a.get("file_name") or ""),
                content_type=a.get("content_type"),
                size=a.get("size"),
            )
            for a in raw.get("attachments") or ()
        ),
    )


def _field_value(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def parse_ticket(
    raw: Mapping[str, Any],
    *,
    agent_base_url: str,
    users: Mapping[int, User],
    organizations: Mapping[int, Organization],
    solved_at: datetime | None,
    comments: tuple[Comment, ...] = (),
    field_titles: Mapping[int, str] | None = None,
) -> Ticket:
    ticket_id = int(raw["id"])
    people = {
        raw.get("requester_id"),
        raw.get("submitter_id"),
        raw.get("assignee_id"),
        *(raw.get("collaborator_ids") or ()),
        *(raw.get("email_cc_ids") or ()),
        *(raw.get("follower_ids") or ()),
        *(c.author_id for c in comments),
    }
    ticket_users = {uid: users[uid] for uid in people if uid is not None and uid in users}
    custom_fields = []
    for cf in raw.get("custom_fields") or ():
        value = _field_value(cf.get("value"))
        if value is not None:
            cid = int(cf["id"])
            custom_fields.append(CustomField(id=cid, value=value, title=(field_titles or {}).get(cid)))
    org_id = raw.get("organization_id")
    created = parse_time(raw.get("created_at")) or datetime.fromtimestamp(0, timezone.utc)
    return Ticket(
        id=ticket_id,
        subject=str(raw.get("subject") or raw.get("raw_subject") or ""),
        description=str(raw.get("description") or ""),
        status=str(raw.get("status") or ""),
        priority=raw.get("priority"),
        type=raw.get("type"),
        channel=((raw.get("via") or {}).get("channel")),
        tags=tuple(sorted(set(str(t) for t in raw.get("tags") or ()))),
        custom_fields=tuple(sorted(custom_fields, key=lambda f: f.id)),
        created_at=created,
        updated_at=parse_time(raw.get("updated_at")) or created,
        solved_at=solved_at,
        url=f"{agent_base_url.rstrip('/')}/agent/tickets/{ticket_id}",
        requester_id=raw.get("requester_id"),
        organization=organizations.get(org_id) if org_id is not None else None,
        users=ticket_users,
        comments=comments,
    )
