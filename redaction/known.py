"""Deny-lists built from what Zendesk already tells us about a ticket's customer side.

The requester, CCs and end-user authors (names, name parts, usernames, emails,
phones) and the organization (name, distinctive words, slugs, domains) are
redacted wherever they appear — text, tags, custom fields, file names — case
insensitively and in slug forms: `Acme Corp`, `acme_corp`, `acme-corp`,
`AcmeCorp`, `acmecorp`. Each finding carries the identity of the person or
organization, so every form of one name gets one placeholder.

Help desks name some records with their own words: Zendesk's sample requester
"The Customer", a social page user "ZenDesk Tickets", a caller "Caller +1 (415)
555-0134", an organization "Test Organization 1". Such a name (made only of
`HELP_DESK_WORDS` and stop words) is matched only as written, never word by
word, so "the customer" in a note stays prose; a phone number in a name is that
person's phone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, List, Optional

import phonenumbers
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from redaction.records import Organization, Ticket, User
from redaction.models import Finding
from redaction.network import AllowList, public_suffix, registered_domain
from redaction.termsearch import TermSearch
from redaction.vocabulary import COMMON_WORDS, FREEMAIL_DOMAINS, GENERIC_MAILBOXES, ORG_SUFFIXES

PERSON = "PERSON"
ORG = "ORG"
EMAIL = "EMAIL"
PHONE = "PHONE"
HOST = "HOST"

# Edges of a name found in the text itself (not told by Zendesk): a word of prose or a part of a user name
# (`marek` in `dev-marek`, `marek.nowak`), never a piece of a longer word or of code (`MinLen`, `len(x)`).
_WORD_START = r"(?<!\w)"
_WORD_END = r"(?![\w(])"
NAME_GAP = r"[\s._-]{0,3}"
_ORG_GAP = r"[\s._,&+-]{0,3}(?:(?:and|of|the)[\s._,&+-]{1,3})?"
# Legal forms after a name: `Acme Corp.`, `Nordhavn Shipping A/S`, `Quantiva GmbH`, `Vireo B.V.`.
# Short forms that are English words ("as", "ab") count only in capitals.
_LEGAL_TAIL = (
    r"(?:[\s.,_-]{0,2}(?:inc|incorporated|llc|llp|ltd|limited|corp|corporation|co|company|gmbh|plc|ag|sa|bv|nv"
    r"|pty|pte|pvt|group|holdings|a/s|s\.a\.(?:s\.)?|b\.v\.|n\.v\.|s\.p\.a\.|s\.r\.l\.|sarl|srl|spa|kk"
    r"|(?-i:AS|ASA|AB|ApS|Oy|Oyj))\b\.?)?"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_PHONE_IN_NAME = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")

# The words help desks and case notes use for their own records and labels: never
# distinctive alone, and a name made only of them (and stop words) is a label.
HELP_DESK_WORDS = frozenset(
    """
    agent agents anonymous attachment attachments caller callers case comment comments conversation
    customer customers end environment error errors example field fields guest internal keyword keywords
    link links note notes organisation organisations organization organizations phone problem public
    resolution sample solved status support test testing ticket tickets unknown user users visitor
    voicemail zendesk
    """.split()
)


@dataclass(frozen=True)
class Term:
    entity: str
    identity: str
    # Regex source, matched case-insensitively. Start it with the word itself: a literal start is
    # how termsearch finds a term in time linear in the text; others are tried at every word edge.
    pattern: str
    bounded: bool = True  # between word edges (termsearch.START/END); phone patterns bring their own
    # Word edges only (_WORD_START/_WORD_END): for names found in text, whose parts may be ordinary words.
    words_only: bool = False


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def word_pattern(word: str) -> str:
    variants = {word, _fold(word)}
    parts = []
    for variant in sorted(variants):
        pieces = re.split(r"['’]", variant)
        parts.append(r"['’]?".join(re.escape(p) for p in pieces))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _distinctive(word: str) -> bool:
    lower = word.lower()
    return (
        len(lower) >= 3
        and lower not in COMMON_WORDS
        and lower not in STOP_WORDS
        and lower not in ORG_SUFFIXES
        and lower not in HELP_DESK_WORDS
    )


def _label_like(words: list[str]) -> bool:
    """A name made only of help-desk words and stop words: Zendesk's label, not a person's or company's name."""
    return bool(words) and all(w.lower() in HELP_DESK_WORDS or w.lower() in STOP_WORDS for w in words)


def _as_written(pattern: str, name: str) -> str:
    """`pattern` case-sensitively, with the number that ends the name optional ("Test Organization 1")."""
    ending = re.search(r"(\d+)\W*$", name)
    tail = rf"(?:[\s._#-]{{0,3}}{ending.group(1)})?" if ending else ""
    return f"(?-i:{pattern}{tail})"


def person_terms(user: User, identity: str, *, with_domain: bool = True) -> list[Term]:
    """The forms of one person's name, address and phone; `with_domain`: their mail domain as a host and organization."""
    terms: list[Term] = []
    name = user.name or ""
    if "@" in name:  # Zendesk names a user by their address when it knows nothing else
        name = re.sub(r"[._+-]", " ", name.split("@")[0])
    for number in _PHONE_IN_NAME.findall(name):  # Talk names an unknown caller by the number
        pattern = phone_pattern(number)
        if pattern:
            terms.append(Term(PHONE, "phone:" + re.sub(r"\D", "", number)[-10:], pattern, bounded=False))
    name = _PHONE_IN_NAME.sub(" ", name)
    words = _WORD.findall(name)
    if _label_like(words):
        # "The Customer", "ZenDesk Tickets": as written; a lone label ("Caller") names no one.
        if len(words) >= 2:
            terms.append(Term(PERSON, identity, _as_written(NAME_GAP.join(re.escape(w) for w in words), name)))
    elif words:
        pats = [word_pattern(w) for w in words]
        terms.append(Term(PERSON, identity, NAME_GAP.join(pats)))
        if len(words) >= 2:
            first, last = pats[0], pats[-1]
            terms.append(Term(PERSON, identity, first + NAME_GAP + last))
            terms.append(Term(PERSON, identity, last + r",?" + NAME_GAP + first))
            if len(words[-1]) >= 3:
                terms.append(Term(PERSON, identity, re.escape(words[0][0]) + r"\.?" + NAME_GAP + last))
        for word, pat in zip(words, pats):
            if _distinctive(word):
                terms.append(Term(PERSON, identity, pat))
    if user.email and "@" in user.email:
        address = user.email.strip()
        terms.append(Term(EMAIL, f"email:{address.lower()}", re.escape(address)))
        local, _, domain = address.rpartition("@")
        if len(local) >= 3 and local.lower() not in GENERIC_MAILBOXES and _distinctive(local):
            terms.append(Term(PERSON, identity, re.escape(local)))
        domain = domain.lower()
        if with_domain and domain not in FREEMAIL_DOMAINS:
            terms.extend(domain_terms(domain))
    if user.phone:
        pattern = phone_pattern(user.phone)
        if pattern:
            terms.append(Term(PHONE, "phone:" + re.sub(r"\D", "", user.phone)[-10:], pattern, bounded=False))
    return terms


def phone_pattern(phone: str) -> str | None:
    """Digits of the national number with any separators between them, country code optional."""
    try:
        parsed = phonenumbers.parse(phone, "US")
        national, country = str(parsed.national_number), str(parsed.country_code)
    except phonenumbers.NumberParseException:
        national, country = re.sub(r"\D", "", phone), ""
    if len(national) < 7:
        return None
    sep = r"[\s().-]{0,3}"
    body = sep.join(national)
    prefix = rf"(?:(?:\+|00)?{country}{sep})?" if country else ""
    return rf"(?<!\d){prefix}\(?{body}(?!\d)"


def domain_terms(domain: str) -> list[Term]:
    domain = domain.lower().strip().rstrip(".")
    if not domain:
        return []
    terms = [Term(HOST, f"host:{domain}", r"(?:[a-z0-9-]+\.)*" + re.escape(domain))]
    label = _domain_label(domain)
    if label and _distinctive(label):
        terms.append(Term(ORG, f"orgdomain:{label}", org_slug_pattern(re.split(r"[-_]", label))))
    return terms


def _domain_label(domain: str) -> str:
    return registered_domain(domain) if public_suffix(domain) else domain.split(".")[0]


def org_slug_pattern(words: list[str]) -> str:
    return _ORG_GAP.join(word_pattern(w) for w in words if w) + _LEGAL_TAIL


def organization_terms(org: Organization) -> list[Term]:
    identity = f"org:{org.id}"
    terms: list[Term] = []
    # Single letters are the pieces of a legal form (`A/S`, `S.A.`), never a distinctive word.
    words = [w for w in _WORD.findall(org.name or "") if len(w) > 1]
    core = [w for w in words if w.lower() not in {"and", "of", "the", "&"}]
    if _label_like(core):
        # "Test Organization 1": as written, never "test" or "organization" alone.
        terms.append(Term(ORG, identity, _as_written(org_slug_pattern(core), org.name or "")))
    elif core:
        terms.append(Term(ORG, identity, org_slug_pattern(core)))
        stripped = [w for w in core if w.lower() not in ORG_SUFFIXES]
        if stripped and stripped != core:
            terms.append(Term(ORG, identity, org_slug_pattern(stripped)))
        for word in stripped:
            if _distinctive(word):
                terms.append(Term(ORG, identity, org_slug_pattern([word])))
    for domain in org.domain_names:
        for term in domain_terms(domain):
            # The organization's own domain label is the organization.
            terms.append(Term(term.entity, identity if term.entity == ORG else term.identity, term.pattern))
    return terms


@dataclass(frozen=True)
class KnownEntities:
    """Everything this ticket tells us about its customer side, as deny-list terms."""

    terms: tuple[Term, ...]
    # Agents' names, kept in text when the settings keep agent names.
    kept_names: frozenset[str]

    @classmethod
    def from_ticket(cls, ticket: Ticket, *, keep_agent_names: bool, allow: AllowList) -> "KnownEntities":
        terms: list[Term] = []
        if ticket.organization is not None:
            terms.extend(organization_terms(ticket.organization))
        for user in ticket.customers:
            terms.extend(person_terms(user, f"user:{user.id}"))
        kept: set[str] = set()
        for agent in ticket.agents:
            if keep_agent_names:
                kept.add(" ".join(agent.name.split()).casefold())
                kept.update(w.casefold() for w in _WORD.findall(agent.name))
            else:
                # An agent's mail domain is the vendor's own (`sourcegraph.com`), not the customer's: as a
                # deny-list it would turn the product's name into <ORG_n> in every link and image.
                terms.extend(person_terms(agent, f"user:{agent.id}", with_domain=False))
        # Allow-listed domains (a customer writing from github.com, The Customer from example.com)
        # are public, not theirs: neither the host nor its label ("example") is on their list.
        hosts = {t.identity.removeprefix("host:") for t in terms if t.entity == HOST}
        public = {f"host:{host}" for host in hosts if allow.allows(host)}
        public |= {f"orgdomain:{_domain_label(identity.removeprefix('host:'))}" for identity in public}
        terms = [t for t in terms if t.identity not in public]
        return cls(terms=tuple(terms), kept_names=frozenset(kept))

    @classmethod
    def empty(cls) -> "KnownEntities":
        return cls(terms=(), kept_names=frozenset())


class KnownEntityRecognizer(EntityRecognizer):
    """One ticket's deny-lists as an ad-hoc Presidio recognizer."""

    ENTITIES = [PERSON, ORG, EMAIL, PHONE, HOST]

    def __init__(self, known: KnownEntities, name: str = "KnownEntityRecognizer"):
        self.known = known
        # Longest first, so `Acme Corp` wins over `Acme` at the same position.
        ordered = sorted(known.terms, key=lambda t: len(t.pattern), reverse=True)
        self._slugs = [t for t in ordered if t.bounded and not t.words_only]
        self._words = [t for t in ordered if t.bounded and t.words_only]
        self._searches = [
            (TermSearch([t.pattern for t in self._slugs]), self._slugs),
            (TermSearch([t.pattern for t in self._words], start=_WORD_START, end=_WORD_END), self._words),
        ]
        self._free = [t for t in ordered if not t.bounded]
        alternatives = "|".join(f"(?P<t{i}>{t.pattern})" for i, t in enumerate(self._free))
        self._free_regex = re.compile(alternatives, re.IGNORECASE) if alternatives else None
        super().__init__(supported_entities=self.ENTITIES, name=name, supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[object] = None) -> List[RecognizerResult]:
        return [
            RecognizerResult(
                entity_type=term.entity,
                start=start,
                end=end,
                score=1.0,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    "identity": term.identity,
                },
            )
            for term, start, end in self.find(text)
        ]

    def find(self, text: str) -> Iterable[tuple[Term, int, int]]:
        found = [(start, end, terms[i]) for search, terms in self._searches for i, start, end in search.finditer(text)]
        if self._free_regex is not None:
            found += [
                (match.start(), match.end(), self._free[int(match.lastgroup[1:])])
                for match in self._free_regex.finditer(text)
                if match.end() > match.start() and match.lastgroup
            ]
        for start, end, term in sorted(found, key=lambda f: (f[0], -f[1])):
            yield term, start, end

    def findings(self, text: str) -> list[Finding]:
        """`find` as findings, each with the identity of who or what it is."""
        return [Finding(term.entity, start, end, self.name, 1.0, term.identity) for term, start, end in self.find(text)]
