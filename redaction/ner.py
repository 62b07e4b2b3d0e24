"""Named-entity recognition: which spaCy labels count, and which spans of them we redact.

Label decisions (spaCy's OntoNotes labels):

    PERSON        redacted (<PERSON_n>) unless the span is a greeting, a tool, an
                  acronym or a kept agent's name
    ORG           redacted (<ORG_n>) only with a legal ending ("Initech LLC");
                  the small model calls product names ORG ("Sourcegraph",
                  "Kubernetes"), and the ticket's own organization is caught by
                  the deny-list anyway
    everything    kept: DATE/TIME/CARDINAL/ORDINAL/QUANTITY/PERCENT/MONEY are facts
    else          of the case ("every few minutes", "3.42.1"); PRODUCT/WORK_OF_ART/
                  LAW/LANGUAGE/EVENT/FAC name software and docs; GPE/LOC/NORP name
                  regions and data centres, not people
"""

from __future__ import annotations

import re
from typing import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.english import lexicon
from redaction.names import NameLists, fold, name_lists
from redaction.software import is_software
from redaction.tools import WORD_AFTER, WORD_BEFORE, tool_place
from redaction.unknownwords import IDENTIFIER, NAME_TOKEN, is_unknown
from redaction.vocabulary import (
    COMMON_WORDS,
    CORPORATE_ENDINGS,
    FOREIGN_FORMULAS,
    NOT_NAME_WORDS,
    PRODUCT_WORDS,
    TECH_WORDS,
)

PERSON = "PERSON"
ORG = "ORG"
NER_ENTITIES = (PERSON, ORG)
# spaCy label -> our entity; every label not here is dropped before Presidio sees it.
LABEL_MAPPING = {"PERSON": PERSON, "PER": PERSON, "ORG": ORG}
# Labels the small model gives the names it does not know ("Dobigna" GPE, "Hilis" NORP): a span of
# them is taken only when every word is no word of any lexicon (`NerPolicy.unknown_words`).
OTHER = "OTHER"
UNKNOWN_NAME_LABELS = frozenset({"GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

_TOKEN = re.compile(r"\S+")
_LINE = re.compile(r"[^\n]+")
_PUNCT = ".,;:!?()[]{}\"'`<>*|/\\"
_ENDINGS = frozenset(e.strip(".") for e in CORPORATE_ENDINGS)
# A lower-case word and a space just before: a capitalized word here is not capitalized for starting a sentence.
_MID_SENTENCE = re.compile(r"(?<![^\W\d_])[a-z][a-z]*[ \t]{1,2}\Z")
_GLUE = frozenset("@./\\_-:=$%#&+~*`")
_PLAIN = re.compile(r"(?<![\w./\\=:@`$-])[^\W\d_]+(?![\w/\\=@`(-])")
_LOWER = r"[^\W\d_A-Z][^\W\d_]{2,}"
_EDGE_BEFORE = r"(?<![\w./\\=:@`$'\"<#-])"
_EDGE_AFTER = r"(?![\w/\\=@`'\"(>-]|\.\w)"
_LOWER_WORD = re.compile(_LOWER)
# A token that is one lower-case word, perhaps opening a bracket or closing a clause: "(vetrana", "holmqvist,".
_LOWER_TOKEN = re.compile(r"\(?([^\W\d_A-Z][^\W\d_]{2,})[,.;:!?)]?")
_LOWER_LIST = re.compile(rf"{_EDGE_BEFORE}{_LOWER}(?:, {_LOWER})+,? (?:and|or) {_LOWER}{_EDGE_AFTER}")


def may_hold_entity(text: str) -> bool:
    """False when `NerPolicy` would take no span of `text`, read line by line by the chunk planner.

    Every span it takes has a word with a capital that is not all capitals ("Priya", "McKenna",
    an initial "J."), or ends in a legal form ("ACME AG"): a line of lower case, digits and
    ERROR/INFO/HTTP words holds none. A rule that takes such names from NER must change this."""
    if text.lower() == text:
        return False
    for token in text.split():
        core = token.strip(_PUNCT)
        if core in _ENDINGS or (core != core.lower() and (not core.isupper() or len(core) == 1)):
            return True
    return False


class NerPolicy:
    """Turns raw NER spans into the spans we redact, or None."""

    def __init__(self, allow_terms: Iterable[str], kept_names: frozenset[str] = frozenset(), lists: NameLists | None = None):
        self._never = frozenset(t.casefold() for t in allow_terms) | TECH_WORDS
        self._kept = kept_names
        # The same names folded like every word the unknown-word and listed-name tests fold ("Tomás" -> "tomas").
        self._kept_folded = frozenset(fold(k) for k in kept_names)
        self._lists = lists or name_lists()

    def with_kept_names(self, kept_names: frozenset[str]) -> "NerPolicy":
        policy = NerPolicy((), kept_names, self._lists)
        policy._never = self._never
        return policy

    def accept(self, entity: str, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of an NER span to redact; a span across lines ("Ana Ruiz\nPlatform") is split."""
        check = self._person if entity == PERSON else self._org if entity == ORG else None
        if check is None:
            return []
        spans = []
        for m in _LINE.finditer(text, start, end):
            span = check(text, m.start(), m.end())
            if span:
                spans.append(span)
        return spans

    def unknown_words(self, entity: str, text: str, start: int, end: int) -> list[tuple[str, int, int]]:
        """(entity, start, end) for the lines of an NER span whose every word no lexicon knows.

        The small model tags a name it has never seen as an organization, a place or a
        nationality as often as a person ("Why is Kundelle so impulsive?": ORG). A word that is
        no ordinary word of English or another language, no tool, product or vocabulary word,
        capitalized but not an acronym or an identifier, names someone or something of the
        customer's: either way it is redacted, as the organization NER said or else a person.
        A lower-case span NER calls a person is taken when it has two such words ("kunora kowski")."""
        spans = []
        for m in _LINE.finditer(text, start, end):
            words = self._words(text, m.start(), m.end())
            while words and self._not_name(words[0][2]):
                words.pop(0)
            while words and self._not_name(words[-1][2]):
                words.pop()
            if not words:
                continue
            possessive = False
            for k, (_, e, _) in enumerate(words):
                if text.startswith(("'s", "’s"), e) and k < len(words) - 1:
                    # "Tanald Mrlík's Cautionary Tales": the model's work, and a person's name before 's.
                    words, possessive = words[: k + 1], True
                    break
            cores = [w[2] for w in words]
            lower = all(c.islower() for c in cores)
            if lower and (entity != PERSON or len(cores) < 2):
                continue
            unknown = [self._unknown(c, lower) or (not lower and entity not in _PLACE_LABELS and self._listed(c)) for c in cores]
            if not unknown[-1]:
                continue
            partial = possessive or not all(unknown)
            if partial:
                # "Maybe it's under Rubor Brozd": the unknown family name, and a given name before
                # it only as `_extend` takes one.
                while not all(unknown):
                    words, unknown = words[1:], unknown[1:]
            s, e = words[0][0], words[-1][1]
            if (e < len(text) and text[e] == "(") or (s and text[s - 1] in _GLUE):
                continue  # `Foo(3)`, `pkg.Foo`, `@foo`: code
            if tool_place(text, s, e):
                continue
            if entity == ORG and not partial:
                spans.append((ORG, s, e))
            else:
                spans.append((PERSON, *self._extend(text, s, e)))
        return spans

    def _listed(self, word: str) -> bool:
        """A listed name the lists do not mark as an English word ("Michener", "Fatimah"), and no tool:
        the model calls many of them organizations. Not for places: towns bear family names too."""
        return (
            word[:1].isupper()
            and not word.isupper()
            and NAME_TOKEN.match(word) is not None
            and fold(word) not in PRODUCT_WORDS
            and self._plain_listed(word)
        )

    def lower_case_names(self, text: str) -> list[tuple[int, int]]:
        """Names written in lower case in prose: two words in a row that no lexicon knows ("ask
        vetrana holmqvist"), or the members of a list of three or more such words ("zelmira,
        ostrid and paveln"). Only on lines of English prose (two words in three English), so
        commands, logs and keys ("from libc cimport calloc", "level=warn") are not read; a word
        glued to a path, key or call is none of these."""
        spans: list[tuple[int, int]] = []
        lex = lexicon()
        named: dict[str, bool] = {}

        def name(word: str) -> bool:
            if word not in named:
                named[word] = self._lower_name(word)
            return named[word]

        fenced = False
        for line in _LINE.finditer(text):
            if line.group().lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            if fenced or line.group().startswith(("    ", "\t", "$ ", "> $")):
                continue  # a code block or a command: no prose
            found: list[tuple[int, int]] = []
            listed = False
            words = []
            for m in _TOKEN.finditer(text, line.start(), line.end()):
                core = _LOWER_TOKEN.fullmatch(m.group())
                if core and core.group(1).islower():
                    words.append((m.start() + core.start(1), m.start() + core.end(1), core.group(1)))
            for (s1, e1, w1), (s2, e2, w2) in zip(words, words[1:]):
                if s2 == e1 + 1 and name(w1) and name(w2) and not tool_place(text, s1, e2):
                    found.append((s1, e2))
            if ", " in line.group():
                for m in _LOWER_LIST.finditer(text, line.start(), line.end()):
                    members = [w for w in _LOWER_WORD.finditer(text, m.start(), m.end()) if w.group() not in ("and", "or")]
                    while members and not name(members[0].group()):
                        members.pop(0)  # "in order, hermann, kornelia and dobrovsky": the list starts later
                    # A list is of one kind: when two in three members are names and no other is an
                    # English word ("neka" is common in Croatian), all are.
                    names = sum(1 for w in members if name(w.group()))
                    if (
                        len(members) >= 3
                        and 3 * names >= 2 * len(members)
                        and not any(lex.is_english(w.group()) and not name(w.group()) for w in members)
                    ):
                        found += [(w.start(), w.end()) for w in members]
                        listed = True
            if found:
                # The line's other words: two in three English (three at least, two beside a list
                # joined by "and"), or it is code, a log line, lorem ipsum.
                taken = {w for s, e in found for w in text[s:e].split()}
                plain = [w for w in _PLAIN.findall(line.group()) if w not in taken]
                english = sum(1 for w in plain if lex.is_english(w))
                if english >= (2 if listed else 3) and 3 * english >= 2 * len(plain):
                    spans += found
        return spans

    def _lower_name(self, word: str) -> bool:
        """No word of any lexicon, or a listed name the lists do not mark as an English word
        ("kornelia", "hermann": WordNet lists proper names too, so its word says nothing here)."""
        return self._unknown(word, True) or (self._plain_listed(word) and not lexicon().is_common_abroad(word))

    def _plain_listed(self, word: str) -> bool:
        """On the name lists, not marked there as an English word, and no tool, stop word or kept agent's name."""
        folded = fold(word)
        return (
            (self._lists.plain_first(word) or self._lists.plain_last(word))
            and folded not in self._never
            and folded not in self._kept_folded
            and folded not in STOP_WORDS
            and folded not in NOT_NAME_WORDS
            and not is_software(word)
        )

    def _unknown(self, word: str, lower: bool) -> bool:
        return is_unknown(word, lower, self._never, self._kept_folded)

    def _words(self, text: str, start: int, end: int) -> list[tuple[int, int, str]]:
        words = []
        for m in _TOKEN.finditer(text, start, end):
            raw = m.group()
            left = len(raw) - len(raw.lstrip(_PUNCT))
            core = raw.strip(_PUNCT)
            if core.endswith(("'s", "’s")):
                core = core[:-2]
            if core:
                s = m.start() + left
                words.append((s, s + len(core), core))
        return words

    def _person(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        words = self._words(text, start, end)
        if any(fold(w[2]) in self._never or fold(w[2]) in PRODUCT_WORDS for w in words):
            return None  # "Rocky Linux", "Oracle Cloud": a product, not a person with the product trimmed off
        while words and self._not_name(words[0][2]):
            words.pop(0)  # "Hi", "Thanks", a stray key or number at the edge
        while words and self._not_name(words[-1][2]):
            words.pop()
        if not words:
            return None
        cores = [w[2] for w in words]
        if not all(NAME_TOKEN.match(c) for c in cores):
            return None  # digits, underscores, paths, keys inside: not a name
        if any(IDENTIFIER.search(c) for c in cores):
            return None  # WebhookListener, getUserName: code, not a name
        if not any(c[0].isupper() for c in cores):
            return None
        if any(c.isupper() and len(c) > 1 for c in cores):
            return None  # ERROR, WARN, SAML; "PII Recognizers": an acronym is no part of a name
        folded = [c.casefold() for c in cores]
        if any(f in self._never for f in folded):
            return None
        if " ".join(folded) in self._kept or all(f in self._kept for f in folded):
            return None
        if len(cores) == 1 and len(cores[0].rstrip(".")) < 2:
            return None
        if self._ordinary(cores):
            return None
        start, end = words[0][0], words[-1][1]
        if len(cores) == 1 and not (self._lists.is_first(cores[0]) or self._lists.is_last(cores[0])):
            if is_software(cores[0]) or tool_place(text, start, end):
                return None  # "on Ceph", "Talos nodes": a tool the model calls a person
        if len(cores) == 1 and ((end < len(text) and text[end] == "(") or (start and text[start - 1] == ".")):
            return None  # `Len(3)`, `annotated_types.Len`: code
        return self._extend(text, start, end)

    def _ordinary(self, cores: list[str]) -> bool:
        """Ordinary words only ("Batch Changes", "Forbidden", "Danke"), unless a given name and a family name."""
        lex, lists = lexicon(), self._lists
        if not all(lex.is_word(c.rstrip(".")) or lex.is_common_abroad(c.rstrip(".")) for c in cores):
            return False
        if len(cores) == 1:
            word = cores[0]
            return (
                not lists.is_first(word)
                or fold(word) in COMMON_WORDS
                or fold(word) in FOREIGN_FORMULAS
                or lex.is_non_noun(word)
            )
        # "Mohammed Al-Farsi": WordNet knows both, but a given name no list marks as a word leads a name.
        return not ((lists.is_first(cores[0]) and lists.is_last(cores[-1])) or lists.plain_first(cores[0]))

    def _extend(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Take in a given name just before ("Beatriz" + NER's "Schmidt") or a family name just after."""
        before = WORD_BEFORE.search(text, max(0, start - 40), start)
        if before and not (before.start(1) and text[before.start(1) - 1] in _GLUE):
            word, span = before.group(1), text[start:end]
            # A listed name before; or an uncommon capitalized word before a family name ("Pradeep Xu")
            # or in mid-sentence ("talked to Caspian Delacroix").
            uncommon = fold(word) not in COMMON_WORDS and fold(word) not in self._lists.first_words
            if self._name_word(word) and (
                self._lists.is_first(word)
                or self._lists.is_last(word)
                or (uncommon and (self._lists.plain_last(span) or _MID_SENTENCE.search(text, max(0, before.start(1) - 30), before.start(1))))
            ):
                start = before.start(1)
        after = WORD_AFTER.match(text, end)
        if after and not (after.end() < len(text) and text[after.end()] in _GLUE):
            word = after.group(1)
            first = text[start:end]
            # After a plain given name any uncommon capitalized word; after anything else only a family name.
            if self._name_word(word) and (
                self._lists.is_last(word) or (self._lists.plain_first(first) and fold(word) not in COMMON_WORDS)
            ):
                end = after.end()
        return start, end

    def _name_word(self, word: str) -> bool:
        if not word[:1].isupper() or (len(word) > 1 and word.isupper()) or IDENTIFIER.search(word):
            return False
        folded = fold(word)
        return not (folded in NOT_NAME_WORDS or folded in self._never or folded in self._kept_folded or folded in STOP_WORDS)

    def _not_name(self, word: str) -> bool:
        folded = word.casefold()
        return (
            folded in NOT_NAME_WORDS or folded in self._never or fold(word) in FOREIGN_FORMULAS or not NAME_TOKEN.match(word)
        )

    def _org(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        words = self._words(text, start, end)
        if len(words) < 2 or words[-1][2] not in _ENDINGS:
            return None
        if not any(w[2][:1].isupper() and w[2].casefold() not in self._never for w in words[:-1]):
            return None
        return words[0][0], words[-1][1]

