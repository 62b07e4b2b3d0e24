"""Redaction time grows with the text, not with its square (issue 11, item 5).

Each step that once scanned the rest of the text per finding (the deny-lists:
tests/test_termsearch.py; the name finder's line end; the allowed-link check)
is timed at two sizes, eight times the text taking about eight times as long,
never sixty-four (the bound is loose, twenty-five, because the cores are
shared), or against an absolute bound that a quadratic step misses by far.
"""

from __future__ import annotations

import gc
import random
import re
import time

import pytest

from redaction import Redactor
from redaction.models import Finding
from redaction.names import NameFinder
from redaction.network import outside_allowed_links
from tests.evalset import build_eval_set


def fastest(work, repeat: int = 3) -> float:
    """The least CPU time of `repeat` runs, the garbage collector off (its passes grow with what is alive)."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.process_time()
            work()
            times.append(time.process_time() - started)
    finally:
        gc.enable()
    return min(times)


def test_name_finder_reads_one_long_line_once():
    finder = NameFinder()
    line = "ab Hello World cd Priya Raman ef "
    small, large = (fastest(lambda n=n: list(finder.find(line * n)), 2) for n in (4_000, 32_000))
    assert large < 25 * small, (small, large)
    assert list(finder.find("x " * 10 + "talked to Priya Raman today")) == [(30, 41)]


def _findings_and_links(n: int, rng: random.Random):
    links = sorted((s, s + rng.randint(5, 60)) for s in rng.sample(range(n * 40), n))
    kinds = ["HOST", "PERSON", "EMAIL", "IP", "ORG", "SECRET"]
    findings = []
    for _ in range(n):
        start = rng.randrange(n * 40)
        findings.append(Finding(rng.choice(kinds), start, start + rng.randint(1, 30), "r", 0.9,
                                "org:1" if rng.random() < 0.1 else None))
    return findings, links


def test_allowed_link_check_is_the_containment_rule_in_linear_time():
    rng = random.Random(3)
    findings, links = _findings_and_links(2_000, rng)
    kept = outside_allowed_links(findings, links)
    brute = [
        f for f in findings
        if not (f.type in {"HOST", "IP", "PHONE", "CREDIT_CARD", "PERSON", "ORG"} and f.identity is None
                and any(s <= f.start and f.end <= e for s, e in links))
    ]
    assert kept == brute and len(kept) < len(findings)
    large_case = _findings_and_links(40_000, rng)
    # One bisect per finding takes a few hundredths of a second; testing each finding against each link, minutes.
    assert fastest(lambda: outside_allowed_links(*large_case), 2) < 1.0


@pytest.mark.slow
def test_words_per_second_hold_on_a_long_ticket_like_text(redactor: Redactor):
    evalset = build_eval_set(seed=17, tickets=70)
    bodies = [c.body for item in evalset.items for c in item.ticket.comments]
    text = "\n\n".join(bodies)
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    assert len(starts) > 16_000
    short, long = text[: starts[2_000]], text[: starts[16_000]]
    redactor.redact_text(short)  # warm-up
    per_word_short = fastest(lambda: redactor.redact_text(short), 2) / 2_000
    per_word_long = fastest(lambda: redactor.redact_text(long), 1) / 16_000
    # Before: 0.5 s for 2,000 words, 18 s for 16,000 (4.5x the time per word).
    assert per_word_long < 2 * per_word_short, (per_word_short, per_word_long)


def test_prose_after_a_run_too_long_to_be_a_word_is_still_read(redactor: Redactor):
    blob = "QUJD" * 50_000  # 200,000 characters of base64 without a space
    text = f"Hi Wojtek,\nthe dump: {blob} and more {blob}\nThanks,\nGrzegorz\nShip to 42 Baker Street, London NW1 6XE\n"
    redacted = redactor.redact_text(text)
    # The name and address places skip the runs (redaction.blobs); what stands between and after them is theirs.
    assert "Wojtek" not in redacted and "Grzegorz" not in redacted and "Baker Street" not in redacted
    assert redacted.count(blob) == 2  # and the runs themselves are kept as they are


def test_prose_spans_leave_out_only_the_long_runs():
    from redaction.blobs import LONGEST_WORD, prose_spans

    run = "x" * LONGEST_WORD
    text = f"a {run} b {run}"
    spans = prose_spans(text)
    assert [text[s:e] for s, e in spans] == ["a ", " b "]
    assert prose_spans("plain text, " + "y" * (LONGEST_WORD - 1)) == [(0, 12 + LONGEST_WORD - 1)]
