"""National identity and tax numbers: Presidio's country recognizers, held to the context they need.

Presidio ships a recognizer per number (its pattern and, where the number has
one, its check digits); on their own most of them are too eager for support
tickets, where any nine or eleven digits may be a build, a byte count or an
account id. Each kind here says when its match counts:

- alone, when the shape is distinctive and checked: a US SSN written
  3-2-4 with dashes, a UK National Insurance number in capitals, a Spanish
  NIF/NIE with its check letter, an Italian codice fiscale with its check
  character;
- otherwise only after a word that names it on the same line (or the line
  before, for a label on its own line): "SSN", "PESEL", "Aadhaar", "NHS",
  "tax file number" ... Presidio's own context words, in the languages the
  numbers are written in.

Besides, any number of five digits or more right after "passport", "driver's
licence", "national ID", "Personalausweis" and the like is an identity number.
Kinds whose context word does not occur in a text are not run at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from presidio_analyzer import PatternRecognizer
from presidio_analyzer.predefined_recognizers import (
    AuTfnRecognizer,
    CaSinRecognizer,
    DeTaxIdRecognizer,
    EsNieRecognizer,
    EsNifRecognizer,
    InAadhaarRecognizer,
    InPanRecognizer,
    ItFiscalCodeRecognizer,
    NhsRecognizer,
    PlPeselRecognizer,
    UkNinoRecognizer,
    UsSsnRecognizer,
)

from redaction.detector import PatternDetector
from redaction.wordsearch import LowerText

NATIONAL_ID = "NATIONAL_ID"

# How far before a number its context word may stand.
_WINDOW = 48


@dataclass(frozen=True)
class Kind:
    name: str
    recognizer: PatternRecognizer
    context: re.Pattern[str]
    hints: tuple[str, ...]  # lower-case pieces of the context words: no hint in a text, no context
    alone: Callable[[str], bool] | None = None  # the shapes that need no context
    shape: str | None = None  # a quick test for such a shape anywhere in a text (regex source)


def _us_ssn_alone(value: str) -> bool:
    return bool(re.fullmatch(r"\d{3}-\d{2}-\d{4}", value)) and value[0] != "9"


def _capitals(value: str) -> bool:
    return value == value.upper()


def _ci(words: str) -> re.Pattern[str]:
    return re.compile(r"(?<![^\W\d_])(?i:" + words + r")(?![^\W\d_])")


def _either(ci: str, cs: str) -> re.Pattern[str]:
    """Words in any case, and words that are other words in lower case ("sin", "nie", "pan") only in capitals."""
    return re.compile(r"(?<![^\W\d_])(?:(?i:" + ci + r")|" + cs + r")(?![^\W\d_])")


KINDS: tuple[Kind, ...] = (
    Kind(
        "us ssn",
        UsSsnRecognizer(),
        _either(r"ssns?|social[ -]security(?:[ -]numbers?)?|social sec\.?", r"SS#|SSN#"),
        ("ssn", "social", "ss#"),
        _us_ssn_alone,
        r"\d{3}-\d{2}-\d{4}",
    ),
    Kind(
        "uk nino",
        UkNinoRecognizer(),
        _either(r"national insurance(?: number| no\.?)?|nino", r"NI(?: number| no\.?| No\.?| Number)?"),
        ("insurance", "nino", "ni "),
        _capitals,
        r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]",
    ),
    Kind("uk nhs", NhsRecognizer(), _ci(r"nhs(?: number| no\.?)?|national health service"), ("nhs", "national health")),
    Kind(
        "es nif",
        EsNifRecognizer(),
        _either(r"documento nacional de identidad|n\.?i\.?f\.?", r"DNI"),
        ("nif", "n.i.f", "dni", "documento nacional"),
        _capitals,
        r"\d{7}-?[A-Z]",
    ),
    Kind(
        "es nie",
        EsNieRecognizer(),
        _either(r"n[úu]mero de identidad de extranjero", r"NIE"),
        ("nie", "extranjero"),
        _capitals,
        r"[XYZ]-?\d{7}-?[A-Z]",
    ),
    Kind("pl pesel", PlPeselRecognizer(), _ci(r"pesel"), ("pesel",)),
    Kind("in aadhaar", InAadhaarRecognizer(), _ci(r"aadhaa?r|uidai"), ("aadha", "uidai")),
    # Without its "Low" pattern, whose lookaheads read to the end of the text from every word.
    Kind(
        "in pan",
        InPanRecognizer(patterns=InPanRecognizer.PATTERNS[:2]),
        _either(r"permanent account number", r"PAN"),
        ("pan", "permanent account"),
    ),
    Kind(
        "it fiscal code",
        ItFiscalCodeRecognizer(),
        _ci(r"codice fiscale|c\.f\.|tax code"),
        ("fiscale", "c.f.", "tax code"),
        _capitals,
        r"[A-Z]{6}\d\d[A-Z]\d\d[A-Z]",
    ),
    Kind(
        "ca sin",
        CaSinRecognizer(),
        _either(r"social insurance(?: number)?|num[ée]ro d'assurance sociale", r"SIN|NAS"),
        ("social insurance", "assurance sociale", "sin", "nas"),
    ),
    Kind("au tfn", AuTfnRecognizer(), _ci(r"tax file number|tfn"), ("tax file", "tfn")),
    Kind(
        "de tax id",
        DeTaxIdRecognizer(),
        _ci(r"steuer-?id(?:nr)?|steuer-?identifikationsnummer|steuerliche identifikationsnummer|idnr"),
        ("steuer", "idnr"),
    ),
)
# Every kind's lone shape in one pattern: a text is read once to learn which shapes it holds.
_SHAPES = re.compile("|".join(f"(?P<k{i}>{kind.shape})" for i, kind in enumerate(KINDS) if kind.shape))

# An identity document's number right after its name: "passport no. C01X00T47", "Personalausweis: L01X00T47".
_DOCUMENT_NUMBER = re.compile(
    r"(?i)(?<![^\W\d_])(?:passport|passeport|reisepass|pasaporte|passaporto|paszport"
    r"|driver'?s?[ -]licen[cs]e|driving[ -]licen[cs]e|f[üu]hrerschein|permis de conduire"
    r"|national[ -]id(?:entity)?(?:[ -]card)?|identity[ -]card|id[ -]card|personalausweis|ausweis"
    r"|carte d'identit[ée]|dowód osobisty|tax[ -]id|(?-i:TIN|ITIN|EIN|BSN)|burgerservicenummer"
    r"|social[ -]security|sozialversicherungsnummer|numéro de sécurité sociale)"
    r"(?:[ \t]+(?:number|no\.?|nr\.?|num(?:ber|éro)?|#|id))?[ \t]*(?:[:#=][ \t]*|[ \t]+is[ \t]+|[ \t]+)"
    r"(?P<value>(?-i:[A-Z0-9]{1,12}(?:[ -][A-Z0-9]{1,12}){0,4}))(?![\w-])"
)
_DOCUMENT_HINTS = (
    "pass", "reisepass", "licen", "führerschein", "fuhrerschein", "permis", "national", "identit", "id card", "id-card",
    "ausweis", "dowód", "tax", "tin", "ein", "bsn", "burgerservice", "social", "sozialvers", "sécurité",
)


def find_national_ids(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every identity number in `text`."""
    source = LowerText(text)
    shapes = {int(m.lastgroup[1:]) for m in _SHAPES.finditer(text) if m.lastgroup}
    for i, kind in enumerate(KINDS):
        named = source.has_any(kind.hints) and kind.context.search(text) is not None
        if not named and i not in shapes:
            continue
        entity = kind.recognizer.supported_entities[0]
        for result in kind.recognizer.analyze(text, [entity], None):
            start, end = result.start, result.end
            if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue  # inside a longer run of digits: a part of something else
            value = text[start:end]
            if (kind.alone is not None and kind.alone(value) and result.score >= 0.5) or (
                named and _named_before(text, start, kind.context)
            ):
                yield start, end, kind.name
    if source.has_any(_DOCUMENT_HINTS):
        for match in _DOCUMENT_NUMBER.finditer(text):
            value = match.group("value")
            if sum(c.isdigit() for c in value) >= 5:
                yield match.start("value"), match.end("value"), "document number"


def _named_before(text: str, start: int, context: re.Pattern[str]) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if context.search(text, max(line_start, start - _WINDOW), start):
        return True
    if not text[line_start:start].strip() and line_start:
        # A label on its own line: "SSN:\n123 45 6789".
        previous = text.rfind("\n", 0, line_start - 1) + 1
        return bool(context.search(text, max(previous, line_start - _WINDOW), line_start))
    return False


class NationalIdRecognizer(PatternDetector):
    """Identity and tax numbers → NATIONAL_ID."""

    ENTITIES = (NATIONAL_ID,)
    NEEDS_A_DIGIT = True

    def find(self, text: str) -> Iterator[tuple[str, int, int, float, str]]:
        for start, end, kind in find_national_ids(text):
            yield NATIONAL_ID, start, end, 1.0, kind
