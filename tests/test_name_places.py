"""Names found by where they stand (redaction.contexts, redaction.identifiers), the lexicon they lean on,
and, through the real Redactor, recurrence and the facts that must survive.

The names here are made up for these tests and are on no list: "Odvarka Plesch", "Tiberne",
"Quillon Vasko", "Zarvelt". Nothing is taken from the evaluation in tests/evalset.
"""

from __future__ import annotations

import pytest

from redaction.contexts import ORG, PERSON, ContextFinder
from redaction.english import lexicon
from redaction.identifiers import AccountFinder


@pytest.fixture(scope="module")
def places() -> ContextFinder:
    return ContextFinder()


def found(finder, text: str) -> list[tuple[str, str]]:
    return sorted({(entity, text[start:end]) for entity, start, end, *_ in finder.find(text)})


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi Tiberne,\n\nthe pods restart.", "Tiberne"),
        ("Dear Ms. Plesch,\n\nthanks for the logs.", "Plesch"),
        ("The upgrade helped.\n\nBest regards,\nOdvarka Plesch", "Odvarka Plesch"),
        ("Still broken.\nCheers, Tiberne", "Tiberne"),
        ("Logs attached.\n\n-- Tiberne", "Tiberne"),
        ("Logs attached.\n\n--\nQuillon Vasko\nSenior SRE | Platform", "Quillon Vasko"),
        ("Quillon Vasko | Staff Engineer | Infrastructure", "Quillon Vasko"),
        ("From: Quillon Vasko <qv@example.org>\nSent: Monday", "Quillon Vasko"),
        ("On Mon, 4 Mar 2024 at 09:12, Quillon Vasko <qv@example.org> wrote:\n> hi", "Quillon Vasko"),
        ("Am 04.03.2024 um 09:12 schrieb Quillon Vasko <qv@example.org>:", "Quillon Vasko"),
        ("[09:12] Tiberne: is it back?", "Tiberne"),
        ("<Tiberne> anyone seen this?", "Tiberne"),
        ("Signed-off-by: Quillon Vasko <qv@example.org>", "Quillon Vasko"),
        ("Co-authored-by: Quillon Vasko <qv@example.org>", "Quillon Vasko"),
        ("3f2a9c1 Quillon Vasko 2024-03-04 bump the chart", "Quillon Vasko"),
        ("My colleague Quillon Vasko saw this last year.", "Quillon Vasko"),
        ("Our CTO, Quillon Vasko, wants a root cause.", "Quillon Vasko"),
        ("@Tiberne can you look?", "Tiberne"),
        ("cc Quillon Vasko\n\nsee below", "Quillon Vasko"),
        ("Tiberne said the restart fixed it.", "Tiberne"),
        ("Yesterday Tiberne confirmed the fix.", "Tiberne"),
        ("Ask Tiberne, they ran the migration.", "Tiberne"),
        ("Mój kolega Quillon Vasko zrestartował klaster.", "Quillon Vasko"),
        ("Thanks Tiberne! That worked.", "Tiberne"),
        ("Cheers Quillon, all good now.", "Quillon"),
        ("Hey team, Tiberne here from the infra side.", "Tiberne"),
        ("Per Tiberne, the proxy drops idle connections.", "Tiberne"),
        ("<Autumn> anyone seen this before?", "Autumn"),
        ("Anna, the sync is stuck again.", "Anna"),
        ("Quillon Vasko will be joining the call.", "Quillon Vasko"),
        ("I talked to Penny Cross and they confirmed it.", "Penny Cross"),
        ("Please loop in Chase Knight, who owns the cluster.", "Chase Knight"),
        ("Good morning Ruby!\n\nThe logs are attached.", "Ruby"),
    ],
)
def test_a_name_is_found_where_names_stand(places, text, name):
    assert (PERSON, name) in found(places, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("thanks, tiberne", "tiberne"),
        ("[09:12] tiberne: rolling back", "tiberne"),
        ("ok tiberne, will do", "tiberne"),
        ("ping tiberne when it's done", "tiberne"),
        ("tiberne, can you check the ingress?", "tiberne"),
        ("Rolled back.\n\n- tiberne", "tiberne"),
    ],
)
def test_a_lower_case_name_is_found_in_chat(places, text, name):
    assert (PERSON, name) in found(places, text)


@pytest.mark.parametrize(
    "text",
    [
        "Hi team,\n\nthe pods restart.",
        "Hello World!",
        "Thanks,\nThe Platform Team",
        "Thanks to Kubernetes for the logs.",
        "ok then, will do",
        "@dataclass\nclass Settings:",
        "Decorate it with @pytest.fixture here.",
        "Staff Software Engineer\nPlatform Engineering, Berlin",
        "Next step: upgrade to the latest patch release.",
        "Note: the flag is ignored.\nWarning: this is slow.",
        "Thanks Team! That worked.",
        "Logs here: see the attachment.",
        "Details here, in the runbook.",
        "Billed per Seat, as before.",
        "However, the sync is stuck.",
        "Zoekt, the search engine, crashed.",
        "Grafana, Prometheus and Jaeger are up.",
        "btw, can you check the ingress?",
        "hmm, do you have the logs?",
        "The upgrade will be presenting issues.",
        "I talked to Support Team about it.",
        "Hi Kubernetes, you are back.",
    ],
)
def test_no_name_where_none_stands(places, text):
    assert [f for f in found(places, text) if f[0] == PERSON] == []


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("Zarvelt runs Sourcegraph on its own EKS cluster.", "Zarvelt"),
        ("Platform team\nDevOps Lead | Zarvelt", "Zarvelt"),
        ("Zarvelt's security team needs the SBOM.", "Zarvelt"),
        ("I'm the platform lead at Zarvelt Labs. The pods restart.", "Zarvelt Labs"),
        ("The same happens on the Zarvelt staging instance.", "Zarvelt"),
    ],
)
def test_an_organization_is_found_by_context(places, text, org):
    assert (ORG, org) in found(places, text)


@pytest.fixture(scope="module")
def accounts() -> AccountFinder:
    return AccountFinder()


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ("The values file is at /home/qvasko/sourcegraph/values.yaml", "qvasko"),
        (r"The log is at C:\Users\Quillon.Vasko\AppData\Local\Temp\x.log", "Quillon.Vasko"),
        ("auth failed user=tiberne reason=expired", "tiberne"),
        ('msg="config updated" user="qvasko" (id=42)', "qvasko"),
        ("uid=quillon.vasko,ou=people,dc=corp is not found", "quillon.vasko"),
        ("ssh qvasko@bastion-2 works", "qvasko"),
        ("the mailbox quillon.vasko gets the alerts", "quillon.vasko"),
        ("kubectl -n dev-tiberne get pods", "tiberne"),
        ("audit: actor='Quillon Vasko' action=repo.delete", "Quillon Vasko"),
        ("Assigned to @quillon.vasko for follow-up.", "quillon.vasko"),
        ("thanks @tiberne_q!", "tiberne_q"),
        ("@quillon.vasko can you check the gitserver logs?", "quillon.vasko"),
        ("@tiberne_q: done, rolled back", "tiberne_q"),
    ],
)
def test_a_person_account_is_found_inside_identifiers(accounts, text, account):
    assert (PERSON, account) in found(accounts, text)


@pytest.mark.parametrize(
    "text",
    [
        "user=admin reason=expired",
        "/home/ubuntu/.kube/config",
        "ssh root@bastion-2",
        "kubectl -n sourcegraph get pods",
        "namespace: prod-payments",
        "owner: platform-team",
        "Handle `sni_hostname` in the proxy",
        "the user is logged in; user: true",
        "@pytest.mark.skip\ndef test_x(): pass",
        "@pytest.mark.parametrize('a', [1])",
        "    @app.route('/x')",
        "use @pytest.mark.skip(reason) there",
        "npm i @types/node and @babel/core",
        "mail tiberne@corp.example",
    ],
)
def test_system_accounts_and_words_are_no_person(accounts, text):
    assert found(accounts, text) == []


def test_the_lexicon_knows_inflected_english_and_other_languages_formulas():
    words = lexicon()
    assert all(words.is_english(w) for w in ("changes", "Contexts", "Forbidden", "batch", "valid", "customer"))
    assert not any(words.is_word(w) for w in ("Tiberne", "Plesch", "Zarvelt"))
    assert words.is_foreign_word("Pozdrawiam") and words.is_foreign_word("leider")
    assert words.is_non_noun("Valid") and not words.is_non_noun("Tiberne")


# ---------------------------------------------------------------------------
# Through the real Redactor: recurrence, the English-word rule, facts.
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_name_found_once_recurs_in_any_case(redactor):
    text = "Logs attached.\n\nBest regards,\nOdvarka Plesch\n\n[10:02] odvarka: done\nplesch restarted it"
    out = redactor.redact_text(text)
    assert "Odvarka" not in out and "odvarka" not in out and "plesch" not in out.lower()


@pytest.mark.slow
def test_an_english_word_name_recurs_only_capitalized(redactor):
    text = "Hi Will,\n\nwe will restart the pods tonight. Will said the batch job is fine."
    out = redactor.redact_text(text)
    assert "Hi Will" not in out and "Will said" not in out
    assert "we will restart" in out and "the batch job" in out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("The API returns 403 Forbidden for every request.", "403 Forbidden"),
        ("We enabled Batch Changes for the monorepo.", "Batch Changes"),
        ("Search Contexts stopped showing results.", "Search Contexts"),
        ("Next step: raise the memory limit.", "Next step"),
        ("Danke!\nThe pods restart again.", "Danke"),
        ("Pozdrawiam, the problem is back.", "Pozdrawiam"),
    ],
)
def test_facts_that_look_like_names_are_kept(redactor, text, fact):
    assert fact in redactor.redact_text(text)


@pytest.mark.slow
def test_a_product_written_in_lower_case_too_is_no_person(redactor):
    text = "It is safe to use Quibblet from many threads.\n\n    pip install quibblet\n"
    assert "Quibblet" in redactor.redact_text(text)
