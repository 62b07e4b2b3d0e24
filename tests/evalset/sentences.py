"""A second corpus of contexts: presidio-evaluator's sentence templates, filled here, names from another source.

The ~200 templates of presidio-evaluator 0.3.2 ("My card {{credit_card_number}}
has been lost", "{{person}} had given ...") are vendored as data
(`data/presidio_templates.txt`, MIT, see `data/NOTICE.md`). This module fills
them itself: every name from the source given (the held-out one for the final
report; 5% in lower case, as presidio-evaluator does), other values from Faker
of several locales (Faker is what the redaction's name lists come from, so it
supplies no name here), dates from our own seed. `{{building_number}}
{{street_name}}` is one street line.

For each measured kind the sentences come from the templates that hold it, so
rare kinds (IBAN has three templates) are planted often enough.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from random import Random
from typing import Callable, Iterator

from tests.evalset.names import Person
from tests.evalset.snippets import FRAME_MARK, Secret, Snippet, digits_probe, name_probes, word_probe

TEMPLATES = Path(__file__).with_name("data") / "presidio_templates.txt"
# Report line -> the template fields that plant it.
LINES: dict[str, frozenset[str]] = {
    "PERSON": frozenset(
        {"person", "name", "name_female", "name_male", "first_name", "first_name_male", "first_name_female",
         "first_name_nonbinary", "last_name", "last_name_male", "last_name_female"}
    ),
    "IBAN": frozenset({"iban"}),
    "US SSN": frozenset({"ssn"}),
    "card number": frozenset({"credit_card_number"}),
    "e-mail": frozenset({"email"}),
    "phone": frozenset({"phone_number"}),
    "IP address": frozenset({"ip_address"}),
    "street address": frozenset({"address", "street_line"}),
}
_FIELD = re.compile(r"\{\{(\w+)\}\}")
_STREET = re.compile(r"\{\{building_number\}\} \{\{street_name\}\}|\{\{street_name\}\} \{\{building_number\}\}")
_LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL")
_NATIONALITIES = ("German", "Polish", "Brazilian", "Kenyan", "Indian", "Canadian", "Japanese", "Irish")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@lru_cache(maxsize=1)
def templates() -> tuple[str, ...]:
    lines = TEMPLATES.read_text(encoding="utf-8").splitlines()
    return tuple(_STREET.sub("{{street_line}}", line.strip()).replace("\\n", "\n") for line in lines if line.strip())


def _line_of(field: str) -> str | None:
    return next((line for line, fields in LINES.items() if field in fields), None)


class Filler:
    """Values for every template field but names, from Faker (seeded) and our own seed."""

    def __init__(self, seed: int):
        from faker import Faker

        self._rng = Random(seed)
        self._fakers = []
        for n, locale in enumerate(_LOCALES):
            faker = Faker(locale)
            faker.seed_instance(seed * 100 + n)
            self._fakers.append(faker)
        self._us = self._fakers[0]

    def value(self, field: str) -> str:
        rng, faker = self._rng, self._rng.choice(self._fakers)
        makers: dict[str, Callable[[], str]] = {
            "address": faker.address,
            "street_line": faker.street_address,
            "street_name": faker.street_name,
            "building_number": faker.building_number,
            "secondary_address": self._us.secondary_address,
            "city": faker.city,
            "country": faker.country,
            "state_abbr": self._us.state_abbr,
            "postcode": faker.postcode,
            "zipcode": self._us.zipcode,
            "organization": faker.company,
            "job": self._us.job,
            "credit_card_number": self._us.credit_card_number,
            "phone_number": faker.phone_number,
            "email": lambda: faker.free_email() if rng.random() < 0.5 else faker.company_email(),
            "url": faker.url,
            "iban": faker.iban,
            "ssn": self._us.ssn,
            "ip_address": lambda: self._us.ipv4() if rng.random() < 0.8 else self._us.ipv6(),
            "us_driver_license": lambda: rng.choice("ABCDEFGHJKLMNPRSTWY") + str(rng.randint(1_000_000, 9_999_999)),
            "age": lambda: str(rng.randint(18, 90)),
            "year": lambda: str(rng.randint(1950, 2020)),
            "day_of_week": lambda: rng.choice(_WEEKDAYS),
            "date_of_birth": lambda: f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1940, 2005)}",
            "date_time": lambda: f"{rng.randint(2000, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            "prefix": lambda: rng.choice(("Mr.", "Ms.", "Dr.", "Mrs.")),
            "prefix_male": lambda: rng.choice(("Mr.", "Dr.")),
            "prefix_female": lambda: rng.choice(("Ms.", "Mrs.", "Dr.")),
            "nationality": lambda: rng.choice(_NATIONALITIES),
            "nation_woman": lambda: rng.choice(_NATIONALITIES) + " woman",
            "nation_plural": lambda: rng.choice(_NATIONALITIES) + "s",
        }
        if field not in makers:
            raise KeyError(f"no value for template field {field!r}")
        return str(makers[field]())


def _name(field: str, person: Person) -> tuple[str, ...]:
    if field.startswith("first_name"):
        return (person.first,)
    if field.startswith("last_name"):
        return (person.last,)
    return person.parts


def _probes(line: str, value: str) -> tuple[str, ...]:
    if line in ("IBAN", "US SSN", "card number", "phone"):
        return (word_probe(value), digits_probe(value))
    if line == "street address":  # the street line: `Vicolo Verga, 55 Piano 4`, `3 Rue Chevalier`
        street = value.strip().split("\n")[0].strip()
        return (word_probe(street),) if _street(street) else ()
    return (word_probe(value),)


def _street(value: str) -> bool:
    """A street with its name and number (`254 Damvergi Street`), not a city, suite or postcode alone."""
    return sum(c.isalpha() for c in value) >= 4 and any(c.isdigit() for c in value) and not value.lower().startswith(("suite", "apt", "unit"))


def fill(template: str, people: Iterator[Person], values: Filler, rng: Random) -> Snippet:
    """One sentence: every field filled, the measured ones as secrets."""
    text, frame, secrets = [], [], []
    at = 0
    person = next(people)
    lower = rng.random() < 0.05
    used: set[str] = set()
    for match in _FIELD.finditer(template):
        literal = template[at : match.start()]
        text.append(literal)
        frame.append(literal)
        at = match.end()
        field = match.group(1).lower()
        line = _line_of(field)
        if line == "PERSON":
            if field in used:  # the same field again is another person; first and last name are one
                person = next(people)
                used.clear()
            used.add(field)
            words = _name(field, person)
            value = " ".join(words).lower() if lower else " ".join(words)
            secrets.append(Secret(line, value, name_probes(words)))
        else:
            value = values.value(field)
            probes = _probes(line, value) if line else ()
            if probes:
                secrets.append(Secret(line, value, probes))
        text.append(value)
        frame.append(FRAME_MARK if line and (line == "PERSON" or probes) else value)
    text.append(template[at:])
    frame.append(template[at:])
    return Snippet("sentence", "presidio-evaluator templates", "".join(text), "".join(frame), tuple(secrets))


def sentence_snippets(people: Iterator[Person], seed: int, person_count: int, per_kind: int) -> list[Snippet]:
    """Sentences for every measured kind: `person_count` from templates with a name, `per_kind` for each other kind."""
    rng, values = Random(seed), Filler(seed)
    out: list[Snippet] = []
    for line, fields in LINES.items():
        chosen = [t for t in templates() if {f.lower() for f in _FIELD.findall(t)} & fields]
        count = person_count if line == "PERSON" else per_kind
        out += [fill(rng.choice(chosen), people, values, rng) for _ in range(count)]
    return out
