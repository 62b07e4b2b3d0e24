"""A second corpus of contexts: presidio-evaluator's sentence generator, its names swapped for another source.

presidio-evaluator (MIT, pinned as a test extra) fills ~200 templates
("My card {{credit_card_number}} has been lost", "{{person}} had given ...")
from Faker and from FakeNameGenerator records. Faker is what the redaction's
name lists come from, so every PERSON value is swapped for a name of the
source given (the held-out one for the final report), keeping its shape: a
given name for a given name, a family name for a family name, lower case
where the generator wrote lower case. Everything else stays as generated.

For each measured kind the sentences come from the templates that hold it, so
rare kinds (IBAN has three templates) are planted often enough. Its
HospitalProvider is left out: it queries Wikidata when it is created.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import warnings
from functools import lru_cache
from random import Random
from typing import Iterator

from tests.evalset.names import Person
from tests.evalset.snippets import FRAME_MARK, Secret, Snippet, digits_probe, name_probes, word_probe

# presidio-evaluator's entity type -> report line; the PERSON subtypes are ours (see _mapping).
LINES = {
    "PERSON": "PERSON",
    "IBAN_CODE": "IBAN",
    "US_SSN": "US SSN",
    "CREDIT_CARD": "card number",
    "EMAIL_ADDRESS": "e-mail",
    "PHONE_NUMBER": "phone",
    "IP_ADDRESS": "IP address",
    "STREET_ADDRESS": "street address",
}
_FIRST = "PERSON:first"
_LAST = "PERSON:last"


def _mapping() -> dict[str, str]:
    from presidio_evaluator.data_generator import PresidioSentenceFaker

    mapping = dict(PresidioSentenceFaker.ENTITY_TYPE_MAPPING)
    for key, value in list(mapping.items()):
        if value == "PERSON" and key.startswith("first_name"):
            mapping[key] = _FIRST
        elif value == "PERSON" and key.startswith("last_name"):
            mapping[key] = _LAST
    return mapping


def _templates() -> list[str]:
    from presidio_evaluator.data_generator import presidio_templates_file_path

    return [line.strip() for line in presidio_templates_file_path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _kinds_of(template: str, mapping: dict[str, str]) -> set[str]:
    fields = re.findall(r"\{\{(.*?)\}\}", template.replace("<", "{{").replace(">", "}}"))
    return {mapping.get(f.lower(), f.upper()).split(":")[0] for f in fields}


@lru_cache(maxsize=1)
def _records() -> tuple[dict, ...]:
    from presidio_evaluator.data_generator.faker_extensions.datasets import load_fake_person_df

    random.seed(0)  # it picks middle initials with the global random
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside presidio-evaluator
        return tuple(load_fake_person_df().to_dict(orient="records"))


def generate(entity: str, count: int, seed: int) -> list:
    """`count` InputSamples from the templates that plant `entity`, quietly (the generator prints)."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from presidio_evaluator.data_generator import PresidioSentenceFaker, presidio_additional_entity_providers

        records = [dict(r) for r in _records()]
        mapping = _mapping()
        templates = [t for t in _templates() if entity in _kinds_of(t, mapping)]
        providers = [p for p in presidio_additional_entity_providers if p.__name__ != "HospitalProvider"]
        faker = PresidioSentenceFaker(
            "en_US",
            lower_case_ratio=0.05,
            sentence_templates=templates,
            entity_providers=providers,
            base_records=records,
            entity_type_mapping=mapping,
            random_seed=seed,
        )
        return faker.generate_new_fake_sentences(count)


def _probes(line: str, value: str) -> tuple[str, ...]:
    if line in ("IBAN", "US SSN", "card number", "phone"):
        return (word_probe(value), digits_probe(value))
    if line == "street address":
        return tuple(word_probe(part.strip()) for part in re.split(r"[\n,]", value) if _street(part.strip()))
    return (word_probe(value),)


def to_snippet(sample, people: Iterator[Person], rng: Random) -> Snippet:
    """The sample's text with its names swapped and its literal `\\n` as line breaks; its values as secrets."""
    text, frame, secrets = [], [], []
    at = 0
    swapped: dict[str, Person] = {}
    original = sample.full_text
    for span in sorted(sample.spans, key=lambda s: s.start_position):
        literal = original[at : span.start_position].replace("\\n", "\n")
        text.append(literal)
        frame.append(literal)
        value, kind = span.entity_value, span.entity_type
        measured = kind.split(":")[0]
        if measured == "PERSON":
            key = value.casefold()
            if key not in swapped:
                swapped[key] = next(people)
            person = swapped[key]
            words = (person.last,) if kind == _LAST else (person.first,) if kind == _FIRST or len(value.split()) == 1 else person.parts
            value = " ".join(words).lower() if value.islower() else " ".join(words)
            secrets.append(Secret("PERSON", value, name_probes(words)))
        elif measured == "DATE_TIME":
            value = _steady_date(value, rng)
            text.append(value)
            frame.append(value)
            at = span.end_position
            continue
        elif measured in LINES and _probes(LINES[measured], value):
            secrets.append(Secret(LINES[measured], value, _probes(LINES[measured], value)))
        else:
            text.append(value)
            frame.append(value)
            at = span.end_position
            continue
        text.append(value)
        frame.append(FRAME_MARK)
        at = span.end_position
    tail = original[at:].replace("\\n", "\n")
    text.append(tail)
    frame.append(tail)
    return Snippet("sentence", "presidio-evaluator", "".join(text), "".join(frame), tuple(secrets))


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _steady_date(value: str, rng: Random) -> str:
    """A date of the same shape from our seed: Faker's dates move with today's date."""
    if value.isdigit():
        return str(rng.randint(1950, 2020))
    if value in _WEEKDAYS:
        return rng.choice(_WEEKDAYS)
    y, m, d = rng.randint(1950, 2020), rng.randint(1, 12), rng.randint(1, 28)
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
        return f"{m:02d}/{d:02d}/{y}"
    return f"{y}-{m:02d}-{d:02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"


def _street(value: str) -> bool:
    """A street with its name and number (`254 Damvergi Street`), not a city, suite or postcode alone."""
    return (
        sum(c.isalpha() for c in value) >= 4
        and any(c.isdigit() for c in value)
        and not value.lower().startswith(("suite", "apt", "unit", "box"))
    )


def sentence_snippets(people: Iterator[Person], seed: int, person_count: int, per_kind: int) -> list[Snippet]:
    """Sentences for every measured kind: `person_count` with a PERSON, `per_kind` for each other kind."""
    rng = Random(seed)
    out: list[Snippet] = []
    for n, entity in enumerate(sorted(LINES)):
        count = person_count if entity == "PERSON" else per_kind
        out += [to_snippet(sample, people, rng) for sample in generate(entity, count, seed + n)]
    return out
