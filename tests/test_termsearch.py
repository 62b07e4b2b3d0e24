"""TermSearch finds exactly what one big alternation of the terms finds, in time linear in the text."""

from __future__ import annotations

import random
import re
import time
from re import _casefix  # the extra equivalences re.IGNORECASE applies; what `fold` must respect

from exporter.models import Organization, Ticket, User
from redaction.known import NAME_GAP, PERSON, KnownEntities, KnownEntityRecognizer, Term, word_pattern
from redaction.network import AllowList
from redaction import termsearch
from redaction.termsearch import END, START, TermSearch, fold, leads
from tests.redaction_fixtures import T0, all_strings, planted_ticket


def alternation(patterns: list[str], text: str) -> list[tuple[int, int, int]]:
    """The reference: every term in one regex between word edges, as the deny-lists used to run."""
    if not patterns:
        return []
    regex = re.compile(START + "(?:" + "|".join(f"(?P<t{i}>{p})" for i, p in enumerate(patterns)) + ")" + END, re.I)
    return [(int(m.lastgroup[1:]), m.start(), m.end()) for m in regex.finditer(text) if m.end() > m.start()]


def test_fold_is_equal_for_every_pair_re_ignorecase_matches():
    pairs = []
    for code in range(0x110000):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        for other in {c.lower(), c.upper(), c.title(), c.casefold()}:
            if len(other) == 1 and other != c:
                pairs.append((c, other))
    for key, others in _casefix._EXTRA_CASES.items():
        pairs += [(chr(key), chr(o)) for o in others]
    pairs.append(("\u0130", "i"))  # İ: its simple lower case is i, its full one is two characters
    checked = 0
    for a, b in pairs:
        if re.fullmatch(re.escape(a), b, re.IGNORECASE):
            checked += 1
            assert fold(a) == fold(b), (hex(ord(a)), hex(ord(b)))
    assert checked > 2000


def test_leads_read_the_literal_start_of_a_pattern_and_nothing_optional():
    assert leads(word_pattern("Priya")) == {"Priy"}
    assert leads(word_pattern("José")) == {"José", "Jose"}
    assert leads(word_pattern("O'Brien")) == {"O"}
    assert leads(re.escape("j") + r"\.?" + NAME_GAP + "Doe") == {"j"}
    assert leads(r"(?:[a-z0-9-]+\.)*acme\.com") is None  # a host may start anywhere
    assert leads(r"(?<!\d)\(?415") is None
    assert leads(r"a?bc") is None
    assert leads(r"(?:ab|cd)e") == {"abe", "cde"}
    assert leads("Li") == {"Li"} and leads("Lin?") == {"Li"} and leads("Leen+") == {"Leen"}


def test_the_shortcut_for_plain_patterns_agrees_with_the_parser():
    patterns = [t.pattern for t in KnownEntities.from_ticket(planted_ticket(), keep_agent_names=False, allow=AllowList(())).terms]
    patterns += [word_pattern(w) + NAME_GAP + "x" for w in ("Li", "Ana", "Jose", "Zoë", "O'Neil", "Priyanka")]
    patterns += ["ab?c", "abcd?", "abc{2}", "a*", "ab+c"]
    shortcuts = 0
    for pattern in patterns:
        plain = termsearch._plain_lead(pattern)
        if plain:
            shortcuts += 1
            parsed = termsearch._walk({("", True)}, list(termsearch.sre_parser.parse(pattern, re.IGNORECASE)))
            # The parser may read further (escaped literals) or stop sooner (repeats); never differently.
            assert all(prefix.startswith(plain) or plain.startswith(prefix) for prefix, _ in parsed), pattern
    assert shortcuts >= 10


def _name(rng: random.Random) -> str:
    syllables = ["an", "na", "jo", "sé", "li", "ma", "rk", "ö", "ß", "ı", "İ", "ke", "ri", "ya", "o'", "be", "ch", "Σ", "ς"]
    word = "".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))).strip("'")
    return (word or "ab").capitalize()


def _spellings(rng: random.Random, words: list[str]) -> str:
    form = rng.randrange(8)
    if form == 0:
        return " ".join(words)
    if form == 1:
        return "_".join(w.lower() for w in words)
    if form == 2:
        return "".join(words)  # CamelCase: an edge inside a word
    if form == 3:
        return "%2F" + "-".join(w.upper() for w in words)
    if form == 4:
        return "\\n" + ".".join(words) + "01"
    if form == 5:
        return words[0][0] + ". " + words[-1]
    if form == 6:
        return "x" + "".join(w.lower() for w in words)  # no edge before: no match
    return ", ".join(reversed(words))


def test_same_matches_as_the_alternation_on_random_terms_and_texts():
    rng = random.Random(11)
    for _ in range(80):
        people = [[_name(rng) for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 12))]
        users = [
            User(id=i, name=" ".join(words), email=f"{words[0].lower()}{i}@{words[-1].lower()}-corp.com")
            for i, words in enumerate(people)
        ]
        org = Organization(id=1, name=" ".join(people[0]) + " GmbH", domain_names=(f"{people[0][0].lower()}.io",))
        ticket = Ticket(id=1, subject="", status="solved", created_at=T0, updated_at=T0, url="",
                        organization=org, users={u.id: u for u in users}, requester_id=0)
        known = KnownEntities.from_ticket(ticket, keep_agent_names=True, allow=AllowList(()))
        propagated = [Term(PERSON, "p", NAME_GAP.join(word_pattern(w) for w in words)) for words in people]
        propagated += [Term(PERSON, "p", word_pattern(w)) for words in people for w in words]
        for terms in (list(known.terms), propagated):
            ordered = [t.pattern for t in sorted(terms, key=lambda t: len(t.pattern), reverse=True) if t.bounded]
            search = TermSearch(ordered)
            hosts = [f"git.{people[0][0].lower()}.io", f"{people[-1][-1].lower()}-corp.com", "x.y-corp.com"]
            pieces = []
            for _ in range(40):
                if rng.random() < 0.1:
                    pieces.append(rng.choice(hosts))
                elif rng.random() < 0.6:
                    pieces.append(_spellings(rng, rng.choice(people)))
                else:
                    pieces.append(rng.choice(
                        ["the", "log:", "user=", "x", "42", "ab.io", "sub.b.io", "ıi", "SS", "é", "\n", "@", "-"]))
            text = rng.choice([" ", "", "/"]).join(pieces)
            assert search.finditer(text) == alternation(ordered, text), text


def test_known_entities_find_the_same_on_the_planted_ticket():
    ticket = planted_ticket()
    known = KnownEntities.from_ticket(ticket, keep_agent_names=False, allow=AllowList(()))
    recognizer = KnownEntityRecognizer(known)
    ordered = sorted(known.terms, key=lambda t: len(t.pattern), reverse=True)
    bounded = [t.pattern for t in ordered if t.bounded]
    texts = list(all_strings(ticket))
    assert sum(len(list(recognizer.find(t))) for t in texts) > 20
    for text in texts:
        expected = sorted(((s, e, bounded[i]) for i, s, e in alternation(bounded, text)), key=lambda f: (f[0], -f[1]))
        got = [(s, e, t.pattern) for t, s, e in recognizer.find(text) if t.bounded]
        assert got == expected


def test_time_grows_linearly_with_text_and_terms():
    rng = random.Random(5)

    def run(n: int) -> float:
        names = [[_name(rng), _name(rng)] for _ in range(n // 20)]  # more text, more people in it
        patterns = [NAME_GAP.join(word_pattern(w) for w in ws) for ws in names]
        text = " ".join(" ".join(rng.choice(names)) if rng.random() < 0.1 else "word" for _ in range(n))
        started = time.process_time()
        TermSearch(patterns).finditer(text)
        return time.process_time() - started

    run(2_000)
    small, large = min(run(4_000) for _ in range(3)), min(run(32_000) for _ in range(3))
    # Eight times the text (and eight times the people) may cost eight times as long, not sixty-four.
    assert large < 20 * small, (small, large)
