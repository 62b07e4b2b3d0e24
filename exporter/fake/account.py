"""The account's corners (data/account.yaml): records a real account has beside its support cases.

Its own organization and the admin in it who files tickets, Zendesk's sample
ticket, voice and social users without an e-mail address, organizations with
odd names, voice comments of both kinds, metric sets without solved_at and
side-loads with gaps. They are written after the generated tickets with a
random stream of their own, so the generated tickets stay as they were.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from string import Template
from typing import Any

from exporter.fake.catalog import Account, AccountOrganization, AccountTicket, Catalog
from exporter.fake.ledger import Ledger
from exporter.fake.people import Directory
from exporter.fake.records import (
    ARCHIVED_STATUSES,
    DAY,
    F_AREA,
    F_DEPLOYMENT,
    F_ESCALATED,
    F_INSTANCE_URL,
    F_TIER,
    F_VERSION,
    comment_record,
    iso,
    metric_set,
    organization_record,
    ticket_record,
    tpe_voice_comment_record,
    user_record,
    voice_comment_record,
)
from exporter.fake.tickets import TicketWriter

_ORG_BASE = 360_100_000_900
_USER_BASE = 363_000_000_001
# The number customers call, in the reserved fictional range.
SUPPORT_LINE = ("+18005550100", "+1 (800) 555-0100")
_CITIES = ("San Francisco, California, United States", "Austin, Texas, United States", "Seattle, Washington, United States")
_SOLVE_RECORDS = ("recorded", "absent", "null", "hidden")
_KINDS = ("Comment", "VoiceComment", "TpeVoiceComment")


@dataclass
class Corners:
    """What the corners add besides tickets, users and organizations (those go into the writer and directory)."""

    tickets: dict[str, int] = field(default_factory=dict)  # key -> ticket id
    hidden_users: set[int] = field(default_factory=set)
    hidden_organizations: set[int] = field(default_factory=set)
    hidden_metric_sets: set[int] = field(default_factory=set)
    unrecorded_solves: dict[int, int] = field(default_factory=dict)


def write_corners(
    seed: int,
    catalog: Catalog,
    ledger: Ledger,
    directory: Directory,
    writer: TicketWriter,
    subdomain: str,
    first_id: int,
    window: tuple[int, int],
) -> Corners:
    """Add data/account.yaml's organizations, people and tickets (ids from `first_id`)."""
    rng = random.Random(f"account-corners-{seed}")
    account = catalog.account
    corners = Corners()
    orgs = _organizations(account, directory, subdomain, window[0], ledger, corners)
    people = _people(rng, account, orgs, directory, subdomain, window[0], ledger, corners)
    created = sorted(rng.randint(window[0], window[1] - 30 * DAY) for _ in account.tickets)
    for n, (spec, when) in enumerate(zip(account.tickets, created)):
        ticket_id = first_id + n
        ledger.scope = ticket_id
        _ticket(rng, catalog, spec, ticket_id, when, people, writer, subdomain, ledger, corners)
        corners.tickets[spec.key] = ticket_id
    ledger.scope = None
    return corners


def _organizations(
    account: Account, directory: Directory, subdomain: str, since: int, ledger: Ledger, corners: Corners
) -> dict[str, dict[str, Any]]:
    orgs: dict[str, dict[str, Any]] = {}
    for i, spec in enumerate((account.default_organization, *account.organizations)):
        org_id = _ORG_BASE + i
        record = organization_record(subdomain, org_id, spec.name, spec.domain or "", since - 400 * DAY, since, [])
        record["domain_names"] = [spec.domain] if spec.domain else []
        directory.organizations[org_id] = record
        orgs[spec.key] = record
        _plant_organization(ledger, spec)
        if spec.hidden:
            corners.hidden_organizations.add(org_id)
    return orgs


def _plant_organization(ledger: Ledger, spec: AccountOrganization) -> None:
    if spec.plant:
        ledger.plant("organization", spec.name)
        if spec.domain:
            ledger.plant("domain", spec.domain)


def _people(
    rng: random.Random,
    account: Account,
    orgs: dict[str, dict[str, Any]],
    directory: Directory,
    subdomain: str,
    since: int,
    ledger: Ledger,
    corners: Corners,
) -> dict[str, dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for i, spec in enumerate(account.people):
        uid = _USER_BASE + i
        # Talk names a caller it does not know by the number; the number is the user's phone.
        digits = f"{rng.choice(('415', '646', '312'))}5550{rng.randint(100, 199)}"
        e164, formatted = f"+1{digits}", f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        name = Template(spec.name).substitute(phone=formatted)
        org = orgs[spec.organization] if spec.organization else None
        phone = e164 if spec.phone else None
        user = user_record(subdomain, uid, name, spec.email, spec.role, org["id"] if org else None, phone, since - 200 * DAY)
        user["formatted_phone"] = formatted if spec.phone else None
        directory.users[uid] = user
        people[spec.key] = user
        if spec.plant:
            ledger.plant("person_name", name)
            if not re.search(r"\d", name):
                for part in name.split():
                    ledger.plant("person_name_part", part)
            if spec.email:
                ledger.plant("email", spec.email)
            if spec.phone:
                ledger.plant("phone", formatted)
                ledger.plant("phone", e164)
        if spec.hidden:
            corners.hidden_users.add(uid)
    return people


def _ticket(
    rng: random.Random,
    catalog: Catalog,
    spec: AccountTicket,
    ticket_id: int,
    created: int,
    people: dict[str, dict[str, Any]],
    writer: TicketWriter,
    subdomain: str,
    ledger: Ledger,
    corners: Corners,
) -> None:
    if spec.status not in ARCHIVED_STATUSES or spec.solve_record not in _SOLVE_RECORDS:
        raise ValueError(f"account.yaml: ticket {spec.key}: status must be solved or closed, solve_record one of {_SOLVE_RECORDS}")
    requester, assignee = people[spec.requester], people[spec.assignee]
    context = {"phone": requester.get("formatted_phone") or "", "name": requester["name"]}
    comments, replies, when = [], 0, created
    for n, turn in enumerate(spec.comments):
        if turn.kind not in _KINDS:
            raise ValueError(f"account.yaml: ticket {spec.key}: unknown comment kind {turn.kind}")
        if n:
            when += rng.randint(30, 600) * 60
        author = {"requester": requester, "assignee": assignee}.get(turn.author) or people[turn.author]
        text = Template(turn.text).substitute(context)
        comment_id = writer.comment_id()
        if turn.kind == "Comment":
            comment = comment_record(comment_id, author["id"], text, turn.public, when, channel=spec.channel)
        else:
            comment = _voice(rng, turn.kind, comment_id, author, when, text, subdomain, ledger)
        comments.append(comment)
        if turn.public and author["role"] != "end-user":
            replies += 1
    solved = when + rng.randint(5, 120) * 60
    closed = solved + 4 * DAY + rng.randint(0, 3600) if spec.status == "closed" else None
    updated = closed or solved

    ticket = ticket_record(
        subdomain,
        ticket_id,
        subject=Template(spec.subject).substitute(context),
        description=comments[0]["body"],
        status=spec.status,
        requester=requester,
        assignee_id=assignee["id"],
        created=created,
        channel=spec.channel,
    )
    custom = _custom_fields(rng, catalog) if spec.custom_fields else []
    ticket.update(
        {
            "via": _via(spec.channel, requester, catalog.account.default_organization.name),
            "updated_at": iso(updated),
            "generated_timestamp": updated,
            "custom_fields": custom,
            "fields": [dict(f) for f in custom],
            "satisfaction_rating": {"score": "unoffered"},
        }
    )
    metric = metric_set(subdomain, ticket_id, created)
    metric.update(
        {
            "updated_at": iso(updated),
            "replies": replies,
            "status_updated_at": iso(updated),
            "solved_at": iso(solved),
            "latest_comment_added_at": comments[-1]["created_at"],
            "custom_status_updated_at": iso(updated),
        }
    )
    if spec.solve_record in ("absent", "null"):
        corners.unrecorded_solves[ticket_id] = solved
        if spec.solve_record == "absent":
            del metric["solved_at"]
        else:
            metric["solved_at"] = None
    elif spec.solve_record == "hidden":
        corners.hidden_metric_sets.add(ticket_id)
    writer.tickets[ticket_id] = ticket
    writer.comments[ticket_id] = comments
    writer.metrics[ticket_id] = metric


def _voice(
    rng: random.Random,
    kind: str,
    comment_id: int,
    caller: dict[str, Any],
    when: int,
    text: str,
    subdomain: str,
    ledger: Ledger,
) -> dict[str, Any]:
    duration = rng.randint(20, 400)
    call = {
        "from": caller.get("phone") or "",
        "formatted_from": caller.get("formatted_phone") or "",
        "to": SUPPORT_LINE[0],
        "formatted_to": SUPPORT_LINE[1],
        "started": when - duration,
        "duration": duration,
        "location": rng.choice(_CITIES),
    }
    token = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    if kind == "VoiceComment":
        # Talk keeps the recording with the call: a Zendesk URL that needs the agent's session.
        url = ledger.plant("recording_url", f"https://{subdomain}.zendesk.com/api/v2/channels/voice/calls/CA{token}/twilio/call/recording")
        return voice_comment_record(comment_id, caller["id"], when, call=call, recording_url=url, transcription=text)
    # A partner's telephony system keeps its own recordings.
    url = ledger.plant("recording_url", f"https://recordings.telephony-partner.example/RE{token}.mp3")
    return tpe_voice_comment_record(comment_id, caller["id"], when, call=call, recording_url=url, notes=text)


def _via(channel: str, requester: dict[str, Any], page: str) -> dict[str, Any]:
    if channel == "voice":
        caller = {"phone": requester.get("phone"), "formatted_phone": requester.get("formatted_phone"), "name": requester["name"]}
        line = {"phone": SUPPORT_LINE[0], "formatted_phone": SUPPORT_LINE[1], "name": "Support line"}
        return {"channel": "voice", "source": {"from": caller, "to": line, "rel": "voicemail"}}
    if channel == "facebook":
        sender = {"name": requester["name"], "facebook_id": str(requester["id"])}
        return {"channel": "facebook", "source": {"from": sender, "to": {"name": page, "facebook_id": "1"}, "rel": "message"}}
    if channel == "email":
        source = {"address": requester["email"], "name": requester["name"]}
        return {"channel": "email", "source": {"from": source, "to": {}, "rel": None}}
    return {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}


def _custom_fields(rng: random.Random, catalog: Catalog) -> list[dict[str, Any]]:
    product = catalog.product
    return [
        {"id": F_VERSION, "value": rng.choice(product.versions)},
        {"id": F_DEPLOYMENT, "value": rng.choice(product.deployment_types).tag},
        {"id": F_AREA, "value": rng.choice(product.product_areas).tag},
        {"id": F_INSTANCE_URL, "value": None},
        {"id": F_TIER, "value": rng.choice(product.tiers).tag},
        {"id": F_ESCALATED, "value": False},
    ]
