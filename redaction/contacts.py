"""Ways to reach a person: email addresses and phone numbers (Presidio's, tuned for tickets)."""

from __future__ import annotations

import ipaddress
import re

import phonenumbers
from typing import List, Optional

from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

from redaction.network import AllowList

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
    """
)
# Any digit run, formatted or not, counts right after a word that says "phone" ("Tel 030 66699014").
_WITH_CONTEXT = re.compile(
    r"(?i)(?:\b(?:phone|tel|telephone|mobile|cell|fax|sms|whatsapp|call|contact)\b|(?<![\w.])[mtp]:)[^\n\d+]{0,20}"
    r"(?P<n>\+?\(?\d[\d ().-]{5,20}\d)(?![\d.:-]?\d)"
)
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
        results = []
        for match in _CANDIDATE.finditer(text):
            candidate = match.group()
            if not _plausible(candidate):
                continue
            results.extend(self._shifted(candidate, match.start()))
        for match in _WITH_CONTEXT.finditer(text):
            candidate = match.group("n").rstrip(" .-(")
            if _plausible(candidate):
                results.extend(self._shifted(candidate, match.start("n"), accept_shape=True))
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
    digits = sum(c.isdigit() for c in candidate)
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
