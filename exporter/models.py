"""Zendesk JSON into the ticket records the Redactor accepts (`redaction.records`).

The records hold *unredacted* customer data. Nothing in this module renders,
logs or writes them; `Redactor.redact_ticket` is the only way from a `Ticket`
to something the archive accepts. The record names are re-exported here, so the
application and its tests import them from one place.

The parse functions turn Zendesk JSON into records and drop what must never
travel further (attachment content URLs carry access tokens, voice comments'
recording URLs lead to the call). They take what
Zendesk sends as it comes: a missing or unreadable timestamp is None, a lone
surrogate (JSON `"\\ud800"`, which no UTF-8 file can hold) is U+FFFD.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Mapping

from exporter.bodies import comment_kind, comment_text, unescape_breaks

# Re-exported: the application and its tests name the records from here.
from redaction.records import Attachment, Comment, CustomField, Organization, Ticket, User  # noqa: F401

ARCHIVED_STATUSES = frozenset({"solved", "closed"})
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _text(value: Any) -> str:
    return _SURROGATES.sub("\ufffd", str(value))


def _optional_text(value: Any) -> str | None:
    return _text(value) if value is not None and value != "" else None


def parse_time(value: str | None) -> datetime | None:
    """Zendesk timestamps are ISO-8601 UTC (`2024-03-01T12:00:00Z`); None when missing or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def parse_user(raw: Mapping[str, Any]) -> User:
    return User(
        id=int(raw["id"]),
        name=_text(raw.get("name") or ""),
        email=_optional_text(raw.get("email")),
        phone=_optional_text(raw.get("phone")),
        role=str(raw.get("role") or "end-user"),
        organization_id=raw.get("organization_id"),
    )


def parse_organization(raw: Mapping[str, Any]) -> Organization:
    return Organization(
        id=int(raw["id"]),
        name=_text(raw.get("name") or ""),
        domain_names=tuple(sorted(_text(d) for d in raw.get("domain_names") or ())),
    )


def parse_comment(raw: Mapping[str, Any]) -> Comment:
    """A comment from the comments endpoint or the ticket events export; the same record either way
    (its one text and kind: `exporter.bodies`)."""
    return Comment(
        id=int(raw["id"]),
        author_id=raw.get("author_id"),
        public=bool(raw.get("public", True)),
        created_at=parse_time(raw.get("created_at")) or datetime.fromtimestamp(0, timezone.utc),
        body=_text(comment_text(raw)),
        kind=comment_kind(raw),
        # content_url and mapped_content_url are deliberately not kept: they carry tokens.
        attachments=tuple(
            Attachment(
                file_name=_text(a.get("file_name") or ""),
                content_type=_optional_text(a.get("content_type")),
                size=a.get("size"),
            )
            for a in raw.get("attachments") or ()
        ),
    )


def _field_value(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return _text(value)


def named_user_ids(raw: Mapping[str, Any]) -> set[int]:
    """Everyone a ticket record names besides its comment authors: requester, submitter, assignee, CCs, followers."""
    ids: set[Any] = {raw.get("requester_id"), raw.get("submitter_id"), raw.get("assignee_id")}
    for key in ("collaborator_ids", "email_cc_ids", "follower_ids"):
        value = raw.get(key)
        if isinstance(value, (list, tuple)):
            ids.update(value)
    return {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}


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
    people = {*named_user_ids(raw), *(c.author_id for c in comments)}
    ticket_users = {uid: users[uid] for uid in people if uid is not None and uid in users}
    custom_fields = []
    for cf in raw.get("custom_fields") or ():
        value = _field_value(cf.get("value"))
        if value is not None:
            cid = int(cf["id"])
            title = (field_titles or {}).get(cid)
            custom_fields.append(CustomField(id=cid, value=value, title=_text(title) if title else None))
    org_id = raw.get("organization_id")
    created = parse_time(raw.get("created_at")) or datetime.fromtimestamp(0, timezone.utc)
    channel = _optional_text((raw.get("via") or {}).get("channel"))
    description = _text(raw.get("description") or "")
    if channel == "voice":
        description = unescape_breaks(description)
    return Ticket(
        id=ticket_id,
        subject=_text(raw.get("subject") or raw.get("raw_subject") or ""),
        description=description,
        status=str(raw.get("status") or ""),
        priority=_optional_text(raw.get("priority")),
        type=_optional_text(raw.get("type")),
        channel=channel,
        tags=tuple(sorted(set(_text(t) for t in raw.get("tags") or ()))),
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
