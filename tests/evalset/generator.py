"""Builds the labeled evaluation set: solved tickets with planted customer data and technical facts.

`build_eval_set(seed, tickets)` writes each ticket as Zendesk would hand it
over (requester, CCs, agents and organization side-loaded, the description as
the first comment), then locates every planted value in the final text, so
the ground truth is exactly what occurs where.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from random import Random
from typing import Iterable, Sequence

from redaction.records import Attachment, Comment, CustomField, Organization, Ticket, User
from tests.evalset.pastes import CONFIGS, DIAGNOSTICS
from tests.evalset.truth import (
    DEFAULT_SEED,
    DEFAULT_TICKETS,
    LOCATIONS,
    EvalSet,
    EvalTicket,
    Planted,
    fact_pattern,
    person_patterns,
    sensitive_pattern,
    ticket_texts,
)
from tests.evalset.values import AGENTS, DOC_URLS, JOB_TITLES, TEAMS, Cast, Draft, Person, alnum, commit_sha, ipv4_private

# ---------------------------------------------------------------------------
# Prose pieces.
# ---------------------------------------------------------------------------


def _signature(d: Draft, c: Cast, person: Person, full: bool = True) -> str:
    close = d.choice(("Best regards,", "Thanks,", "Cheers,", "Kind regards,", "Thanks in advance,"))
    if not full:
        return f"{close}\n{person.first}"
    org = d.s("org_name", c.org.name)
    title = d.choice(JOB_TITLES)
    lines = [close, d.s("person", person.name), d.choice((f"{title} | {org}", f"{title}, {org}", f"{title} · {org}"))]
    if d.chance(0.8):
        lines.append(d.choice(("", "m: ", "Mobile: ", "Tel ")) + d.s("phone", person.phone))
    if d.chance(0.5):
        lines.append(d.s("email", person.email))
    if d.choice(("dash", "plain")) == "dash":
        lines.insert(1, "--")
    return "\n".join(lines)


def _mention(d: Draft, c: Cast, person: Person) -> str:
    name = d.s("person", person.name)
    team = d.choice(TEAMS)
    # Lambdas: only the sentence chosen may record what it plants.
    options = [
        lambda: f"I talked to {name} from our {team} team and they confirmed nothing changed on the network side.",
        lambda: f"{name} (our {team} lead) asked whether we can keep the old replicas running during the upgrade.",
        lambda: f"My colleague {name} opened a similar ticket last year, but I can't find the number.",
        lambda: f"{name} from {team} says the load balancer in front of {d.s('host', c.instance)} has a 60s idle timeout.",
        lambda: f"Please also keep {name} in the loop, they own the cluster. You can reach them at {d.s('email', person.email)}.",
        lambda: f"{name} is the one who changed the config, so if you need the history ask them on {d.s('phone', person.phone)}.",
        lambda: f"We escalated internally to {name}, who is on call this week.",
    ]
    fresh = [i for i in range(len(options)) if f"mention{i}" not in d.used]
    i = d.choice(fresh)
    d.used.add(f"mention{i}")
    return options[i]()


def _greeting(d: Draft) -> str:
    return d.choice(("Hi team,", "Hello,", "Hi Support,", "Hey folks,", "Good morning,", "Hi there,"))



# ---------------------------------------------------------------------------
# The conversation.
# ---------------------------------------------------------------------------


def _subject(d: Draft, c: Cast) -> str:
    version = c.version
    options = [
        lambda: f"{d.f('service', 'gitserver-0')} CrashLoopBackOff after upgrade to {d.f('version', version)}",
        lambda: f"{d.s('org_name', c.org.name)}: search timeouts on {d.s('host', c.instance)}",
        lambda: f"[{d.s('org_tag', c.org.snake)}] repo sync failing with '{d.f('error', 'failed to fetch repository')}'",
        lambda: f"License key rejected on {d.f('version', version)}",
        lambda: f"Urgent - {d.s('person', c.requester.name)} locked out after SAML change",
        lambda: f"{d.f('config_key', 'search.largeFiles')} ignored since {d.f('version', 'v' + version)}",
        lambda: f"Code host sync stuck for {d.s('host', c.code_host)}",
        lambda: f"{d.f('service', 'zoekt-webserver-1')} restarting every few minutes",
    ]
    return d.choice(options)()


def _opening(d: Draft, c: Cast) -> str:
    org_ref = d.s("org_name", d.choice([c.org.name] + ([c.org.short] if c.org.short else [])))
    clock = d.at(-300).strftime("%H:%M")
    since = d.f("datetime", d.choice(("last Tuesday", "since Monday", "every few minutes", "every 5 minutes", f"since {clock} UTC")))
    previous = d.f("version", c.previous_version)
    current = d.f("version", c.version)
    options = (
        lambda: f"We upgraded our instance at https://{d.s('host', c.instance)} from {previous} to {current} and {since} searches "
        f"over large repos fail for most of the {org_ref} engineers.",
        lambda: f"After moving {org_ref} from {previous} to {current}, repositories stopped syncing ({since}). Nothing else changed.",
        lambda: f"Since the upgrade to {current} (we were on {previous}), {since} our users at {org_ref} see errors and the "
        f"{d.f('service', 'repo-updater')} queue keeps growing.",
    )
    return d.choice(options)()


def _agent_reply(d: Draft, c: Cast, agent: str) -> str:
    first = c.requester.first
    doc = d.f("public_url", d.choice(DOC_URLS))
    cmd = d.f("command", d.choice((
        "kubectl logs gitserver-0 -n sourcegraph --previous",
        "kubectl get pods -n sourcegraph",
        "kubectl rollout restart deployment/sourcegraph-frontend -n sourcegraph",
        "kubectl top pods -n sourcegraph",
    )))
    key = d.f("config_key", d.choice(("gitMaxConcurrentClones", "search.largeFiles", "experimentalFeatures", "disableAutoGitUpdates")))
    status = d.f("http_status", d.choice(("502 Bad Gateway", "503 Service Unavailable", "429 Too Many Requests", "HTTP 504")))
    version = d.f("version", d.choice(("5.2.5", "5.3.2", "v5.1.8", "5.1")))
    return (
        f"Hi {first},\n\nThanks for the details. The {status} responses usually mean the frontend gave up waiting on "
        f"gitserver, so let's look there first. Could you run\n\n    {cmd}\n\nand attach the output? It is also worth "
        f"checking `{key}` in the site config; the reference is at {doc}. A fix for a similar crash shipped in {version}.\n\n"
        f"Best,\n{agent}\nSourcegraph Support"
    )


def _cc_intro(d: Draft, c: Cast, cc: Person) -> str:
    return f"Adding {d.s('person', cc.name)} ({d.s('email', cc.email)}) from our platform team, who runs the cluster."


def _attachments(d: Draft, c: Cast) -> tuple[Attachment, ...]:
    date = d.when.strftime("%Y-%m-%d")
    logs = (
        lambda: f"{d.f('service', 'gitserver-0')} logs.txt",
        lambda: f"describe {d.f('service', 'zoekt-webserver-1')} (2).txt",
    )
    names = [d.choice(logs)()]
    options = (
        lambda: f"debug-bundle-{d.s('org_tag', c.org.kebab)}-{date}.zip",
        lambda: f"site-config-{d.s('host', c.instance)}.json",
        lambda: f"HAR from {d.s('person', c.requester.name)}.har",
        lambda: f"{d.s('org_tag', c.org.snake)}_override.yaml",
        lambda: f"screenshot {date} at {d.at(0).strftime('%H.%M.%S')}.png",
    )
    names += [d.choice(options)() for _ in range(d.rng.randint(1, 2))]
    return tuple(Attachment(file_name=n, content_type=None, size=d.rng.randint(1_000, 9_000_000)) for n in names)


def _upload_link(d: Draft, c: Cast) -> str:
    token = d.s("attachment_token", alnum(d.rng, d.rng.randint(25, 40)))
    file = d.choice(("debug-bundle.zip", "gitserver-logs.tar.gz", "heap.pprof"))
    url = d.choice(
        (
            f"https://sourcegraph.zendesk.com/attachments/token/{token}/?name={file}",
            f"https://uploads.sourcegraph.com/support/{d.ticket_id}/{file}?token={token}",
            f"https://github.com/sourcegraph/sourcegraph/files/{d.rng.randint(10**7, 10**8)}/{file}?token={token}",
            f"https://{c.instance}/files/{file}?token={token}&expires=3600",
        )
    )
    if url.startswith(f"https://{c.instance}"):
        d.s("host", c.instance)
    return d.choice((f"The bundle is too big to attach, it is here: {url}", f"Uploaded the logs to {url} (link expires in a day)."))


def _internal_note(d: Draft, c: Cast) -> str:
    issue = d.f("public_url", f"https://github.com/sourcegraph/sourcegraph/issues/{d.rng.randint(10000, 62000)}")
    sha = d.f("commit", commit_sha(d.rng))
    org = d.s("org_name", c.org.name)
    phone = d.s("phone", c.requester.phone)
    when = d.f("datetime", d.at(60 * 24).strftime("%Y-%m-%d"))
    name = d.s("person", c.requester.name)
    return d.choice(
        (
            f"Internal: {org} is hitting {issue}. The fix is commit {sha}, which is not in their version yet. "
            f"Spoke with {name} on {phone}; they plan to upgrade on {when}.",
            f"Internal note: same root cause as {issue} (regression from {sha}). {name} prefers calls: {phone}. "
            f"Account {org}, renewal {when}.",
        )
    )


def _resolution(d: Draft, c: Cast, person: Person) -> str:
    version = d.f("version", d.choice(("5.2.5", "5.3.2", "5.1")))
    key = d.f("config_key", "gitMaxConcurrentClones")
    body = d.choice(
        (
            f"Quick follow-up: we upgraded to {version} and set `{key}` to 8; the problem has not come back.",
            f"Confirmed fixed after the upgrade to {version}. Lowering `{key}` helped too.",
        )
    )
    return f"{body}\n\n{_signature(d, c, person, full=d.chance(0.6))}"


def _draft_ticket(rng: Random, ticket_id: int, when: datetime) -> tuple[Ticket, Draft]:
    d = Draft(rng, ticket_id, when)
    cast = Cast(rng)
    org = Organization(id=9000 + cast.org_index, name=cast.org.name, domain_names=(cast.org.domain,))
    # Zendesk knows the requester, CCs and agents; the people mentioned in passing are NER's job.
    users: dict[int, User] = {}
    base = ticket_id * 10
    requester = User(id=base + 1, name=cast.requester.name, email=cast.requester.email, phone=cast.requester.phone, organization_id=org.id)
    users[requester.id] = requester
    cc_users = []
    for i, cc in enumerate(cast.ccs):
        user = User(id=base + 2 + i, name=cc.name, email=cc.email, phone=cc.phone if rng.random() < 0.5 else None, organization_id=org.id)
        users[user.id] = user
        cc_users.append(user)
    agent_users = []
    for i, agent in enumerate(cast.agents):
        user = User(id=900 + AGENTS.index(agent), name=agent, email=f"{agent.split()[0].lower()}@sourcegraph.com", role="agent")
        users[user.id] = user
        agent_users.append(user)
    subject = _subject(d, cast)
    passers = list(cast.passers)
    first_body = "\n\n".join(
        part
        for part in (
            _greeting(d),
            _opening(d, cast),
            d.choice(DIAGNOSTICS)(d, cast),
            _mention(d, cast, passers.pop(0)) if passers else "",
            _signature(d, cast, cast.requester),
        )
        if part
    )
    t = when
    comments: list[Comment] = []

    def add(author: User, body: str, public: bool = True, attachments: tuple[Attachment, ...] = ()) -> None:
        nonlocal t
        t += timedelta(minutes=rng.randint(20, 2000))
        comment_id = ticket_id * 100 + len(comments) + 1
        comments.append(
            Comment(id=comment_id, author_id=author.id, public=public, created_at=t, body=body, attachments=attachments)
        )

    add(requester, first_body, attachments=_attachments(d, cast) if rng.random() < 0.4 else ())
    add(agent_users[0], _agent_reply(d, cast, agent_users[0].name))
    follow_up_author = cc_users[0] if cc_users and rng.random() < 0.6 else requester
    follow_up_person = cast.ccs[0] if follow_up_author is not requester else cast.requester
    pieces = [f"Hi {agent_users[0].name.split()[0]},"]
    if follow_up_author is requester and cast.ccs:
        pieces.append(_cc_intro(d, cast, cast.ccs[0]))
    pieces.append(d.choice(CONFIGS)(d, cast))
    if rng.random() < 0.7:
        pieces.append(d.choice(CONFIGS)(d, cast))
    if rng.random() < 0.6:
        pieces.append(_upload_link(d, cast))
    if passers:
        pieces.append(_mention(d, cast, passers.pop(0)))
    # A CC signs in full: their name must occur somewhere for the ticket to test it.
    pieces.append(_signature(d, cast, follow_up_person, full=follow_up_person is not cast.requester or rng.random() < 0.5))
    add(follow_up_author, "\n\n".join(pieces), attachments=_attachments(d, cast) if rng.random() < 0.6 else ())
    add(agent_users[rng.randrange(2)], _internal_note(d, cast), public=False)
    if rng.random() < 0.5:
        diagnostic = d.choice(DIAGNOSTICS)(d, cast)
        add(
            agent_users[0],
            f"Hi {cast.requester.first},\n\n{diagnostic}\n\nThis is what we see in a similar setup; does it match yours?"
            f"\n\nBest,\n{agent_users[0].name}",
        )
    closing = [_resolution(d, cast, cast.requester)]
    while passers:
        closing.insert(0, _mention(d, cast, passers.pop(0)))
    if len(cast.passers) and rng.random() < 0.5:
        # Only the first name this time: a part the engine has no Zendesk record for.
        closing.insert(-1, f"Big thanks to {rng.choice(cast.passers).first} for digging into the logs with us.")
    add(requester, "\n\n".join(closing))

    tags = {d.s("org_tag", d.choice((cast.org.snake, cast.org.kebab, cast.org.flat)))}
    tags |= set(rng.sample(("gitserver", "search", "k8s", "sev2", "sev3", "enterprise", "upgrade", "repo_sync", "saml"), 3))
    if rng.random() < 0.4:
        tags.add(f"org_{d.s('org_tag', cast.org.snake)}")
    fields = [
        CustomField(id=360010001, title="Sourcegraph version", value=d.f("version", cast.version)),
        CustomField(id=360010002, title="Instance URL", value=f"https://{d.s('host', cast.instance)}"),
        CustomField(id=360010003, title="Deployment method", value=rng.choice(("kubernetes_helm", "docker_compose", "kustomize"))),
    ]
    if rng.random() < 0.4:
        fields.append(CustomField(id=360010004, title="Contact phone", value=d.s("phone", cast.requester.phone)))
    if rng.random() < 0.4:
        cidr = ipv4_private(rng).rsplit(".", 1)[0] + ".0"
        fields.append(
            CustomField(
                id=360010005,
                title="Environment notes",
                value=f"{d.s('org_tag', cast.org.camel)}-Prod EKS, pods on {d.s('ip', cidr)}/16, egress via {d.s('host', cast.other_host)}",
            )
        )
    solved = t + timedelta(hours=rng.randint(1, 48))
    ticket = Ticket(
        id=ticket_id,
        subject=subject,
        status=rng.choice(("solved", "solved", "closed")),
        created_at=when,
        updated_at=solved,
        solved_at=solved,
        url=f"https://sourcegraph.zendesk.com/agent/tickets/{ticket_id}",
        description=comments[0].body,  # Zendesk's description is the first comment
        priority=rng.choice(("low", "normal", "high", "urgent")),
        type=rng.choice(("problem", "question", "incident")),
        channel="email",
        tags=tuple(sorted(tags)),
        custom_fields=tuple(fields),
        requester_id=requester.id,
        organization=org,
        users=users,
        comments=tuple(comments),
    )
    return ticket, d


def _locate(ticket: Ticket, values: Iterable[tuple[str, str]], fact: bool) -> list[Planted]:
    """Planted values deduplicated by kind and value, each with the locations it occurs in.

    Sensitive values are matched case-insensitively, so `AcmeCorp` and `acmecorp` are one value.
    """
    texts = ticket_texts(ticket)
    seen: dict[tuple[str, str], Planted] = {}
    for kind, value in values:
        key = (kind, value if fact else value.lower())
        if key in seen:
            continue
        pattern = fact_pattern(value) if fact else sensitive_pattern(value)
        where = tuple(loc for loc in LOCATIONS if any(l == loc and pattern.search(t) for l, t in texts))
        seen[key] = Planted(kind, value, where)
    return list(seen.values())


def _sensitive_spans(ticket: Ticket, planted: Sequence[Planted]) -> list[list[tuple[int, int]]]:
    patterns = [sensitive_pattern(p.value) for p in planted]
    patterns += [pat for p in planted if p.kind == "person" for _, pat in person_patterns(p.value)]
    return [[m.span() for pat in patterns for m in pat.finditer(text)] for _, text in ticket_texts(ticket)]


def _unambiguous(ticket: Ticket, facts: list[Planted], spans: list[list[tuple[int, int]]]) -> list[Planted]:
    """Facts that never overlap a planted sensitive value: the only ones a redactor can keep in full."""
    texts = ticket_texts(ticket)
    kept = []
    for fact in facts:
        pattern = fact_pattern(fact.value)
        clash = any(
            s < m.end() and m.start() < e for (_, text), text_spans in zip(texts, spans) for m in pattern.finditer(text) for s, e in text_spans
        )
        if not clash:
            kept.append(fact)
    return kept


def build_eval_set(seed: int = DEFAULT_SEED, tickets: int = DEFAULT_TICKETS) -> EvalSet:
    """`tickets` synthetic solved tickets with their ground truth; same seed, same set."""
    if tickets < 1:
        raise ValueError("tickets must be at least 1")
    rng = Random(seed)
    start = datetime(2023, 1, 2, tzinfo=timezone.utc)
    items = []
    for i in range(tickets):
        ticket_id = 70001 + i
        when = start + timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1439))
        ticket, draft = _draft_ticket(rng, ticket_id, when)
        sensitive = _locate(ticket, draft.sensitive, fact=False)
        missing = [p for p in sensitive if not p.where]
        if missing:  # a template bug: ground truth would lie
            raise AssertionError(f"ticket {ticket_id}: planted {missing[0].kind} does not occur in the text")
        facts = _locate(ticket, draft.facts, fact=True)
        if any(not p.where for p in facts):
            raise AssertionError(f"ticket {ticket_id}: a planted fact does not occur in the text")
        facts = _unambiguous(ticket, facts, _sensitive_spans(ticket, sensitive))
        items.append(EvalTicket(ticket=ticket, sensitive=tuple(sensitive), facts=tuple(facts)))
    return EvalSet(seed=seed, items=tuple(items))
