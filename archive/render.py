"""Renders a redacted ticket as a Markdown file with YAML frontmatter.

The output is a pure function of the record: fixed key order, sorted lists,
ISO-8601 UTC times, LF line ends and a final newline, so an unchanged ticket
renders to the same bytes and git sees no change.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import frontmatter
import yaml

from archive.errors import RenderError
from archive.facts import find_services, find_versions
from redaction.models import RedactedTicket

# C0 controls other than tab/newline, and lone surrogates, cannot go into a UTF-8 text file.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class _Dumper(yaml.SafeDumper):
    """Lists in flow style on one line, so `^versions:.*3\\.42` matches in Sourcegraph."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWRITABLE.sub("\ufffd", text)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_texts(ticket: RedactedTicket) -> list[str]:
    return [ticket.title, *(c.body for c in ticket.comments), *(v for _, v in ticket.custom_fields)]


def metadata(ticket: RedactedTicket) -> dict[str, Any]:
    texts = ticket_texts(ticket)
    tags = sorted(set(ticket.tags))
    services = find_services(texts)
    meta: dict[str, Any] = {
        "id": ticket.id,
        "title": clean_text(ticket.title),
        "status": ticket.status,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "solved_at": iso(ticket.solved_at),
        "url": ticket.url,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "tags": tags,
        "keywords": sorted(set(tags) | set(services)),
        "versions": find_versions(texts),
        "services": services,
        "comments": len(ticket.comments),
    }
    if ticket.custom_fields:
        meta["fields"] = {clean_text(k): clean_text(v) for k, v in ticket.custom_fields}
    if ticket.redactions:
        meta["redactions"] = {k: ticket.redactions[k] for k in sorted(ticket.redactions)}
    return meta


def body(ticket: RedactedTicket) -> str:
    lines = [f"# {clean_text(ticket.title) or f'Ticket {ticket.id}'}", "", "## Conversation", ""]
    for number, comment in enumerate(ticket.comments, 1):
        visibility = "public" if comment.public else "internal note"
        when = comment.created_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"### {number}. {when} · {comment.author_role} {clean_text(comment.author)} · {visibility}")
        lines.append("")
        lines.append(clean_text(comment.body).strip() or "_(empty)_")
        lines.append("")
        if comment.attachments:
            names = ", ".join(f"`{clean_text(a)}`" for a in comment.attachments)
            lines.append(f"Attachments: {names}")
            lines.append("")
    return "\n".join(lines)


def render_ticket(ticket: RedactedTicket) -> bytes:
    if not isinstance(ticket, RedactedTicket):
        raise RenderError(f"refusing to render {type(ticket).__name__}: only redacted tickets reach the archive")
    try:
        post = frontmatter.Post(body(ticket), **metadata(ticket))
        text = frontmatter.dumps(post, Dumper=_Dumper, sort_keys=False, width=1_000_000, allow_unicode=True)
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise RenderError(f"ticket {ticket.id}: cannot render ({type(exc).__name__})") from None
    return (text + "\n").encode("utf-8")
