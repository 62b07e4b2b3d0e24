"""Words the lexicon knows beyond WordNet's entries are no person where the model alone says so:
common words of other languages (redaction/data/foreign_words.txt) and hyphenated English compounds.

The words and names here are chosen for these tests ("Versagen", "Comparaison", "Odvarka
Plesch", "Tiberne-Vasko"); nothing is taken from the evaluation in tests/evalset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from redaction.english import ABROAD_FILE, fold, lexicon
from redaction.names import name_lists
from redaction.ner import PERSON, NerPolicy

DATA = Path(__file__).resolve().parents[1] / "redaction" / "data" / ABROAD_FILE


def test_common_words_of_other_languages_are_known_and_listed_names_are_not():
    words = lexicon()
    assert all(words.is_common_abroad(w) for w in ("Versagen", "comparaison", "Quantidade", "Hoogte"))
    assert not any(words.is_common_abroad(w) for w in ("Hans", "Anna", "Tiberne", "Plesch"))


def test_the_word_file_is_folded_sorted_and_holds_no_listed_name():
    lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == sorted(set(lines)) and all(line == fold(line) and line.isalpha() for line in lines)
    lists = name_lists()
    assert not any(line in lists.first or line in lists.last for line in lines)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Versagen, the sync is stuck again.",
        "Comparaison, the sync is stuck again.",
        "Quantidade, the sync is stuck again.",
    ],
)
def test_a_foreign_word_before_a_comma_is_kept(redactor, text):
    assert redactor.redact_text(text) == text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hans, the sync is stuck again.", "Hans"),
        ("Leider hat Odvarka Plesch den Versagen gemeldet.", "Plesch"),
    ],
)
def test_a_name_in_the_same_place_is_still_redacted(redactor, text, name):
    assert name not in redactor.redact_text(text)


def test_a_hyphenated_english_compound_is_a_word_and_a_hyphenated_name_is_not():
    words = lexicon()
    assert all(words.is_english(w) for w in ("Pre-release", "Non-blocking", "Auto-indexing", "read-only"))
    assert not any(words.is_english(w) for w in ("Tiberne-Vasko", "Odvarka-Plesch", "Jean-Baptiste", "-release"))


@pytest.mark.parametrize(("text", "taken"), [("Pre-release, see the notes.", False), ("Rose-Marie, see the notes.", True)])
def test_the_model_alone_takes_no_compound_for_a_person(text, taken):
    end = text.index(",")
    assert bool(NerPolicy(()).accept(PERSON, text, 0, end)) is taken
