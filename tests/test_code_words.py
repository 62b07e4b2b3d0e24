"""Words a text writes as code (redaction.codewords) are no person, and names in code still are.

The identifiers and names here are made up for these tests ("Quenby", "Hürlimannsgässchen",
"Odvarka Plesch"); nothing is taken from the evaluation in tests/evalset.
"""

from __future__ import annotations

import pytest

from redaction.codewords import identifiers, lower_case_words


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("size: Annotated[int, Rufus(18)]", "rufus"),
        ("x = cask_types.Rufus(3)", "rufus"),
        ("from cask_types import Otto, Rufus as R", "otto"),
        (">>> import Rufus", "rufus"),
        ("    class Bertram:\n        model = Book", "bertram"),
        ("def Bertram(x):", "bertram"),
        ("The docs read `Rufus` as inclusive.", "rufus"),
        ("See ``Rufus()`` and ``cask.Otto``.", "otto"),
        ("Benchmarks ran Quenby 7.7 in a container.", "quenby"),
        ("Upgrade to Quenby v3.12.1 first.", "quenby"),
        ("Quenby.seed(4321)", "quenby"),
    ],
)
def test_a_word_written_as_code_is_an_identifier(text, word):
    assert word in identifiers([text])


@pytest.mark.parametrize(
    "text",
    [
        "We import Odvarka Plesch's records every night.",
        "Hi team.Odvarka here, the pods restart.",  # a missing space is no attribute
        "Call Odvarka (our admin) tomorrow.",
        "Signed: Odvarka 12.03.2024",  # a date is no version
        "Odvarka 10.1.2.3 cannot reach the host",  # nor an IP address
        "[Odvarka Plesch](https://example.org/u/op) reported it.",
        "user `odvarka` cannot log in",
        "write to Quillon.Odvarka(at)example.org or Odvarka[AT]example.org",  # an address spelled out
    ],
)
def test_a_name_in_prose_is_no_identifier(text):
    assert "odvarka" not in identifiers([text])


def test_lower_case_words_are_lower_case_in_any_alphabet():
    words = lower_case_words("Šťasta is out; idna.decode('hürlimannsgässchen') and ŽOFRANA@x.example")
    assert "hürlimannsgässchen".casefold() in words
    assert "šťasta" not in words and "is" in words
    assert not any("žofrana" in w for w in words)


# ---------------------------------------------------------------------------
# Through the real Redactor.
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Benchmarks: Quenby 7.7 in a container. Quenby reports higher accuracy on its own corpus.", "Quenby reports"),
        ("    class Bertram:\n        model = Book", "class Bertram:"),
        (
            'For example, "Hürlimannsgässchen" is not a permissible label, as capital letters are not allowed.'
            '\n\n>>> lib.encode("Hürlimannsgässchen")\n"hürlimannsgässchen"',
            '"Hürlimannsgässchen" is not',
        ),
    ],
)
def test_a_word_the_text_writes_as_code_is_no_person(redactor, text, kept):
    assert kept in redactor.redact_text(text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        '```\nuser "Odvarka Plesch" (id=4211) updated site config\n```\nOdvarka.seed is unrelated',
        "```python\nowner = Owner(name='Odvarka Plesch')\nprint(owner)\n```",
    ],
)
def test_a_name_inside_code_is_still_redacted(redactor, text):
    assert "Plesch" not in redactor.redact_text(text)
