"""One generated ticket: its conversation from a scenario, then its records.

A ticket's status decides how far its conversation got: a new ticket has only
the customer's opening; an open one the agent's questions and the customer's
details; a solved one an internal note, the fix and perhaps a thank-you.
"""

from __future__ import annotations

import copy
import random
from string import Template
from typing import Any
from urllib.parse import quote

from exporter.fake.catalog import Catalog, Scenario
from exporter.fake.context import Parties, ticket_context
from exporter.fake.ledger import Ledger
from exporter.fake.pastes import big_log
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
    GROUP_CE,
    GROUP_SUPPORT,
    comment_record,
    iso,
    metric_set,
    ticket_record,
)
from exporter.fake.values import Values, first_below

# (author, public, body, attachments)
Turn = tuple[dict[str, Any], bool, str, list[dict[str, Any]]]


class TicketWriter:
    """Writes tickets, their comments and metric sets into the dicts it holds."""

    def __init__(
        self,
        rng: random.Random,
        catalog: Catalog,
        values: Values,
        ledger: Ledger,
        directory: Directory,
        subdomain: str,
        window: tuple[int, int],
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        self.values = values
        self.ledger = ledger
        self.directory = directory
        self.subdomain = subdomain
        self.window = window
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.metrics: dict[int, dict[str, Any]] = {}
        self._next_comment_id = 9_000_000_001
        self._next_attachment_id = 7_000_000_001

    def comment_id(self) -> int:
        self._next_comment_id += 1
        return self._next_comment_id - 1

    def write(
        self, ticket_id: int, created: int, status: str, scenario: Scenario, *, subject: str | None, big: bool
    ) -> None:
        """`subject` replaces the scenario's; `big` adds a pasted log of about 2 MB."""
        rng, shapes, directory = self.rng, self.catalog.shapes, self.directory
        org_id = rng.choice(sorted(directory.customers_by_org))
        members = directory.customers_by_org[org_id]
        requester = rng.choice(members)
        others = [m for m in members if m["id"] != requester["id"]]
        cc = rng.choice(others) if others and rng.random() < shapes.cc_share else None
        agent = rng.choice(directory.agents)
        deployment = rng.choice(self.catalog.product.deployments)
        parties = Parties(requester, cc, agent)
        org = directory.org_values[org_id]
        ctx = ticket_context(
            rng, self.catalog, self.values, self.ledger, org, parties, created, self.window, deployment, scenario
        )
        channel = rng.choice(shapes.channels)
        if subject is None:
            subject = Template(rng.choice(scenario.subjects)).substitute(ctx)
            decoration = first_below(rng.random(), self.catalog.conversation.subject_decorations)
            if decoration is not None:
                subject = Template(decoration.text).substitute(ctx, subject=subject)
        turns = self._conversation(status, scenario, ctx, parties, big)
        ticket = ticket_record(
            self.subdomain,
            ticket_id,
            subject=subject,
            description=turns[0][2],
            status=status,
            requester=requester,
            assignee_id=None if status == "new" else agent["id"],
            created=created,
            channel=channel,
        )
        comments = []
        when = created
        replies = 0
        first_reply: int | None = None
        for n, (author, public, body, attachments) in enumerate(turns):
            if n:
                when += rng.randint(20, 36 * 60) * 60
            is_customer = author["role"] == "end-user"
            ip = self.ledger.plant("ip", self.values.public_ip()) if is_customer and channel == "web" else None
            comments.append(
                comment_record(
                    self.comment_id(),
                    author["id"],
                    body,
                    public,
                    when,
                    channel=channel if is_customer else "web",
                    attachments=attachments,
                    ip_address=ip,
                )
            )
            if public and not is_customer:
                replies += 1
                first_reply = first_reply or when
        solved_at = when + rng.randint(5, 120) * 60 if status in ARCHIVED_STATUSES else None
        # Zendesk closes solved tickets after four days.
        closed_at = solved_at + 4 * DAY + rng.randint(0, 3600) if status == "closed" and solved_at else None
        updated = closed_at or solved_at or when

        deploy_tag, area_tag = deployment.tag, scenario.area
        tier_tag = rng.choice(self.catalog.product.tiers).tag
        escalated = status == "hold" or rng.random() < shapes.escalated_share
        instance_url = f"https://{ctx['host']}"
        custom = [
            {"id": F_VERSION, "value": ctx["version"]},
            {"id": F_DEPLOYMENT, "value": deploy_tag},
            {"id": F_AREA, "value": area_tag},
            {"id": F_INSTANCE_URL, "value": instance_url if rng.random() < shapes.instance_url_share else None},
            {"id": F_TIER, "value": tier_tag},
            {"id": F_ESCALATED, "value": escalated},
        ]
        tags = {org["slug"], scenario.service, deploy_tag, area_tag, tier_tag}
        if escalated:
            tags.add("escalated")
        if "upgrade" in subject.lower():
            tags.add("upgrade")
        ticket.update(
            {
                "updated_at": iso(updated),
                "generated_timestamp": updated,
                "type": scenario.type,
                "priority": rng.choice(shapes.priorities),
                "collaborator_ids": [cc["id"]] if cc else [],
                "email_cc_ids": [cc["id"]] if cc else [],
                "follower_ids": [rng.choice(directory.agents)["id"]] if rng.random() < shapes.follower_share else [],
                "group_id": GROUP_CE if escalated else GROUP_SUPPORT,
                "tags": sorted(tags),
                "custom_fields": custom,
                "fields": copy.deepcopy(custom),
                "satisfaction_rating": (
                    {"score": rng.choice(shapes.satisfaction_scores), "id": ticket_id + 80_000_000, "comment": None}
                    if status in ARCHIVED_STATUSES
                    else {"score": "unoffered"}
                ),
            }
        )
        metric = metric_set(self.subdomain, ticket_id, created)
        unknown = {"calendar": None, "business": None}

        def minutes(start: int, end: int) -> dict[str, int]:
            # Business hours are roughly half of calendar time.
            return {"calendar": (end - start) // 60, "business": (end - start) // 120}

        metric.update(
            {
                "updated_at": iso(updated),
                "replies": replies,
                "assignee_updated_at": comments[1]["created_at"] if len(comments) > 1 else None,
                "requester_updated_at": iso(created),
                "status_updated_at": iso(updated),
                "initially_assigned_at": iso(created + 600) if status != "new" else None,
                "assigned_at": iso(created + 600) if status != "new" else None,
                "solved_at": iso(solved_at) if solved_at else None,
                "latest_comment_added_at": comments[-1]["created_at"],
                "reply_time_in_minutes": minutes(created, first_reply) if first_reply else dict(unknown),
                "first_resolution_time_in_minutes": minutes(created, solved_at) if solved_at else dict(unknown),
                "full_resolution_time_in_minutes": minutes(created, solved_at) if solved_at else dict(unknown),
                "custom_status_updated_at": iso(updated),
            }
        )
        self.tickets[ticket_id] = ticket
        self.comments[ticket_id] = comments
        self.metrics[ticket_id] = metric

    def _conversation(
        self, status: str, scenario: Scenario, ctx: dict[str, str], parties: Parties, big: bool
    ) -> list[Turn]:
        rng, words, shapes = self.rng, self.catalog.conversation, self.catalog.shapes
        requester, cc, agent = parties.requester, parties.cc, parties.agent

        def say(*parts: str) -> str:
            return "\n\n".join(Template(part).substitute(ctx) for part in parts)

        turns: list[Turn] = []
        sign = rng.choice(words.customer_signoffs)
        turns.append((requester, True, say(rng.choice(words.customer_greetings), scenario.opening, sign), []))
        greet, again = rng.choice(words.agent_greetings), words.agent_greeting_again
        agent_sign = rng.choice(words.agent_signoffs)
        if status != "new":
            turns.append((agent, True, say(greet, scenario.ask, agent_sign), []))
        if status in ("open", "hold", "solved", "closed"):
            if cc is not None:
                turns.append((requester, True, say(words.cc_intro), []))
                details_author = cc
                details = say(words.cc_reply, scenario.details, words.cc_signoff)
            else:
                details_author = requester
                details = say(scenario.details, rng.choice(words.customer_signoffs))
            attachments = [
                self.attachment(say(a.file), a.content_type)
                for a in scenario.attachments
                if rng.random() < shapes.attachment_share
            ]
            turns.append((details_author, True, details, attachments))
            if big:
                log_file = self.attachment(say(self.catalog.pastes.big_log.file), "text/plain")
                text = big_log(rng, self.catalog.pastes.big_log, self.values, self.ledger, ctx)
                turns.append((details_author, True, text, [log_file]))
        if status == "pending":
            turns.append((agent, True, say(again, words.follow_up, agent_sign), []))
        if status == "hold":
            turns.append((agent, False, say(scenario.hold), []))
        if status in ARCHIVED_STATUSES:
            note = scenario.note if rng.random() < shapes.resolution_note_share else words.linked_note
            turns.append((agent, False, say(note), []))
            turns.append((agent, True, say(again, scenario.fix, agent_sign), []))
            if rng.random() < shapes.thanks_share:
                turns.append((requester, True, say(rng.choice(words.customer_thanks)), []))
        return turns

    def attachment(self, file_name: str, content_type: str) -> dict[str, Any]:
        att_id = self._next_attachment_id
        self._next_attachment_id += 1
        token = self.ledger.plant("attachment_token", self.values.alnum(30))
        name = quote(file_name)
        return {
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/attachments/{att_id}.json",
            "id": att_id,
            "file_name": file_name,
            "content_url": f"https://{self.subdomain}.zendesk.com/attachments/download/{att_id}/{name}?token={token}",
            "mapped_content_url": (
                f"https://support.{self.subdomain}.example.com/attachments/download/{att_id}/{name}?token={token}"
            ),
            "content_type": content_type,
            "size": self.rng.randint(2_000, 4_000_000),
            "width": None,
            "height": None,
            "inline": False,
            "deleted": False,
            "malware_access_override": False,
            "malware_scan_result": "malware_not_found",
            "thumbnails": [],
        }
