"""Names the small model does not call persons: a word no lexicon, tool list or software name knows.

The model tags a name it has never seen as an organization, a place or a nationality as often as a
person, and sees nothing in a name written in lower case. The names here are made up for these
tests ("Vetrana Holmqvist", "Zelmira"); nothing is taken from the evaluation in tests/evalset.
"""

from __future__ import annotations

import pytest

from redaction.ner import NerPolicy


@pytest.fixture(scope="module")
def policy():
    return NerPolicy(())


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Why does Vetrana keep restarting the pods at night?", ["Vetrana"]),
        ("The real owner of Drovasko has been unclear for months.", ["Drovasko"]),
        ("Honestly, Ostrivel and Quandemar were right about the cache.", ["Ostrivel", "Quandemar"]),
        ("Yesterday I asked vetrana holmqvist about the restart and she said it was fine.", ["vetrana", "holmqvist"]),
        ("The founders were zelmira, ostrid and paveln, and they all agreed on the plan.", ["zelmira", "ostrid", "paveln"]),
        ("Maybe the account is under Mohammed Al-Farsi", ["Mohammed", "Al-Farsi"]),  # words WordNet knows
        # A dialogue pasted without times: two lines in a row open with a speaker and a sentence.
        ("Ostrivel: What a night on call.\nquandemar: You saved the cluster, thanks!\n", ["Ostrivel", "quandemar"]),
        # Listed names: alone in mid-sentence, in lower case in a list, tagged as an organization.
        ("Why is Marek so quiet about the migration?", ["Marek"]),
        ("I think Quandemar deleted the index by accident.", ["Quandemar"]),
        ("I asked Kornelia, she knows the cluster better than anyone.", ["Kornelia"]),
        ("The on-call people were hermann, kornelia and dobrovsky during the outage.", ["hermann", "kornelia", "dobrovsky"]),
        ("Our three founders were, in order, hermann, kornelia and dobrovsky.", ["hermann", "kornelia", "dobrovsky"]),
        ("They had 4: ostrivel, quandemar, neka and zelmira.", ["ostrivel", "quandemar", "neka", "zelmira"]),
    ],
)
def test_a_name_no_lexicon_knows_is_redacted(redactor, text, names):
    out = redactor.redact_text(text)
    for name in names:
        assert name not in out, out


@pytest.mark.parametrize(
    "text",
    [
        # Software names (Debian's package names), tools where tools stand, words made from words.
        "We build the extension with Cython and validate the settings with Pydantic.",
        "Our cluster runs Kyverno policies that block the gitserver pods.",
        "The customer uses Codefresh for CI and the Hasura integration for the API.",
        "Users should prefer the statically inspectable predefined recognizers.",
        "A Pythonic API over the Charset-Normalizer detector.",
        # Lower case: commands and keys are no prose, and one unknown word alone is no name.
        "level=warn msg=\"retrying\" component=vetranad holmqvistd",
        "Please restart the frobnicator after the upgrade and check the logs.",
        "from libc.stdlib cimport calloc, free",
        "Error: Could not connect to the database\nWarning: Retrying in 5 seconds\n",
        "Database: Postgres 12 on RDS\nCache: Redis 6 on ElastiCache\n",
        "The package is a gzipped tarball and the username is the one you log in with.",
        "Configure Travis CI to build with the cache.",
        "Set it like this:\n\n```\nnpm org set orgname username developer\n```\n",
        "We upgraded the Debian and Alpine images, then the Ruby and Julia runtimes.",
    ],
)
def test_tools_and_ordinary_words_are_kept(redactor, text):
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(
    ("word", "unknown"),
    [
        ("Drovasko", True),
        ("holmqvist", True),
        ("Pythonic", False),  # Python + ic
        ("inspectable", False),  # inspect + able
        ("recognizers", False),  # recognize + rs
        ("gzipped", False),  # gzip + ped
        ("username", False),  # user + name
        ("Cython", False),  # a Debian package name
        ("Linux-Intel", False),  # a compound with a known part
        ("Kyverno", True),  # unknown; where it stands decides (below)
        ("Dr", False),
    ],
)
def test_which_words_no_lexicon_knows(policy, word, unknown):
    assert policy._unknown(word, word.islower()) is unknown


def test_a_tool_place_keeps_an_unknown_word(policy):
    text = "Our cluster runs Kyverno policies."
    start = text.index("Kyverno")
    assert policy.unknown_words("GPE", text, start, start + len("Kyverno")) == []
    text = "Why is Kyverno so slow to answer?"
    start = text.index("Kyverno")
    assert policy.unknown_words("GPE", text, start, start + len("Kyverno")) == [("PERSON", start, start + 7)]
    assert policy.unknown_words("ORG", text, start, start + len("Kyverno")) == [("ORG", start, start + 7)]


def test_a_name_ends_at_its_possessive(policy):
    text = "We loved the verses from Drovasko Ostrivel's Winter Stories as kids."
    start, end = text.index("Drovasko"), text.index(" as kids")
    assert policy.unknown_words("ORG", text, start, end) == [("PERSON", start, text.index("'s"))]
