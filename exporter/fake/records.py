"""The fake account's records, in the Zendesk API's shapes and field names.

Ids look like a real account's (twelve digits) so that clients cannot assume
small integers. Bodies are Markdown-ish text; `html_body` and `plain_body`
derive Zendesk's other two renderings from it, `plain_body` padded around its
line breaks as Zendesk pads it. Voice comments come in Zendesk's two kinds:
`VoiceComment` (Talk: internal, no plain_body, the call's data with its
recording URL) and `TpeVoiceComment` (Talk Partner Edition).
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from exporter.fake.catalog import Option, Product

ARCHIVED_STATUSES = ("solved", "closed")
STATUS_ORDER = ("new", "open", "pending", "hold", "solved", "closed")
DAY = 86400

F_SUBJECT, F_DESCRIPTION, F_STATUS, F_TYPE, F_PRIORITY, F_GROUP, F_ASSIGNEE = range(360000410001, 360000410008)
F_VERSION, F_DEPLOYMENT, F_AREA, F_INSTANCE_URL, F_TIER, F_ESCALATED = range(360001120001, 360001120007)
GROUP_SUPPORT, GROUP_CE = 360000900001, 360000900002
# Accounts with custom ticket statuses give each ticket the id of its status's default one.
CUSTOM_STATUS_IDS = {status: 360000700001 + i for i, status in enumerate(("new", "open", "pending", "hold", "solved", "closed"))}
TICKET_FORM_ID = 360000300001
BRAND_ID = 360000200001


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def user_record(
    subdomain: str, uid: int, name: str, email: str, role: str, org_id: int | None, phone: str | None, created: int
) -> dict[str, Any]:
    created = created or 1577869200
    return {
        "url": f"https://{subdomain}.zendesk.com/api/v2/users/{uid}.json",
        "id": uid,
        "name": name,
        "email": email,
        "created_at": iso(created),
        "updated_at": iso(created + DAY),
        "time_zone": "UTC",
        "iana_time_zone": "Etc/UTC",
        "phone": phone,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": org_id,
        "role": role,
        "verified": True,
        "external_id": None,
        "tags": [],
        "alias": "",
        "active": True,
        "shared": False,
        "shared_agent": False,
        "last_login_at": iso(created + 2 * DAY),
        "two_factor_auth_enabled": None,
        "signature": None,
        "details": "",
        "notes": "",
        "role_type": None if role == "end-user" else 0,
        "custom_role_id": None,
        "moderator": role != "end-user",
        "ticket_restriction": "requested" if role == "end-user" else None,
        "only_private_comments": False,
        "restricted_agent": role == "end-user",
        "suspended": False,
        "default_group_id": None if role == "end-user" else GROUP_SUPPORT,
        "report_csv": role == "admin",
        "user_fields": {},
    }


def organization_record(
    subdomain: str, org_id: int, name: str, domain: str, created: int, updated: int, tags: list[str]
) -> dict[str, Any]:
    return {
        "url": f"https://{subdomain}.zendesk.com/api/v2/organizations/{org_id}.json",
        "id": org_id,
        "name": name,
        "shared_tickets": False,
        "shared_comments": False,
        "external_id": None,
        "created_at": iso(created),
        "updated_at": iso(updated),
        "domain_names": [domain],
        "details": "",
        "notes": "",
        "group_id": None,
        "tags": tags,
        "organization_fields": {},
    }


def ticket_record(
    subdomain: str,
    ticket_id: int,
    *,
    subject: str,
    description: str,
    status: str,
    requester: dict[str, Any],
    assignee_id: int | None,
    created: int,
    channel: str,
) -> dict[str, Any]:
    if channel == "email":
        source = {
            "from": {"address": requester["email"], "name": requester["name"]},
            "to": {"address": f"support@{subdomain}.zendesk.com", "name": "Support"},
            "rel": None,
        }
    else:
        source = {"from": {}, "to": {}, "rel": None}
    return {
        "url": f"https://{subdomain}.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "id": ticket_id,
        "external_id": None,
        "via": {"channel": channel, "source": source},
        "created_at": iso(created),
        "updated_at": iso(created),
        "generated_timestamp": created,
        "type": "question",
        "subject": subject,
        "raw_subject": subject,
        "description": description,
        "priority": "normal",
        "status": status,
        "custom_status_id": CUSTOM_STATUS_IDS.get(status),
        "recipient": f"support@{subdomain}.zendesk.com",
        "requester_id": requester["id"],
        "submitter_id": requester["id"],
        "assignee_id": assignee_id,
        "organization_id": requester.get("organization_id"),
        "group_id": GROUP_SUPPORT,
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": None,
        "tags": [],
        "custom_fields": [],
        "fields": [],
        "satisfaction_rating": None,
        "sharing_agreement_ids": [],
        "followup_ids": [],
        "ticket_form_id": TICKET_FORM_ID,
        "brand_id": BRAND_ID,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }


def comment_record(
    comment_id: int,
    author_id: int,
    body: str,
    public: bool,
    created: int,
    *,
    channel: str,
    attachments: Iterable[dict[str, Any]] = (),
    ip_address: str | None = None,
) -> dict[str, Any]:
    system: dict[str, Any] = {"client": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0"}
    if ip_address:
        system["ip_address"] = ip_address
    return {
        "id": comment_id,
        "type": "Comment",
        "author_id": author_id,
        "body": body,
        "html_body": html_body(body),
        "plain_body": plain_body(body),
        "public": public,
        "attachments": list(attachments),
        "audit_id": comment_id + 1_000_000_000,
        "via": {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}},
        "metadata": {"system": system, "custom": {}},
        "created_at": iso(created),
    }


def voice_comment_record(
    comment_id: int, author_id: int, created: int, *, call: dict[str, Any], recording_url: str, transcription: str
) -> dict[str, Any]:
    """A Talk voicemail as Zendesk keeps it: internal, its text made from the call's data (the body
    with literal backslash-n line breaks, as Talk writes it), no plain_body."""
    lines = [
        f"Voicemail from: {call['formatted_from']}",
        f"Call to: {call['formatted_to']}",
        f"Time of call: {datetime.fromtimestamp(call['started'], timezone.utc).strftime('%B %d, %Y at %I:%M:%S %p')}",
        f"Location: {call['location']}",
        f"Length of voicemail: {call['duration']} seconds",
    ]
    link = f'Listen to the recording: <a href="{recording_url}">{recording_url}</a>'
    markup = (
        '<div class="zd-comment" dir="auto"><p dir="auto">'
        + "<br>".join(html.escape(line, quote=False) for line in lines)
        + f'<br>{link}</p><p dir="auto">Transcription:<br>{html.escape(transcription, quote=False)}</p></div>'
    )
    body = "\\n".join([*lines, f"Listen to the recording: {recording_url}", "", "Transcription:", transcription])
    return {
        "id": comment_id,
        "type": "VoiceComment",
        "author_id": author_id,
        "body": body,
        "html_body": markup,
        "public": False,
        "data": {
            "from": call["from"],
            "to": call["to"],
            "recording_url": recording_url,
            "started_at": iso(call["started"]),
            "call_duration": call["duration"],
            "answered_by_id": None,
            "transcription_text": transcription,
            "transcription_status": "completed",
            "location": call["location"],
            "via_id": 44,
        },
        "formatted_from": call["formatted_from"],
        "formatted_to": call["formatted_to"],
        "transcription_visible": True,
        "trusted": True,
        "attachments": [],
        "audit_id": comment_id + 1_000_000_000,
        "via": {"channel": "voice", "source": {"from": {}, "to": {}, "rel": "voicemail"}},
        "metadata": {"system": {}, "custom": {}},
        "created_at": iso(created),
    }


def tpe_voice_comment_record(
    comment_id: int, author_id: int, created: int, *, call: dict[str, Any], recording_url: str, notes: str
) -> dict[str, Any]:
    """A Talk Partner Edition voice comment: the call record's fields as text, with body and
    plain_body but no html_body."""
    minutes, seconds = divmod(call["duration"], 60)
    body = "\n".join(
        [
            f"Inbound call from {call['formatted_from']}",
            f"Called: {call['formatted_to']}",
            f"Duration: {minutes} min {seconds} s",
            f"Recording: {recording_url}",
            "",
            f"Notes: {notes}",
        ]
    )
    return {
        "id": comment_id,
        "type": "TpeVoiceComment",
        "author_id": author_id,
        "body": body,
        "plain_body": " \n ".join(body.split("\n")),
        "public": False,
        "data": {
            "from_line": call["from"],
            "to_line": call["to"],
            "call_started_at": iso(call["started"]),
            "call_ended_at": iso(call["started"] + call["duration"]),
            "direction": "inbound",
            "recording_url": recording_url,
            "call_duration": call["duration"],
        },
        "attachments": [],
        "audit_id": comment_id + 1_000_000_000,
        "via": {"channel": "voice", "source": {"from": {}, "to": {}, "rel": "inbound"}},
        "metadata": {"system": {}, "custom": {}},
        "created_at": iso(created),
    }


def metric_set(subdomain: str, ticket_id: int, created: int) -> dict[str, Any]:
    return {
        "url": f"https://{subdomain}.zendesk.com/api/v2/ticket_metrics/{ticket_id + 50_000_000}.json",
        "id": ticket_id + 50_000_000,
        "ticket_id": ticket_id,
        "created_at": iso(created),
        "updated_at": iso(created),
        "group_stations": 1,
        "assignee_stations": 1,
        "reopens": 0,
        "replies": 0,
        "assignee_updated_at": None,
        "requester_updated_at": iso(created),
        "status_updated_at": iso(created),
        "initially_assigned_at": None,
        "assigned_at": None,
        "solved_at": None,
        "latest_comment_added_at": iso(created),
        "reply_time_in_minutes": {"calendar": None, "business": None},
        "first_resolution_time_in_minutes": {"calendar": None, "business": None},
        "full_resolution_time_in_minutes": {"calendar": None, "business": None},
        "agent_wait_time_in_minutes": {"calendar": None, "business": None},
        "requester_wait_time_in_minutes": {"calendar": None, "business": None},
        "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
        "custom_status_updated_at": iso(created),
    }


def ticket_fields(subdomain: str, product: Product) -> list[dict[str, Any]]:
    def options(choices: Sequence[Option], base: int) -> list[dict[str, Any]]:
        return [
            {"id": base + i, "name": o.name, "raw_name": o.name, "value": o.tag, "default": False}
            for i, o in enumerate(choices)
        ]

    specs = [
        (F_SUBJECT, "subject", "Subject", None),
        (F_DESCRIPTION, "description", "Description", None),
        (F_STATUS, "status", "Status", None),
        (F_TYPE, "tickettype", "Type", None),
        (F_PRIORITY, "priority", "Priority", None),
        (F_GROUP, "group", "Group", None),
        (F_ASSIGNEE, "assignee", "Assignee", None),
        (F_VERSION, "text", "Product version", None),
        (F_DEPLOYMENT, "tagger", "Deployment type", options(product.deployment_types, 360009000001)),
        (F_AREA, "tagger", "Product area", options(product.product_areas, 360009000101)),
        (F_INSTANCE_URL, "text", "Instance URL", None),
        (F_TIER, "tagger", "Support tier", options(product.tiers, 360009000201)),
        (F_ESCALATED, "checkbox", "Escalated to engineering", None),
    ]
    fields = []
    for position, (field_id, kind, title, opts) in enumerate(specs, start=1):
        record: dict[str, Any] = {
            "url": f"https://{subdomain}.zendesk.com/api/v2/ticket_fields/{field_id}.json",
            "id": field_id,
            "type": kind,
            "title": title,
            "raw_title": title,
            "description": "",
            "raw_description": "",
            "position": position,
            "active": True,
            "required": kind == "subject",
            "collapsed_for_agents": False,
            "regexp_for_validation": None,
            "title_in_portal": title,
            "raw_title_in_portal": title,
            "visible_in_portal": kind in ("subject", "description"),
            "editable_in_portal": kind in ("subject", "description"),
            "required_in_portal": kind == "subject",
            "tag": "escalated" if kind == "checkbox" else None,
            "created_at": "2020-06-01T09:00:00Z",
            "updated_at": "2020-06-01T09:00:00Z",
            "removable": field_id >= F_VERSION,
            "key": None,
            "agent_description": None,
        }
        if opts is not None:
            record["custom_field_options"] = opts
        fields.append(record)
    return fields


# -- comment bodies --------------------------------------------------------

_FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)
_URL = re.compile(r"https?://[^\s<>\"')]+")


def html_body(body: str) -> str:
    """Render a comment body the way Zendesk's html_body looks: paragraphs, <pre>, links."""
    parts: list[str] = []
    pos = 0
    for match in _FENCE.finditer(body):
        parts.extend(_paragraphs(body[pos : match.start()]))
        parts.append(f"<pre><code>{html.escape(match.group(1).rstrip(chr(10)), quote=False)}</code></pre>")
        pos = match.end()
    parts.extend(_paragraphs(body[pos:]))
    return '<div class="zd-comment" dir="auto">' + "".join(parts) + "</div>"


def _paragraphs(text: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        if para:
            escaped = html.escape(para, quote=False)
            linked = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer">{m.group(0)}</a>', escaped)
            out.append('<p dir="auto">' + linked.replace("\n", "<br>") + "</p>")
    return out


def plain_body(body: str) -> str:
    """Zendesk's plain_body: what html_body reads as without its markup, each paragraph and
    code block a blank line apart, padded as Zendesk pads it: a space on each side of the
    line breaks between paragraphs and lines ("Hi there, " blank line " I’m …"), so it is
    not the text html_body converts to."""
    blocks: list[str] = []
    pos = 0
    for match in _FENCE.finditer(body):
        blocks.extend(_padded(para.strip()) for para in re.split(r"\n\s*\n", body[pos : match.start()].strip()))
        blocks.append(match.group(1).rstrip("\n"))
        pos = match.end()
    blocks.extend(_padded(para.strip()) for para in re.split(r"\n\s*\n", body[pos:].strip()))
    return " \n\n ".join(block for block in blocks if block.strip()).strip()


def _padded(paragraph: str) -> str:
    return " \n ".join(paragraph.split("\n"))
