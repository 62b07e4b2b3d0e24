"""Random values for the generated account, drawn from one `random.Random`.

Patterns come from the data files: `{a..b}` is a random integer from a to b,
`{name}` a random entry of the list `name`, `#` a random digit, drawn left to
right; then `$placeholders` are filled in. The order of draws is what keeps a
seed's dataset byte for byte the same, so code here never draws lazily or
conditionally where the data does not say so.
"""

from __future__ import annotations

import functools
import random
import re
from datetime import datetime, timezone
from string import Template
from typing import Any, Mapping, Sequence

from exporter.fake.catalog import Catalog, Threshold

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_DRAW = re.compile(r"#|(?<!\$)\{(?:(\d+)\.\.(\d+)|([a-z_]+))\}")

Pools = Mapping[str, Sequence[Any]]


@functools.cache
def _compile(pattern: str) -> tuple[tuple[str, ...], tuple[tuple[int, int] | str, ...]]:
    """The pattern's literal texts and, between them, its draws: an integer range or a list's name."""
    literals, draws = [], []
    pos = 0
    for match in _DRAW.finditer(pattern):
        lo, hi, pool = match.groups()
        literals.append(pattern[pos : match.start()])
        draws.append((0, 9) if match.group(0) == "#" else (int(lo), int(hi)) if lo is not None else pool)
        pos = match.end()
    literals.append(pattern[pos:])
    return tuple(literals), tuple(draws)


def draw(rng: random.Random, pattern: str, pools: Pools | None = None, context: Mapping[str, str] | None = None) -> str:
    """The pattern with its draws made, then its $placeholders filled from `context`."""
    literals, draws = _compile(pattern)
    out = [literals[0]]
    for spec, literal in zip(draws, literals[1:]):
        out.append(str(rng.randint(*spec)) if isinstance(spec, tuple) else str(rng.choice((pools or {})[spec])))
        out.append(literal)
    text = "".join(out)
    return Template(text).substitute(context) if context is not None else text


def draw_one(
    rng: random.Random, patterns: Sequence[str], pools: Pools | None = None, context: Mapping[str, str] | None = None
) -> str:
    """One of the patterns. Every alternative is drawn before one is chosen: that is the order of
    draws the datasets were first generated with, so it stays."""
    return rng.choice([draw(rng, p, pools, context) for p in patterns])


def log_ts(ts: int, millis: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


class Values:
    """The random values the generator plants: names of things, numbers, secrets."""

    def __init__(self, rng: random.Random, catalog: Catalog) -> None:
        self.rng = rng
        self.catalog = catalog

    def hex(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def alnum(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def phone(self) -> str:
        people = self.catalog.people
        area = self.rng.choice(people.area_codes)
        return draw_one(self.rng, people.phone_formats, context={"area": area})

    def private_ip(self) -> str:
        return draw_one(self.rng, self.catalog.infrastructure.private_ips)

    def public_ip(self) -> str:
        infra = self.catalog.infrastructure
        return draw(self.rng, infra.public_ip, {"public_first_octets": infra.public_first_octets})

    def password(self) -> str:
        rng = self.rng
        stem = rng.choice(self.catalog.infrastructure.password_stems)
        return stem + self.alnum(6) + rng.choice("!_-") + str(rng.randint(10, 99))


def first_below(roll: float, thresholds: Sequence[Threshold]) -> Threshold | None:
    """The first of the thresholds that `roll` (a random number in [0, 1)) is below."""
    return next((t for t in thresholds if roll < t.below), None)
