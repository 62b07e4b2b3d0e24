"""Names in ordinary English sentences, found by their grammar: what only people have or do, who said a
quotation, whom "his" or "her" refers back to, whom an address block is for, and the other members of a
list one name stands in.

The names are made up for these tests and are on no list: "Brunvel", "Ostrik", "Zemarra", "Ilvaine
Corbusk", "Pradlic", "Yvarne", "Tolvic", "Maresk". Nothing is taken from the evaluation in tests/evalset.
"""

from __future__ import annotations

import pytest

from redaction.contexts import PERSON, ContextFinder
from redaction.coordination import ListFinder


@pytest.fixture(scope="module")
def places() -> ContextFinder:
    return ContextFinder()


def persons(finder: ContextFinder, text: str) -> set[str]:
    return {text[start:end] for entity, start, end, _ in finder.find(text) if entity == PERSON}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A possessive before what only people have.
        ("Could you send me Brunvel's new address?", "Brunvel"),
        ("We met at Ilvaine Corbusk's wedding last June.", "Ilvaine Corbusk"),
        ("The band played Ostrik's first album twice.", "Ostrik"),
        # Who said a quotation, before or after the verb, in lower case too.
        ('"The backup finished at noon," explains zemarra.', "zemarra"),
        ('"It works again!" pradlic said.', "pradlic"),
        ("Thanks for nothing! shouted Yvarne to Tolvic", "Tolvic"),
        # Spoken to in mid-line, before the next sentence.
        ("Do you know me, Maresk? We met in Oslo.", "Maresk"),
        # Kin: any capitalized word after "my daughter" is her name, an English word too.
        ("My daughter Juniper starts school in May.", "Juniper"),
        ("Please add our nephew Bramble to the policy.", "Bramble"),
        # Whom "he" or "she" refers back to: the sentence's subject.
        ("Brunvel renewed the lease. Her rent is due on the first of each month.", "Brunvel"),
        ("Ostrik forgot his badge at the front desk.", "Ostrik"),
        # The answer to a question for a name, and a credit line.
        ("What is your first name?\nPradlic", "Pradlic"),
        ("What's your last name? Hazelnut", "Hazelnut"),
        ("Reviewed by:   Ilvaine Corbusk", "Ilvaine Corbusk"),
        # "My name is" and a quotation's speaker take an English word too.
        ("My name is Bramble and I manage the account.", "Bramble"),
        ('"The restore worked," says Thistle.', "Thistle"),
        # A lower-case possessive that no article owns; a lower-case subject "he" refers back to.
        ("Here is ostrik's new address:", "ostrik"),
        ("maresk restarted the runner from his laptop.", "maresk"),
        # Who a role is, before a list: "our founders: …".
        ("It was started by our two founders: Tolvic, Yvarne and Drovan.", "Tolvic"),
        # Given a role in an account, in lower case too.
        ("Please add ilvaine corbusk as a billing admin.", "ilvaine corbusk"),
        ("Can you make Pradlic the owner of the org?", "Pradlic"),
        # Where someone works or comes from.
        ("Zemarra works for a reseller in Lyon.", "Zemarra"),
        ("Maresk is from Kestrel Data GmbH.", "Maresk"),
        # A name over a job title, a blank line between.
        ("Yvarne Tolvic\n\nSite Reliability Engineer\n\nExperience:", "Yvarne Tolvic"),
        # The line above an address's street line says whom it is for.
        ("Please send the key to:\nIlvaine Corbusk\nHauptstraße 12\n10115 Berlin", "Ilvaine Corbusk"),
        ("> yvarne tolvic\n> Kestrel Data GmbH\n> ul. Długa 5/7\n> 00-001 Warszawa", "yvarne tolvic"),
        ("M. Pradlic\n\n14 Fenwick Road\nLeeds LS6 2AB", "M. Pradlic"),
    ],
)
def test_a_name_is_found_by_the_sentence_around_it(places, text, name):
    assert name in persons(places, text)


@pytest.mark.parametrize(
    "text",
    [
        # Things own things: a product's possessive, a lower-case owner, a tool after "he".
        "Gitolite's scheduler retries every minute.",
        "Frobnik's life cycle hooks run twice; check Frobnik's signature first.",
        "The kubelet's address is on the node.",
        "Please add the bot as an admin.",
        "Gitolite works with SSH keys.",
        "This is from the docs.",
        "He restarted Gitolite and his laptop.",
        "Gitolite stopped syncing at noon. He restarted it twice, and his logs show nothing.",
        # No "he" or "she": an "it" refers to a thing.
        "Frobnicator restarts the pods. It keeps its cache.",
        # A quotation's speaker that is a pronoun or an English word.
        '"The index is stale," he said.',
        '"Use the flag," says the manual.',
        # A credit that is no name.
        "Caused by: Connection refused",
        "What is the host name?\nWe use the default.",
        # Lines above an address that are no name: ordinary words, a company, a sentence between.
        "Ship it to our office:\nDeployment Notes\n12 Main Street\nSpringfield, IL 62704",
        "Kestrel Data GmbH\nHauptstraße 12\n10115 Berlin",
        "Ostrik Zemarra\n\nThe office moved last year.\n\nHauptstraße 12\n10115 Berlin",
        "The kubelet's address is on the node.",
        "Please add the bot as an admin.",
        "Gitolite works with SSH keys.",
        "This is from the docs.",
        "the kubelet restarts and he is paged.",
    ],
)
def test_no_name_where_the_sentence_names_none(places, text):
    assert persons(places, text) == set()


# ---------------------------------------------------------------------------
# Lists: the other members of a list a name found stands in.
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def members() -> ListFinder:
    return ListFinder()


def listed(finder: ListFinder, text: str, name: str) -> set[str]:
    at = text.index(name)
    return {text[start:end] for start, end in finder.find(text, [(at, at + len(name))])}


@pytest.mark.parametrize(
    ("text", "name", "others"),
    [
        ("On the rota: Ostrik, Maresk, Tolvic and Yvarne.", "Ostrik", {"Maresk", "Tolvic", "Yvarne"}),
        ("Zemarra and Ilvaine Corbusk fixed it.", "Zemarra", {"Ilvaine Corbusk"}),
        ("Ask Pradlic & Drovan.", "Drovan", {"Pradlic"}),
        ("Brunvel, Helga, and Skelde were there.", "Skelde", {"Brunvel", "Helga"}),
    ],
)
def test_the_other_members_of_a_list_with_a_name_are_names(members, text, name, others):
    assert listed(members, text, name) == others


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Thanks to Ostrik, Support and Billing.", "Ostrik"),  # English words
        ("Tolvic, Kubernetes and Grafana.", "Tolvic"),  # tools
        ("Maresk, cfg.Pradlic and Yvarne.", "Yvarne"),  # inside an identifier; lower case breaks the list
        ("Maresk fixed it. Tolvic was off.", "Maresk"),  # no list
    ],
)
def test_list_members_that_cannot_be_names_are_kept(members, text, name):
    assert listed(members, text, name) == set()


def test_a_list_without_a_name_found_gives_nothing(members):
    assert list(members.find("Ostrik, Maresk and Tolvic.", [])) == []


@pytest.mark.slow
def test_a_list_with_a_name_the_model_knows_is_redacted_whole(redactor):
    out = redactor.redact_text("The night shift was Peter Brandt, Zemarra and Yvarne.")
    assert not any(name in out for name in ("Peter", "Brandt", "Zemarra", "Yvarne"))

