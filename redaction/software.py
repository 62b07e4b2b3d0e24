"""Words of software names ("cython", "pydantic", "grafana"): tools, not the people or organizations
the NER policy takes words no lexicon knows for. Data: `data/software_words.txt` (its header says
where the words come from)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from redaction.english import fold

SOFTWARE_FILE = "software_words.txt"


@lru_cache(maxsize=1)
def software_words() -> frozenset[str]:
    lines = (Path(__file__).with_name("data") / SOFTWARE_FILE).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_software(word: str) -> bool:
    return fold(word) in software_words()
