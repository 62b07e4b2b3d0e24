"""Names and organisations from sources the redaction's lists are not built from.

`redaction/data/*.txt` comes from Faker's person providers, so a name drawn from
Faker measures the lists. The sources here are:

- `mimesis` (pinned test extra): real given and family names of the locales in
  `MIMESIS_LOCALES`, and company names; many of these are on the lists too,
  as real names are, so the report also counts the ones with no part on them;
- invented names: each part made by a letter-trigram model trained on mimesis
  names of a group of locales, and kept only when it is on no list at all
  (not in `redaction/data`, not in Faker's or mimesis' data, not an English
  word) — a list cannot pass these, whatever is added to it later, because a
  part that turns up on a list is dropped and another invented in its place;
- the held-out source: names invented the same way from the letter statistics of
  `HELD_OUT_LOCALES`, locales no other source uses, with their own seeds. It is
  for the final report only (`--final`) and is never printed by example;
- English-word names (`Rose Baker`, `Will Hunter`): a short list written here.

One `random.Random(seed)` per source drives every choice; the trained models
depend only on the pinned packages' data.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parents[2]
REDACTION_LISTS = ROOT / "redaction" / "data"

# Tuning: names of these locales, and names invented from their letter statistics.
MIMESIS_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pl", "cs", "da", "sv", "pt-br", "hr")
# Held out: only names invented from these locales' letters; no other source uses them.
HELD_OUT_LOCALES = ("fi", "et", "hu", "tr", "is", "sk")
HELD_OUT_SEED_OFFSET = 90_000

LEGAL_ENDINGS = frozenset(
    "inc inc. llc llp ltd ltd. limited corp corp. corporation co co. company gmbh ag sa s.a. plc bv b.v. nv n.v. "
    "pty se kg oy oyj ab as a/s spa s.p.a. srl s.r.l. sarl holding holdings group".split()
)
_LATIN_WORD = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ž]+$")
_ORG_WORD = re.compile(r"^[A-Za-z][A-Za-z\-]*$")


def fold(word: str) -> str:
    """Case- and accent-insensitive form: `José` and `jose` are one word."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    source: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def parts(self) -> tuple[str, str]:
        return (self.first, self.last)


# ---------------------------------------------------------------------------
# What is on a list somewhere.
# ---------------------------------------------------------------------------


def _words(entries: Iterable[str]) -> set[str]:
    out = set()
    for entry in entries:
        for word in re.split(r"[\s\-']+", entry):
            if word:
                out.add(fold(word))
    return out


@lru_cache(maxsize=1)
def redaction_list_words() -> frozenset[str]:
    """Every word on the redaction's own lists (all of `redaction/data/*.txt`), folded."""
    entries = []
    for path in sorted(REDACTION_LISTS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].removesuffix(" *").strip()
            if line:
                entries.append(line)
    return frozenset(_words(entries))


def _faker_names(wanted: Callable[[str], bool]) -> list[str]:
    """The entries of every Faker person provider's attributes whose name `wanted` accepts, all locales."""
    import faker.providers.person as person

    entries: list[str] = []
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in dir(provider):
            value = getattr(provider, attr)
            if wanted(attr) and isinstance(value, (tuple, list, dict)):
                entries += [x for x in value if isinstance(x, str)]
    return entries


@lru_cache(maxsize=1)
def faker_words() -> frozenset[str]:
    """Every name in Faker's person providers, all locales (the lists' own source), folded."""
    return frozenset(_words(_faker_names(lambda attr: "name" in attr and not attr.startswith("_"))))


def _mimesis_dir() -> Path:
    import mimesis

    return Path(mimesis.__file__).parent / "datasets"


def _mimesis_person(locale: str) -> tuple[list[str], list[str]]:
    data = json.loads((_mimesis_dir() / locale / "person.json").read_text(encoding="utf-8"))

    def flat(value) -> list[str]:
        if isinstance(value, dict):
            return [x for key in sorted(value) for x in value[key]]
        return list(value or [])

    return flat(data.get("names")), flat(data.get("surnames") or data.get("last_names"))


@lru_cache(maxsize=1)
def mimesis_words() -> frozenset[str]:
    """Every given and family name of every mimesis locale, folded."""
    entries: list[str] = []
    for path in sorted(_mimesis_dir().glob("*/person.json")):
        first, last = _mimesis_person(path.parent.name)
        entries += first + last
    return frozenset(_words(entries))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Every given name of Faker's person providers and of mimesis, all locales, folded."""
    entries = _faker_names(lambda attr: attr.startswith("first_names"))
    for path in sorted(_mimesis_dir().glob("*/person.json")):
        entries += _mimesis_person(path.parent.name)[0]
    return frozenset(_words(entries))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Common English words (Faker's and mimesis' English word lists, spaCy's stop words), folded."""
    import faker.providers.lorem.en_US as lorem
    from spacy.lang.en.stop_words import STOP_WORDS

    text = json.loads((_mimesis_dir() / "en" / "text.json").read_text(encoding="utf-8"))
    words = set(lorem.Provider.word_list) | set(STOP_WORDS) | set(text["words"])
    return frozenset(fold(w) for w in words)


def on_a_list(word: str) -> bool:
    """On the redaction's lists, in Faker's or mimesis' data, or an English word."""
    folded = fold(word)
    return (
        folded in redaction_list_words()
        or folded in faker_words()
        or folded in mimesis_words()
        or folded in english_words()
    )


# ---------------------------------------------------------------------------
# Real names of other locales (mimesis).
# ---------------------------------------------------------------------------


def _latin(names: Iterable[str]) -> list[str]:
    return sorted({n for n in names if _LATIN_WORD.match(n) and n[0].isupper() and 3 <= len(n) <= 14})


@lru_cache(maxsize=None)
def _locale_names(locale: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    first, last = _mimesis_person(locale)
    return tuple(_latin(first)), tuple(_latin(last))


def mimesis_people(seed: int) -> Iterator[Person]:
    """Endless full names: a locale, then a given and a family name of that locale."""
    rng = Random(seed)
    while True:
        locale = rng.choice(MIMESIS_LOCALES)
        first, last = _locale_names(locale)
        yield Person(rng.choice(first), rng.choice(last), "mimesis")


def mimesis_companies(seed: int) -> Iterator[str]:
    """Endless company names of the mimesis locales, without a legal ending, one to three words."""
    rng = Random(seed)
    names: list[str] = []
    for locale in MIMESIS_LOCALES:
        path = _mimesis_dir() / locale / "finance.json"
        if path.exists():
            names += json.loads(path.read_text(encoding="utf-8")).get("company", {}).get("name", [])
    usable = sorted(
        {
            n
            for n in names
            if 1 <= len(n.split()) <= 3
            and all(_ORG_WORD.match(w) for w in n.split())
            and not any(w.lower().strip(".,") in LEGAL_ENDINGS for w in n.split())
            and len(n) >= 4
            and not n.isupper()  # acronyms (AMETEK, PUMA) are a case of their own
            and fold(n.split()[0]) not in english_words()
        }
    )
    while True:
        yield rng.choice(usable)


# ---------------------------------------------------------------------------
# Invented names: a letter-trigram model over a group of locales' names.
# ---------------------------------------------------------------------------


_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿąęėįųůőűœı")
_CONSONANT_RUN = re.compile(r"[^aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿąęėįųůőűœı]{4}")


def _pronounceable(word: str) -> bool:
    lower = word.lower()
    return (
        any(c in _VOWELS for c in lower)
        and not _CONSONANT_RUN.search(lower)
        and lower[-1] in _VOWELS | set("nrlsmtdkch")
        and not re.search(r"(.)\1\1", lower)
    )


class NameModel:
    """Letter trigrams of one locale's names; samples words that look like names of that locale."""

    def __init__(self, words: Iterable[str]):
        self._next: dict[str, list[str]] = {}
        self._known = set()
        for word in sorted(set(words)):
            lower = word.lower()
            self._known.add(fold(lower))
            padded = "^^" + lower + "$"
            for i in range(len(padded) - 2):
                self._next.setdefault(padded[i : i + 2], []).append(padded[i + 2])

    def sample(self, rng: Random, min_len: int = 4, max_len: int = 10) -> str:
        while True:
            out, state = "", "^^"
            while len(out) <= max_len:
                letter = rng.choice(self._next[state])
                if letter == "$":
                    break
                out += letter
                state = state[1] + letter
            if (
                min_len <= len(out) <= max_len
                and _pronounceable(out)
                and fold(out) not in self._known
                and not on_a_list(out)
            ):
                return out[0].upper() + out[1:]


@lru_cache(maxsize=None)
def name_models(locale: str) -> tuple[NameModel, NameModel]:
    first, last = _locale_names(locale)
    return NameModel(first), NameModel(last)


def invented_people(seed: int, locales: tuple[str, ...] = MIMESIS_LOCALES, source: str = "invented") -> Iterator[Person]:
    """Endless names whose every part is on no list at all: a locale, then both parts from its model."""
    rng = Random(seed)
    while True:
        first, last = name_models(rng.choice(locales))
        yield Person(first.sample(rng), last.sample(rng, min_len=4, max_len=11), source)


def held_out_people(seed: int) -> Iterator[Person]:
    return invented_people(seed + HELD_OUT_SEED_OFFSET, HELD_OUT_LOCALES, "held-out")


_ORG_TAILS = ("Labs", "Systems", "Analytics", "Logistics", "Health", "Media", "Robotics", "Energy", "Mobility", "Foods")


def invented_companies(seed: int) -> Iterator[str]:
    """Endless brand-like names on no list: an invented word, sometimes with a generic second word."""
    rng = Random(seed)
    while True:
        _, last = name_models(rng.choice(MIMESIS_LOCALES))
        word = last.sample(rng, min_len=5, max_len=9)
        yield word if rng.random() < 0.6 else f"{word} {rng.choice(_ORG_TAILS)}"


# ---------------------------------------------------------------------------
# Names that are English words: every part is an ordinary word too.
# ---------------------------------------------------------------------------

_WORD_FIRST = (
    "Rose", "Grace", "Will", "Mark", "Hope", "Faith", "Joy", "Iris", "Ivy", "Jack", "Bill", "Pat", "Dawn",
    "Amber", "Crystal", "Summer", "Autumn", "Holly", "Heather", "Ruby", "Pearl", "Violet", "Hunter", "Mason",
    "Chase", "Frank", "Sterling", "Rich", "Art", "Gene", "Max", "Sky", "River", "Glen", "Dale", "Ray",
    "Sandy", "Victor", "Page", "Penny", "Daisy", "Lily", "Jade", "Hazel", "Forrest", "Wade", "Cliff", "Rod",
)
_WORD_LAST = (
    "Baker", "Cook", "Hunter", "Mason", "Wood", "Hill", "Brown", "White", "Young", "King", "Fox", "Bird",
    "Lamb", "Rice", "Bush", "Stone", "Field", "Banks", "Waters", "Price", "Street", "Lane", "Marsh", "Moss",
    "Reed", "Snow", "Frost", "Winter", "Day", "Knight", "Bishop", "Cross", "Gold", "Silver", "Long", "Sharp",
    "Little", "Strong", "Swift", "Hardy", "Sweet", "Black", "Green", "Gray", "Rivers", "Walker", "Carter",
    "Turner", "Fisher", "Butler", "Porter", "Wolf", "Bell", "Ward", "Ball", "Chambers", "Booth", "Page",
)


def english_word_people(seed: int) -> Iterator[Person]:
    rng = Random(seed)
    while True:
        first, last = rng.choice(_WORD_FIRST), rng.choice(_WORD_LAST)
        if first != last:
            yield Person(first, last, "english-word")
