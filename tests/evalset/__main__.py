"""`python -m tests.evalset`: the per-kind table for the real Redactor (see `main`)."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from tests.evalset.generator import build_eval_set
from tests.evalset.scorer import format_report, score
from tests.evalset.truth import DEFAULT_SEED, DEFAULT_TICKETS


def main(argv: Sequence[str] | None = None) -> int:
    """Print the per-kind table for the real Redactor; exit 1 when a threshold of issue 3 fails."""
    parser = argparse.ArgumentParser(prog="python -m tests.evalset", description=main.__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS, help=f"tickets to generate (default {DEFAULT_TICKETS})")
    parser.add_argument("--examples", type=int, default=15, help="leaks and destroyed facts to show (default 15)")
    args = parser.parse_args(argv)
    if args.tickets < 1:
        parser.error("--tickets must be at least 1")

    from redaction import Redactor, RedactionError

    evalset = build_eval_set(seed=args.seed, tickets=args.tickets)
    try:
        redactor = Redactor()
    except RedactionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = score(redactor, evalset)
    sys.stdout.write(format_report(report, examples=args.examples))
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
