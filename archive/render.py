"""Renders a redacted ticket as a case note: YAML frontmatter, then summary, resolution, errors, links, conversation.

The output is a pure function of the record and the settings: fixed key order,
sorted and de-duplicated lists, ISO-8601 UTC times, LF line ends and a final
newline, so an unchanged ticket renders to the same bytes and git sees no
change. Every file stays under Sourcegraph's indexing bounds (archive.limits).

    ---
    id: 42
    title: gitserver OOMKilled after upgrade to 4.1
    ... (see `archive.casefile.Header` for the keys and their order)
    ---

    # gitserver OOMKilled after upgrade to 4.1

    **Problem:** the first comment's opening, as the customer put it

    **Environment:** version 4.1.3 · kubernetes · services gitserver

    **Case:** [Zendesk #42](…) · problem · priority high · via email · solved 2023-04-05

    ## Resolution      the marked note, else the last public agent reply before the solve
    ## Errors          distinct normalised error messages
    ## Links           links that survived redaction
    ## Conversation    every comment, long pastes trimmed to head and tail
    ### 1. 2023-04-03 09:30 UTC · customer <PERSON_1> · public
    ### 4. 2023-04-04 11:02 UTC · customer <PERSON_2> · voice call · internal note
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

import yaml

from archive import facts
from archive.casefile import Header, format_utc
from archive.derived import derive
from archive.errors import RenderError
from archive.limits import Trim, trim_text, trims, within_bounds
from archive.settings import NoteSettings
from redaction.models import RedactedComment, RedactedTicket

DEFAULT = NoteSettings()

# C0 controls other than tab/newline, and lone surrogates, cannot go into the Markdown body.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# A keyed pseudonym (org-3f9a1c0b2d4e), never a name: anything else is a bug upstream.
_PSEUDONYM = re.compile(r"^[a-z]{1,16}[-_][0-9a-f]{8,64}$")
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^.!?\n]{0,40}[,!.:]?$", re.I
)
_THANKS = re.compile(r"^thanks? (?:you )?for (?:reaching out|the report|your patience)\W*$", re.I)
_SIGNOFF = re.compile(r"^(?:thanks|thank you|many thanks|cheers|best|best regards|kind regards|regards|--)\b", re.I)
# A comment's kind in its heading; a plain comment says nothing, another kind its Zendesk name.
_KIND_LABELS = {"Comment": "", "VoiceComment": "voice call", "TpeVoiceComment": "voice call (Talk Partner Edition)"}
PROBLEM_CHARS = 400
FIELD_CHARS = 500
TITLE_CHARS = 100


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWRITABLE.sub("\ufffd", text)


def day(value: datetime | None) -> str | None:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d") if value else None


def ticket_texts(ticket: RedactedTicket) -> list[str]:
    return [ticket.title, *(c.body for c in ticket.comments), *(v for _, v in ticket.custom_fields)]


@dataclass(frozen=True)
class Resolution:
    comment: RedactedComment
    text: str  # without the marker, greeting or sign-off
    marked: bool  # a comment that starts with the resolution marker


@dataclass(frozen=True)
class CaseFacts:
    version: str | None  # the version the case was reported on
    versions: list[str]
    services: list[str]
    deployment: str | None
    product_area: str | None
    errors: list[str]  # in order of appearance
    links: list[str]
    keywords: list[str]
    problem: str
    resolution: Resolution | None


def _field(ticket: RedactedTicket, titles: tuple[str, ...]) -> str | None:
    wanted = [t.casefold() for t in titles]
    values = {k.casefold(): v for k, v in ticket.custom_fields}
    for title in wanted:
        value = (values.get(title) or "").strip()
        if value and not facts.PLACEHOLDER.fullmatch(value):
            return value
    return None


def find_resolution(ticket: RedactedTicket, settings: NoteSettings = DEFAULT) -> Resolution | None:
    """A note that starts with the marker (the latest), else the last public agent reply before the solve."""
    marker = settings.resolution_marker.strip().casefold()
    if marker:
        for comment in reversed(ticket.comments):
            body = comment.body.strip()
            if comment.author_role == "agent" and body.casefold().startswith(marker):
                return Resolution(comment, body[len(marker) :].strip(), marked=True)
    solved = ticket.solved_at
    for comment in reversed(ticket.comments):
        if comment.author_role == "agent" and comment.public and (solved is None or comment.created_at <= solved):
            return Resolution(comment, without_pleasantries(comment.body), marked=False)
    return None


def without_pleasantries(text: str) -> str:
    """A reply without its greeting line and its sign-off, which say nothing about the fix."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if paragraphs and _GREETING.match(paragraphs[0].splitlines()[0].strip()):
        rest = paragraphs[0].split("\n", 1)[1:]
        paragraphs = [*([rest[0].strip()] if rest and rest[0].strip() else []), *paragraphs[1:]]
        if paragraphs and _THANKS.match(paragraphs[0]):
            paragraphs = paragraphs[1:]
    while len(paragraphs) > 1 and _SIGNOFF.match(paragraphs[-1]):
        paragraphs.pop()
    return "\n\n".join(paragraphs) or text.strip()


def _prose(lines: list[str]) -> bool:
    """Sentences rather than a pasted table, log or config: mostly letters, no column padding."""
    text = " ".join(lines)
    letters = sum(ch.isalpha() or ch == " " for ch in text)
    return letters >= 0.75 * len(text) and not any(re.search(r"\S {3,}\S", l) for l in lines)


def problem_statement(ticket: RedactedTicket) -> str:
    """The opening prose of the first comment: greeting, pastes and sign-off left out, about PROBLEM_CHARS long."""
    if not ticket.comments:
        return ""
    kept: list[str] = []
    for paragraph in re.split(r"\n\s*\n", clean_text(ticket.comments[0].body).strip()):
        lines = [l.strip() for l in paragraph.splitlines() if l.strip()]
        if not lines or (len(lines) == 1 and _GREETING.match(lines[0])):
            continue
        if _SIGNOFF.match(lines[0]):
            break
        if not _prose(lines):
            if kept and kept[-1] != "…":
                kept.append("…")
            continue
        kept.append(" ".join(lines))
        if sum(map(len, kept)) >= PROBLEM_CHARS // 2:
            break
    text = " ".join(kept).removesuffix(" …")
    if len(text) > PROBLEM_CHARS:
        cut = text[:PROBLEM_CHARS]
        end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
        text = cut[: end + 1] if end > PROBLEM_CHARS // 3 else cut.rsplit(" ", 1)[0] + " …"
    return text


def case_facts(ticket: RedactedTicket, settings: NoteSettings = DEFAULT) -> CaseFacts:
    # Vocabulary is looked for in the text as the file shows it (long logs trimmed),
    # which keeps a 2 MB paste from costing seconds; errors and versions are read in full.
    first_trim = trims(settings)[0]
    shown = [trim_text(c.body, first_trim) for c in ticket.comments]
    fields = [v for _, v in ticket.custom_fields]
    texts = [ticket.title, *shown, *fields]
    full = [ticket.title, *(c.body for c in ticket.comments)]

    field_version = _field(ticket, settings.version_fields)
    versions = set(facts.find_versions([*full, *fields], settings))
    reported = facts.field_version(field_version) if field_version else None
    if reported:
        versions.add(reported)
    else:
        opening = [ticket.title, *shown[:1]]
        reported = max(facts.find_versions(opening, settings), key=facts.version_key, default=None)

    deployment_value = _field(ticket, settings.deployment_fields)
    deployment = facts.deployment_from_value(deployment_value, settings) if deployment_value else None
    if deployment is None:
        customer = [ticket.title, *(b for b, c in zip(shown, ticket.comments) if c.author_role != "agent")]
        agent = [b for b, c in zip(shown, ticket.comments) if c.author_role == "agent"]
        deployment = facts.find_deployment(customer, agent, settings)

    area = _field(ticket, settings.product_area_fields)
    tags = {t.strip().lower() for t in ticket.tags if t.strip() and "<" not in t and ">" not in t}
    tag_keywords = {t for t in tags if t not in settings.stop_words}
    services = facts.find_services([*texts, *tags], settings)
    terms = facts.find_terms([*texts, *tags], settings)
    resolution = find_resolution(ticket, settings)
    authors = {w for c in ticket.comments for w in re.findall(r"\w+", c.author)}
    # The opening and the resolution say most about a case; the resolution is usually also a comment.
    weights = [2 if i == 0 or (resolution and c is resolution.comment) else 1 for i, c in enumerate(ticket.comments)]
    excluded = {*authors, *tags, *services, *terms}
    salient = facts.salient_terms(ticket.title, list(zip(shown, weights)), texts, excluded, settings)
    return CaseFacts(
        version=reported,
        versions=sorted(versions, key=facts.version_key)[: facts.MAX_VERSIONS],
        services=services,
        deployment=deployment,
        product_area=area.lower() if area else None,
        errors=facts.find_errors(full, settings, phrase_texts=texts),
        links=facts.find_links(full),
        keywords=sorted(tag_keywords | set(services) | set(terms) | {s.lower() for s in salient}),
        problem=problem_statement(ticket),
        resolution=resolution,
    )


def _short(text: str, limit: int) -> str:
    # Exact otherwise: the frontmatter escapes what a text file cannot hold raw.
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def header(
    ticket: RedactedTicket, case: CaseFacts, settings: NoteSettings = DEFAULT, body_text: str | None = None
) -> Header:
    """The frontmatter; its derived keys come from `body_text`, the body it goes with (default: at the first trim)."""
    if ticket.organization is not None and not _PSEUDONYM.match(ticket.organization):
        raise RenderError(
            f"ticket {ticket.id}: organization must be a keyed pseudonym such as org-3f9a1c0b2d4e; "
            "fix the redaction stage, never archive a name"
        )
    wanted = None if settings.custom_fields is None else {t.casefold() for t in settings.custom_fields}
    fields = {
        _short(title, TITLE_CHARS): _short(value, FIELD_CHARS)
        for title, value in ticket.custom_fields
        if (wanted is None or title.casefold() in wanted) and value.strip()
    }
    if body_text is None:
        body_text = "\n" + body(ticket, case, trims(settings)[0])
    # As archive.derived.derive_from_note reads the written note: its errors, body and fields.
    derived = derive(case.errors, [body_text, *fields.values()], settings)
    return Header(
        id=ticket.id,
        title=ticket.title,
        status=ticket.status,
        created_at=format_utc(ticket.created_at),
        updated_at=format_utc(ticket.updated_at),
        solved_at=format_utc(ticket.solved_at) if ticket.solved_at else None,
        url=ticket.url,
        priority=ticket.priority,
        type=ticket.type,
        channel=ticket.channel,
        organization=ticket.organization,
        product_area=case.product_area,
        deployment=case.deployment,
        version=case.version,
        versions=tuple(case.versions),
        services=tuple(case.services),
        errors=tuple(sorted(case.errors)),
        signatures=derived.signatures,
        issues=derived.issues,
        jira=derived.jira,
        keywords=tuple(case.keywords),
        tags=tuple(sorted(set(ticket.tags))),
        comments=len(ticket.comments),
        fields=tuple(fields.items()),
        redactions=tuple(sorted(ticket.redactions.items())),
        redaction_versions=tuple(sorted(ticket.redaction_versions.items())),
    )


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _comment_heading(number: int, comment: RedactedComment) -> str:
    visibility = "public" if comment.public else "internal note"
    when = comment.created_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    author = " ".join(clean_text(comment.author).split())
    kind = _KIND_LABELS.get(comment.kind, re.sub(r"[^A-Za-z]", "", comment.kind))
    return f"### {number}. {when} · {comment.author_role} {author}{f' · {kind}' if kind else ''} · {visibility}"


def body(ticket: RedactedTicket, case: CaseFacts, trim: Trim) -> str:
    title = " ".join(clean_text(ticket.title).split()) or f"Ticket {ticket.id}"
    environment = [
        f"version {case.version}" if case.version else "version unknown",
        case.deployment or "deployment unknown",
        f"services {', '.join(case.services)}" if case.services else "no services named",
    ]
    details = [f"[Zendesk #{ticket.id}]({ticket.url})"]
    details += [v for v in (ticket.type, case.product_area and f"area {case.product_area}") if v]
    details += [f"priority {ticket.priority}"] if ticket.priority else []
    details += [f"via {ticket.channel}"] if ticket.channel else []
    details += [f"solved {day(ticket.solved_at)}"] if ticket.solved_at else []
    lines = [
        f"# {title}",
        "",
        f"**Problem:** {case.problem or '_(no description)_'}",
        "",
        f"**Environment:** {' · '.join(environment)}",
        "",
        f"**Case:** {' · '.join(details)}",
        "",
        "## Resolution",
        "",
    ]
    if case.resolution:
        who = case.resolution.comment
        source = "resolution note" if case.resolution.marked else "last public reply before the solve"
        lines.append(trim_text(clean_text(case.resolution.text), trim) or "_(empty)_")
        lines += ["", f"_From the {source} by {clean_text(who.author)}, {day(who.created_at)}._"]
    else:
        lines.append("_No resolution recorded: no agent reply before the solve._")
    lines += ["", "## Errors", ""]
    lines += [f"- {_code(clean_text(e))}" for e in case.errors] or ["_None found._"]
    lines += ["", "## Links", ""]
    lines += [f"- <{clean_text(link)}>" for link in case.links] or ["_None._"]
    lines += ["", "## Conversation", ""]
    for number, comment in enumerate(ticket.comments, 1):
        lines.append(_comment_heading(number, comment))
        lines.append("")
        lines.append(trim_text(clean_text(comment.body).strip(), trim) or "_(empty)_")
        lines.append("")
        if comment.attachments:
            names = ", ".join(_code(clean_text(a)) for a in comment.attachments)
            lines.append(f"Attachments: {names}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_ticket(ticket: RedactedTicket, settings: NoteSettings | None = None) -> bytes:
    if not isinstance(ticket, RedactedTicket):
        raise RenderError(f"refusing to render {type(ticket).__name__}: only redacted tickets reach the archive")
    settings = settings or DEFAULT
    try:
        case = case_facts(ticket, settings)
    except (ValueError, TypeError, RecursionError) as exc:
        raise RenderError(f"ticket {ticket.id}: cannot render ({type(exc).__name__})") from None
    for trim in trims(settings):
        text = body(ticket, case, trim)
        try:
            frontmatter = header(ticket, case, settings, "\n" + text).dump()
        except RenderError:
            raise
        except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
            raise RenderError(f"ticket {ticket.id}: cannot render ({type(exc).__name__})") from None
        text = f"{frontmatter}\n{text}"
        if within_bounds(text, settings):
            return text.encode("utf-8")
    raise RenderError(
        f"ticket {ticket.id}: even without its comment bodies it exceeds the indexing bounds "
        f"({settings.max_file_bytes} bytes, {settings.max_trigrams} trigrams)"
    )
