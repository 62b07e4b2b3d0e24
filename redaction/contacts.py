"""Ways to reach a person: email addresses and phone numbers (Presidio's, tuned for tickets)."""

from __future__ import annotations

import ipaddress
import re

import phonenumbers
from typing import Iterator, List, Optional

from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

from redaction.detector import DIGIT
from redaction.network import AllowList
from redaction.wordsearch import LowerText, find_words

EMAIL = "EMAIL"
PHONE = "PHONE"

# Runs of digits with phone-like separators. Only these are handed to phonenumbers:
# running its matcher over every number of a 2 MB log costs seconds.
_CANDIDATE = re.compile(
    r"""(?x)(?<![\w+.:/=#-])
    (?:(?:\+|00)\d{1,3}[ .-]?)?
    (?:\(\d{1,5}\)[ .-]?)?
    \d{1,5}(?:[ .-]\d{1,8}){1,5}
    (?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?
    (?![\w.:-]?\d)
    | (?<![\w+])\+\d{7,15}(?!\d)
    | (?<![\w+])\+\d{1,3}(?:[ .-]?\(0\))?[ .-]?\d{1,5}(?:[ .-]?\d{1,14}){0,4}(?![\w.:-]?\d)
    """
)
# Words that say "phone" in the languages of the tickets: any digit run, formatted or not, counts right
# after one ("Tel 030 66699014"), on the same line or, for a label on a line of its own, the next.
_PHONE_WORDS = frozenset(
    """
    phone tel tele telephone téléphone telephone mobile mob cell cellphone fax sms whatsapp signal call contact
    direct desk office work home landline switchboard hotline handy telefon telefoon mobiel tél portable móvil movil
    teléfono telefono celular cellulare telefonnummer rufnummer komórka komorka
    """.split()
)
# Verbs and nouns of calling and texting say "phone" less surely: the number must then be written as one,
# with a trunk prefix, a country code or an area code in brackets ("messages to 077424824").
_CALLING_WORDS = frozenset(
    """
    message messages messaging text texts texting dial dialled dialed dialing ring ringing reach reached answering
    registered calls called calling
    """.split()
)
# Labels after a number, ending its line or list item: "02074960893 mobile", "9313457948-Office,".
_LABELS_AFTER = frozenset(
    "phone tel telephone mobile mob cell cellphone fax office direct landline handy mobiel portable work home".split()
)
_AFTER_WORD = re.compile(r"[^\n\d+]{0,20}?(?:\n[ \t>]*)?(?P<n>\+?\(?\d[\d ().-]{5,20}\d)(?![\d.:-]?\d)")
_EXTENSION = re.compile(r"[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6}$")
# "not answering at 35091109495", "reach me on 727 687 037": a calling word, then at/on, then any number.
_AT_NUMBER = re.compile(r"(?:[ \t]+(?:me|us|him|her|them))?[ \t]+(?:at|on)[ \t]+(?P<n>\+?\(?\d[\d ().-]{5,18}\d)(?![\d.:-]?\d)")
_AFTER_CALLING = re.compile(r"[^\n\d+]{0,20}?(?P<n>(?:\+|0|\()[\d ().-]{6,18}\d)(?![\d.:-]?\d)")
# "on my registered 5765536105.": a bare run of a phone number's length that no noun follows (a count has one:
# "registered 1234567890 users").
_BARE_AFTER_CALLING = re.compile(r"[ \t]+(?P<n>\d{9,12})(?![\w.:/-]?\w)(?![ \t]+[^\W\d_])")
_NUMBER_BEFORE = re.compile(r"(?<![\w+.:/=#-])(?P<n>\+?\(?\d[\d ().-]{5,20}\d)[ \t]*[-–(/|,:]?[ \t]*\(?$")
_LABEL_ENDS = re.compile(r"\)?(?![ \t]*[^\W\d_])(?![\w-])")
# A signature's one-letter labels: "M: ...", anywhere; "T +49 ...", "M. 0151 ..." at the start of a line.
_LETTER_LABEL = re.compile(r"[mtpdfoMTPDFO](?<![\w.].)(?::|\.?(?=[ \t]+[+(\d]))")
# International format: a country code, then groups. Possible (by length) for that country is enough.
_INTERNATIONAL = re.compile(r"^(?:\+|00)[1-9]")
# Shapes people write phone numbers in, valid in a numbering plan or not (Faker's often are not).
_SHAPES = (
    re.compile(r"^(?:(?:\+?1|001)[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?$"),
    re.compile(r"^(?:\+|00)\d{1,3}(?:[ .-]\(?\d{1,5}\)?){2,5}$"),
)
# Characters that end a key or a path before an address (`user=`, `mailto/`, `{email}`), never inside one here.
_KEY_SEPARATORS = "=/?{}|`"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_DECIMAL_AND_SPACE = re.compile(r"\d\.\d+ \d|\d \d+\.\d")


class EmailAddressRecognizer(EmailRecognizer):
    """Presidio's pattern; validated without tldextract (intranet domains count too)."""

    def __init__(self, allow: AllowList):
        self._allow = allow
        super().__init__(supported_entity=EMAIL, name="EmailAddressRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # noqa: D102
        if "@" not in text:
            return []  # most texts hold no address; the pattern would still try every position
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            # Presidio's local part allows `=` and `/`, so `user=jane@acme.io` would lose its key.
            local = text[result.start : result.end].rpartition("@")[0]
            cut = max(local.rfind(c) for c in _KEY_SEPARATORS)
            if cut >= 0:
                result.start += cut + 1
        return [r for r in results if r.end - r.start > 3]

    def validate_result(self, pattern_text: str) -> bool:
        local, _, domain = pattern_text.rpartition("@")
        top = domain.rsplit(".", 1)[-1]
        if not (top.isalpha() and len(top) >= 2):
            return False  # package@1.2.3, module@v0.1.0
        # git@github.com:org/repo.git is a clone address, not a mailbox.
        return not (local.lower() == "git" and self._allow.allows(domain))


class PhoneNumberRecognizer(PhoneRecognizer):
    """phonenumbers' matcher on phone-shaped candidates, plus common shapes it calls invalid."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int, float], ...]] = {}
        super().__init__(supported_entity=PHONE, name="PhoneNumberRecognizer")

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[object] = None) -> List[RecognizerResult]:
        if not DIGIT.search(text):
            return []
        results = []
        for match in _CANDIDATE.finditer(text):
            candidate = match.group()
            if not _plausible(candidate):
                continue
            results.extend(self._shifted(candidate, match.start()))
        for start, end in _labelled_numbers(text):
            candidate = text[start:end].rstrip(" .-(")
            if _plausible(candidate):
                results.extend(self._shifted(candidate, start, accept_shape=True))
        return results

    def _shifted(self, candidate: str, offset: int, accept_shape: bool = False) -> list[RecognizerResult]:
        found = [(start, end, score) for start, end, score in self._match(candidate)]
        if not found and (accept_shape or any(shape.match(candidate) for shape in _SHAPES) or _possible_international(candidate)):
            found = [(0, len(candidate), 0.5)]
        return [
            RecognizerResult(
                entity_type=PHONE,
                start=offset + start,
                end=offset + end,
                score=score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for start, end, score in found
        ]

    def _match(self, candidate: str) -> tuple[tuple[int, int, float], ...]:
        # Logs repeat the same numbers; phonenumbers is the slow part.
        if candidate not in self._cache:
            if len(self._cache) >= 4096:
                self._cache.clear()
            spans = super().analyze(candidate, [PHONE])
            self._cache[candidate] = tuple((r.start, r.end, max(r.score, 0.5)) for r in spans)
        return self._cache[candidate]


def _labelled_numbers(text: str) -> Iterator[tuple[int, int]]:
    """The numbers a word or a label says are phone numbers."""
    source = LowerText(text)
    for start, end, word in find_words(source, _PHONE_WORDS | _CALLING_WORDS):
        if word in _PHONE_WORDS:
            match = _AFTER_WORD.match(text, end)
            if match:
                yield match.span("n")
        if word in _CALLING_WORDS:
            match = _AFTER_CALLING.match(text, end) or _AT_NUMBER.match(text, end) or _BARE_AFTER_CALLING.match(text, end)
            if match:
                yield match.span("n")
        if word in _LABELS_AFTER and _LABEL_ENDS.match(text, end):
            match = _NUMBER_BEFORE.search(text, max(0, start - 30), start)
            if match:
                yield match.span("n")
    for label in _LETTER_LABEL.finditer(text):
        if label.group().endswith(":") or not text[text.rfind("\n", 0, label.start()) + 1 : label.start()].strip(" \t>"):
            match = _AFTER_WORD.match(text, label.end())
            if match:
                yield match.span("n")


def _possible_international(candidate: str) -> bool:
    """`+49 30 66699014`: a real country code and a length that country's numbers can have.

    Numbering plans are checked by length only: a number a customer typed
    into a signature is personal data whether or not it is allocated.
    """
    if not _INTERNATIONAL.match(candidate):
        return False
    try:
        number = phonenumbers.parse("+" + candidate[2:] if candidate.startswith("00") else candidate, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_possible_number(number)


def _plausible(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in _EXTENSION.sub("", candidate))  # "…-1475x3161": the extension aside
    if not 7 <= digits <= 15 or _ISO_DATE.match(candidate):
        return False
    if _DECIMAL_AND_SPACE.search(candidate) and not any(shape.match(candidate) for shape in _SHAPES):
        return False  # columns of numbers: "3.002 ... 0 30.001 502" in an access log
    try:
        ipaddress.ip_address(candidate)
        return False
    except ValueError:
        pass
    return True
