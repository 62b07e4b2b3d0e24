"""Bulk texts (pastes over `bulk_text_chars`): what NER reads of them, and that names in them still go."""

from __future__ import annotations

import json
import re
import time

import pytest

from redaction import Redactor
from redaction.chunks import plan
from redaction.ner import NerPolicy, may_hold_entity

CHUNK, OVERLAP, BULK = 20_000, 400, 100_000


def records(n: int, note_at: int) -> list[dict]:
    return [
        {
            "id": 4_000_000 + i,
            "login": f"build-bot-{i}",
            "state": "active" if i % 3 else "suspended",
            "updated_at": f"2024-03-{i % 28 + 1:02d}T12:{i % 60:02d}:00Z",
            "labels": ["ci", "linux"],
            "Status": "Ready",
            "note": "escalated by Darnell Okonkwo" if i == note_at else "",
        }
        for i in range(n)
    ]


def read_by_ner(text: str) -> int:
    return sum(len(doc.text) for doc in plan([text], [True], chunk_chars=CHUNK, overlap=OVERLAP, bulk_chars=BULK, readable=may_hold_entity))


def test_minified_json_is_read_record_by_record_and_each_shape_once():
    text = json.dumps(records(7_000, note_at=4_321))
    assert "\n" not in text and len(text) > 1_000_000
    docs = plan([text], [True], chunk_chars=CHUNK, overlap=OVERLAP, bulk_chars=BULK, readable=may_hold_entity)
    pieces = [text[offset : offset + seg.end - seg.start] for d in docs for seg in d.segments for _, offset in seg.targets]
    assert [p for p in pieces if "Darnell" in p] == ['"note": "escalated by Darnell Okonkwo"}, {']
    # Keys and masked values repeat: a few hundred characters stand for a megabyte.
    assert read_by_ner(text) < 2_000


def test_bulk_lines_are_read_as_before_even_without_a_capital_letter():
    """Packed lines are each other's context: leaving some out would change what NER finds in the rest."""
    shouting = "\n".join(f"{i} gitserver-{i % 3} cloned repo-{i} in {i % 97}ms" for i in range(20_000))
    assert len(shouting) > BULK
    assert 0 < read_by_ner(shouting) < 1_000  # masked: one shape per line form
    prose = ('He said, "the indexer is stuck", and Priya Raman agreed, "restart it". ' * 40).strip()
    assert len(prose) > 1_000
    docs = plan([prose + "\n" + shouting], [True], chunk_chars=CHUNK, overlap=OVERLAP, bulk_chars=BULK)
    assert any(prose in d.text for d in docs)  # only JSON lines are cut


def test_short_texts_are_read_whole_unless_they_have_no_capital_letter():
    text = '{"a": "B", ' * 500 + '"c": "x"}'
    assert read_by_ner(text) == len(text)
    assert read_by_ner(text.lower()) == 0


def test_the_policy_takes_no_span_without_a_capital_letter():
    """What lets the planner skip such text: if this fails, `may_hold_entity` must change with the policy."""
    policy = NerPolicy(())
    text = (
        "thanks, marek: priya raman and initech llc asked dana whitfield (cc jane doe) about "
        "acme corp gmbh; lukas yilmaz, o'brien, van der berg, ana ruiz-lópez, josé, zoë and ørsted a/s"
    )
    assert not may_hold_entity(text)
    assert_no_span_taken(policy, text)
    assert policy.accept("PERSON", "Priya Raman", 0, 11) == [(0, 11)]


def assert_no_span_taken(policy: NerPolicy, text: str) -> None:
    """No run of up to four words is a person or an organization to the policy, whatever NER says."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    for entity in ("PERSON", "ORG"):
        for i in range(len(words)):
            for j in range(i, min(i + 4, len(words))):
                assert policy.accept(entity, text, words[i][0], words[j][1]) == [], text[words[i][0] : words[j][1]]


@pytest.mark.slow
def test_a_name_in_a_megabyte_of_minified_json_is_redacted_quickly(redactor: Redactor):
    text = json.dumps(records(7_000, note_at=4_321))
    started = time.perf_counter()
    out = redactor.redact_text(text)
    elapsed = time.perf_counter() - started
    assert "Darnell" not in out and "Okonkwo" not in out
    assert '"login": "build-bot-4321"' in out and '"state": "suspended"' in out
    assert elapsed < 30, f"{elapsed:.1f}s"


def test_only_lines_ner_could_take_a_name_from_are_read_and_each_maps_back():
    prose = "Yesterday Priya Raman restarted the gitserver pod."
    log = "2024-05-01t12:00:00z error gitserver-0: exit status 128 (ERROR, HTTP 503)"
    text = "\n".join([log, prose, log, log, prose.replace("Priya Raman", "Dana Whitfield"), log])
    docs = plan([text], [True], chunk_chars=CHUNK, overlap=OVERLAP, bulk_chars=BULK, readable=may_hold_entity)
    assert [s.targets for d in docs for s in d.segments] == [[(0, text.index("Yesterday"))], [(0, text.index("Yesterday D"))]]
    (doc,) = docs
    assert "error gitserver" not in doc.text and doc.text.count("Yesterday") == 2
    for segment in doc.segments:
        (_, offset), = segment.targets
        assert text[offset : offset + segment.end - segment.start] == doc.text[segment.start : segment.end]
    # Packed runs longer than one chunk go to several docs; each stays within the chunk size.
    many = "\n".join([prose, log] * 2_000)
    docs = plan([many], [True], chunk_chars=CHUNK, overlap=OVERLAP, bulk_chars=len(many), readable=may_hold_entity)
    assert len(docs) > 1 and all(len(d.text) <= CHUNK for d in docs)
    assert sum(d.text.count("Priya") for d in docs) == 2_000


def test_the_policy_takes_no_span_from_a_line_of_capitals_digits_and_lower_case():
    policy = NerPolicy(())
    line = "ERROR 2024-05-01 gitserver-0: HTTP 503 from acme.example.com, user marek (id=4211) SAML IDP"
    assert not may_hold_entity(line)
    assert_no_span_taken(policy, line)
    assert may_hold_entity("ACME AG") and may_hold_entity("J. K.") and may_hold_entity("ÉMILE Zoë")
