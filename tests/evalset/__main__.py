"""`python -m tests.evalset` (what `scripts/eval_redaction` runs): both evaluations of the real Redactor.

First the evaluation on text nobody here wrote (issue 11: names by context
from mimesis and invented names, structured values, presidio-evaluator's
sentence templates, facts kept, over-redaction on technical prose), with
plain Presidio beside it; then the generated support-ticket set (issue 3).
Over-redaction has two rows: the installed packages' descriptions, whose
sample data names people, and npm's documentation (shipped with node; the row
says when it is not on this machine), which names no one, so what is taken
there is the false positives alone.
Exits 1 when a target of either fails, 2 when the Redactor cannot load.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Sequence

from tests.evalset.truth import DEFAULT_SEED, DEFAULT_TICKETS

INDEPENDENT_SEED = 11


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.evalset", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=INDEPENDENT_SEED, help=f"seed of the independent evaluation (default {INDEPENDENT_SEED})")
    parser.add_argument("--final", action="store_true", help="also the held-out names (the final report only: never tune on it)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it runs, measures nothing")
    parser.add_argument("--no-presidio", action="store_true", help="skip the plain-Presidio comparison (about half the time)")
    parser.add_argument("--examples", type=int, default=2, help="leaks and lost facts shown per line (default 2)")
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS, help=f"tickets of the generated set (issue 3; default {DEFAULT_TICKETS}, 0 skips it)")
    args = parser.parse_args(argv)
    if args.tickets < 0:
        parser.error("--tickets must not be negative")

    from redaction import RedactionError, Redactor
    from tests.evalset.corpora import DEFAULT_SIZES, QUICK_SIZES, build
    from tests.evalset.harness import format_report, measure

    try:
        redactor = Redactor()
    except RedactionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    started = time.perf_counter()
    corpora = build(args.seed, sizes, final=args.final)
    built = time.perf_counter() - started
    run = measure(redactor, corpora, per_ticket=sizes.per_ticket)
    plain = None
    if not args.no_presidio:
        from tests.evalset.plain import PlainPresidio

        plain = measure(PlainPresidio(redactor.settings.model), corpora, per_ticket=sizes.per_ticket)
    text, failures = format_report(corpora, run, seed=args.seed, plain=plain, examples=args.examples)
    sys.stdout.write(text)
    print(f"(corpora built in {built:.0f} s)")

    if args.tickets:
        from tests.evalset.generator import build_eval_set
        from tests.evalset.scorer import format_report as format_generated, score

        report = score(redactor, build_eval_set(seed=DEFAULT_SEED, tickets=args.tickets))
        sys.stdout.write("\n" + format_generated(report, examples=args.examples * 5))
        failures += len(report.failures())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
