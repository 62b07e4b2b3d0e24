"""The redaction's two evaluations; `python -m tests.evalset` (scripts/eval_redaction) prints both.

1. On text nobody here wrote (issue 11): names from sources the redaction's
   lists are not built from, in the contexts where tickets put them, structured
   values of every kind, presidio-evaluator's sentence templates, facts to keep, and
   over-redaction on the installed packages' prose — `names`, `contexts`,
   `structured`, `facts`, `sentences`, `prose` make the corpora, `corpora`
   builds and packs them into tickets, `snippets` scores one piece of text,
   `harness` runs a redactor and prints the report, `plain` is plain Presidio
   for comparison. One name source is held out (`names.HELD_OUT_LOCALES`):
   `--final` only, never shown by example, never to tune on.

2. The generated support-ticket set (issue 3), whose names are nearly all on
   the redaction's own lists (103 of 106 name words), so it measures the lists:

    from tests.evalset import build_eval_set, score, format_report
    evalset = build_eval_set(seed=1234)          # deterministic: same seed, same tickets
    report = score(Redactor(), evalset)          # redacts every ticket once
    print(format_report(report))

`build_eval_set` invents solved support tickets about a self-hosted code search
product: log lines, site configs, Helm values, env dumps, Go and Java stack
traces, kubectl output, curl sessions, email signatures and people mentioned in
passing. Each ticket is a `redaction.records.Ticket`, with the requester, CCs,
agents and organization Zendesk would side-load, so the engine's deny-lists
run exactly as in production. Every value planted on purpose is recorded:

- sensitive values (must not survive), by kind: `SENSITIVE_KINDS`;
- technical facts (must survive verbatim), by kind: `FACT_KINDS`.

How `score` counts, and why:

- A sensitive value leaks when it occurs anywhere in its ticket's redacted
  output (title, tags, custom fields, comment bodies, authors, attachment
  names), case-insensitively and at letter/digit edges, so `10.0.3.4` is not
  found inside `10.0.3.45`. A person also leaks by part: any part of the name
  of three letters or more that is not a common word (`Hi Priya,` leaks
  "Priya Raman"). Full-name and part-only leaks are reported separately.
- A fact is kept when every one of its occurrences survives verbatim
  (case-sensitive; `5.1` inside `5.1.2` is not an occurrence): a fact intact in
  one comment and shredded in another was still destroyed.
- A ticket whose redaction raises `RedactionError` is withheld: it leaks
  nothing and keeps nothing. Failing closed costs content, not privacy.
- Agents' names are not customer data and are never counted.

Nothing here reads the clock (except `score` timing itself), the network or a
model; one `random.Random(seed)` drives every choice.
"""

from tests.evalset.generator import build_eval_set
from tests.evalset.scorer import (
    DestroyedFact,
    Leak,
    Report,
    TicketRedactor,
    Withheld,
    format_report,
    rendered_strings,
    score,
)
from tests.evalset.truth import (
    DEFAULT_SEED,
    DEFAULT_TICKETS,
    FACT_KINDS,
    LEAK_LIMITS,
    LOCATIONS,
    MIN_FACTS_KEPT,
    SENSITIVE_KINDS,
    EvalSet,
    EvalTicket,
    Planted,
    name_parts,
    ticket_texts,
)

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TICKETS",
    "FACT_KINDS",
    "LEAK_LIMITS",
    "LOCATIONS",
    "MIN_FACTS_KEPT",
    "SENSITIVE_KINDS",
    "DestroyedFact",
    "EvalSet",
    "EvalTicket",
    "Leak",
    "Planted",
    "Report",
    "TicketRedactor",
    "Withheld",
    "build_eval_set",
    "format_report",
    "name_parts",
    "rendered_strings",
    "score",
    "ticket_texts",
]
