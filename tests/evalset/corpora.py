"""Builds the independent evaluation's corpora from fixed seeds, and packs snippets into Zendesk tickets.

Ticket corpora (names, held-out names, organisations, structured values,
facts) go through `redact_ticket`: each snippet is one comment of a ticket
whose requester, agent and organisation Zendesk side-loads, so the ticket's
deny-lists run as in production; the people and organisations planted are
third parties, on no deny-list, and no two snippets of a ticket share a name
part. Sentences go through `redact_text`, and so does the technical prose in
pieces: two corpora, `prose_words` each, the installed packages' descriptions
(their sample data names people) and npm's documentation (it names no one, so
what is taken there is over-redaction alone; absent where npm is not
installed). See tests/evalset/prose.py.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from random import Random
from typing import Iterator, Sequence

from redaction.records import Comment, Organization, Ticket, User
from tests.evalset.contexts import AGENT_FIRST_NAMES, ENGLISH_WORD_CONTEXTS, FILLER, NON_ENGLISH, ORG_CONTEXTS, PERSON_CONTEXTS, org_snippet, person_snippet
from tests.evalset.facts import FACTS, fact_snippet
from tests.evalset.names import (
    Person,
    english_word_people,
    fold,
    held_out_people,
    invented_companies,
    invented_people,
    mimesis_companies,
    mimesis_people,
)
from tests.evalset.prose import ProseCorpus, prose_corpora
from tests.evalset.sentences import sentence_snippets
from tests.evalset.snippets import Snippet
from tests.evalset.structured import KINDS, org_slugs, structured_snippet

NON_ENGLISH_LINE = "non-English sentence"
ENGLISH_WORD_LINE = "name that is an English word"
AGENTS = ("Morgan Ellery", "Tobias Grünwald", "Keiko Arai", "Felix Osei", "Renata Sousa", "Callum Reid")
assert tuple(a.split()[0] for a in AGENTS) == AGENT_FIRST_NAMES
SUBJECTS = (
    "Search timeouts after upgrade", "gitserver CrashLoopBackOff", "Repo sync stuck", "SAML login fails",
    "Indexing never finishes", "502 on the search page",
)


@dataclass(frozen=True)
class Sizes:
    per_context: int = 40  # names per person context and tuning source (two sources)
    held_out_per_context: int = 25
    per_org: int = 150  # per organisation source (two sources)
    per_kind: int = 60  # structured values per kind
    per_fact: int = 60  # facts per kind
    sentences_person: int = 300
    sentences_per_kind: int = 60
    prose_words: int = 40_000  # per prose corpus
    per_ticket: int = 6


DEFAULT_SIZES = Sizes()
QUICK_SIZES = Sizes(
    per_context=2, held_out_per_context=1, per_org=2, per_kind=2, per_fact=2,
    sentences_person=3, sentences_per_kind=2, prose_words=600, per_ticket=4,
)


@dataclass(frozen=True)
class Corpora:
    names: tuple[Snippet, ...]
    held_out: tuple[Snippet, ...]  # empty unless built for the final report
    organisations: tuple[Snippet, ...]
    structured: tuple[Snippet, ...]
    facts: tuple[Snippet, ...]
    sentences: tuple[Snippet, ...]
    prose: tuple[ProseCorpus, ...]  # the packages' descriptions, npm's documentation


def _cycle(templates: Sequence[str], rng: Random) -> Iterator[str]:
    while True:
        order = list(templates)
        rng.shuffle(order)
        yield from order


def _domains(seed: int) -> Iterator[str]:
    for slug in org_slugs(seed):
        yield f"{slug}.com"


def _people_snippets(people: Iterator[Person], count: int, rng: Random, domains: Iterator[str]) -> list[Snippet]:
    out = []
    for line, templates in [*PERSON_CONTEXTS.items(), (NON_ENGLISH_LINE, NON_ENGLISH)]:
        cycle = _cycle(templates, rng)
        for _ in range(count):
            out.append(person_snippet(line, next(cycle), next(people), rng, next(domains)))
    return out


def name_snippets(seed: int, sizes: Sizes = DEFAULT_SIZES) -> list[Snippet]:
    """The tuning names: every context with mimesis names and invented names, and names that are English words."""
    rng = Random(seed)
    domains = _domains(seed + 7)
    names = _people_snippets(mimesis_people(seed), sizes.per_context, rng, domains)
    names += _people_snippets(invented_people(seed + 1), sizes.per_context, rng, domains)
    word_people = english_word_people(seed + 2)
    word_templates = _cycle([t for c in ENGLISH_WORD_CONTEXTS for t in PERSON_CONTEXTS[c]], rng)
    for _ in range(2 * sizes.per_context):
        names.append(person_snippet(ENGLISH_WORD_LINE, next(word_templates), next(word_people), rng, next(domains), case_sensitive=True))
    return names


def held_out_snippets(seed: int, sizes: Sizes = DEFAULT_SIZES) -> list[Snippet]:
    rng = Random(seed + 1)
    return _people_snippets(held_out_people(seed), sizes.held_out_per_context, rng, _domains(seed + 8))


def organisation_snippets(seed: int, sizes: Sizes = DEFAULT_SIZES) -> list[Snippet]:
    rng = Random(seed + 2)
    out = []
    for source, companies in (("mimesis", mimesis_companies(seed + 3)), ("invented", invented_companies(seed + 4))):
        cycle = _cycle(ORG_CONTEXTS, rng)
        out += [org_snippet(next(cycle), next(companies), source, rng) for _ in range(sizes.per_org)]
    return out


def structured_snippets(seed: int, sizes: Sizes = DEFAULT_SIZES) -> list[Snippet]:
    rng, slugs = Random(seed + 3), org_slugs(seed + 5)
    return [structured_snippet(line, rng, slugs, rng.choice(FILLER)) for line in KINDS for _ in range(sizes.per_kind)]


def fact_snippets(seed: int, sizes: Sizes = DEFAULT_SIZES) -> list[Snippet]:
    rng = Random(seed + 4)
    return [fact_snippet(line, rng) for line in FACTS for _ in range(sizes.per_fact)]


def build(seed: int, sizes: Sizes = DEFAULT_SIZES, final: bool = False) -> Corpora:
    """Every corpus, deterministically from `seed`; the held-out source only when `final`."""
    sentence_people = held_out_people(seed + 1) if final else invented_people(seed + 6)
    return Corpora(
        names=tuple(name_snippets(seed, sizes)),
        held_out=tuple(held_out_snippets(seed, sizes)) if final else (),
        organisations=tuple(organisation_snippets(seed, sizes)),
        structured=tuple(structured_snippets(seed, sizes)),
        facts=tuple(fact_snippets(seed, sizes)),
        sentences=tuple(sentence_snippets(sentence_people, seed, sizes.sentences_person, sizes.sentences_per_kind)),
        prose=prose_corpora(sizes.prose_words),
    )


# ---------------------------------------------------------------------------
# Tickets.
# ---------------------------------------------------------------------------


def planted_words(snippet: Snippet) -> set[str]:
    return {fold(w) for s in snippet.secrets for w in re.findall(r"[^\W\d_]{3,}", s.value)}


def _pool_of_requesters() -> tuple[Person, ...]:
    return tuple(itertools.islice(invented_people(4242, ("en", "de", "fr"), "requester"), 40))


def _pool_of_organisations() -> tuple[str, ...]:
    return tuple(itertools.islice(invented_companies(4343), 20))


def _pick(candidates: Sequence, words_of, taken: set[str], rng: Random):
    start = rng.randrange(len(candidates))
    for candidate in itertools.chain(candidates[start:], candidates[:start]):
        if not words_of(candidate) & taken:
            return candidate
    raise AssertionError("no candidate without a shared name part")  # pools are large enough


def _words(text: str) -> set[str]:
    return {fold(w) for w in re.findall(r"[^\W\d_]{3,}", text)}


def batches(snippets: Sequence[Snippet], per_ticket: int) -> list[list[int]]:
    """Snippet indices per ticket, in order; a snippet sharing a name part with one already in the ticket waits."""
    out: list[list[int]] = []
    waiting = list(range(len(snippets)))
    while waiting:
        batch, words, later = [], set(), []
        for i in waiting:
            mine = planted_words(snippets[i])
            if len(batch) < per_ticket and not mine & words:
                batch.append(i)
                words |= mine
            else:
                later.append(i)
        out.append(batch)
        waiting = later
    return out


def make_ticket(ticket_id: int, snippets: Sequence[Snippet], rng: Random) -> Ticket:
    """A solved ticket with one comment per snippet; its requester, agent and organisation share no part with them."""
    taken = set().union(*(planted_words(s) for s in snippets)) if snippets else set()
    requester = _pick(_pool_of_requesters(), lambda p: _words(p.full), taken, rng)
    agent = _pick(AGENTS, _words, taken, rng)
    org_name = _pick(_pool_of_organisations(), _words, taken, rng)
    slug = "-".join(fold(w) for w in org_name.split())
    org = Organization(id=9000 + ticket_id % 1000, name=org_name, domain_names=(f"{slug}.com",))
    customer = User(
        id=ticket_id * 10 + 1,
        name=requester.full,
        email=f"{fold(requester.first)}.{fold(requester.last)}@{slug}.com",
        organization_id=org.id,
    )
    staff = User(id=900 + AGENTS.index(agent), name=agent, email=f"{agent.split()[0].lower()}@sourcegraph.com", role="agent")
    start = datetime(2024, 3, 1, tzinfo=timezone.utc) + timedelta(hours=ticket_id % 500)
    comments = tuple(
        Comment(
            id=ticket_id * 100 + n,
            author_id=staff.id if n % 3 == 2 else customer.id,
            public=True,
            created_at=start + timedelta(minutes=17 * n),
            body=snippet.text,
        )
        for n, snippet in enumerate(snippets)
    )
    return Ticket(
        id=ticket_id,
        subject=rng.choice(SUBJECTS),
        status="solved",
        created_at=start,
        updated_at=start + timedelta(days=1),
        solved_at=start + timedelta(days=1),
        url=f"https://sourcegraph.zendesk.com/agent/tickets/{ticket_id}",
        description=comments[0].body if comments else "",
        requester_id=customer.id,
        organization=org,
        users={customer.id: customer, staff.id: staff},
        comments=comments,
    )
