"""Where a word stands as a tool, not as a name: before a technical noun ("Kyverno policies",
"the Julia runtimes") or after a verb of using one ("uses Codefresh", "behind Pomerium").

Names stand there rarely, tools in every ticket; the finders that take a word for a name on
weaker evidence than the model's (a word no lexicon knows, a listed given name alone) ask here
first."""

from __future__ import annotations

import re

from redaction.english import WORD
from redaction.vocabulary import TOOL_NOUNS, TOOL_VERBS

# The word right before / after a span, on the same line, one or two spaces away.
WORD_BEFORE = re.compile(r"(?<![^\W\d_])(" + WORD.pattern + r")[ \t]{1,2}\Z")
WORD_AFTER = re.compile(r"[ \t]{1,2}(" + WORD.pattern + r")(?![^\W\d_])")


def tool_place(text: str, start: int, end: int) -> bool:
    after = WORD_AFTER.match(text, end)
    if after:
        noun = after.group(1)
        if noun.islower() or noun.isupper():  # "Kyverno policies", "Travis CI"; not "Kyverno Smith"
            noun = noun.lower()
            if noun in TOOL_NOUNS or noun.removesuffix("s") in TOOL_NOUNS:
                return True
    before = WORD_BEFORE.search(text, max(0, start - 40), start)
    return bool(before and before.group(1) in TOOL_VERBS)
