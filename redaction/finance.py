"""Bank account and payment card numbers, decided by their check digits.

IBAN: two capital letters, two check digits and the country's BBAN, written
compact or in groups of four; a candidate counts when its length is the one
ISO 13616 fixes for its country and the mod-97 check (ISO 7064) gives 1.
Lengths: the SWIFT IBAN Registry (the ISO 13616 registration authority's
public list), as of release 99 (2024).

Card numbers: 12 to 19 digits, compact or grouped the way cards print them
(4-4-4-4, 4-4-4-4-3, 4-6-5 for American Express, 4-6-4 for Diners), with one
kind of separator, passing the Luhn check (ISO/IEC 7812-1). Without a word
such as "card", "Visa" or "cc" just before, the number must also start with
an issuer prefix of a card network (ISO/IEC 7812 major industry identifiers 2
to 6: Mastercard 2221-2720 and 51-55, Mir 2200-2204, American Express 34/37,
Diners 30/36/38/39, JCB 35, Visa 4, Maestro/Discover/UnionPay/RuPay 5 and 6)
and have 13 digits or more: a twelve-digit number alone is an AWS account or
an order id as often as a Maestro card.
"""

from __future__ import annotations

import re
from typing import Iterator

from redaction.detector import PatternDetector

IBAN = "IBAN"
CREDIT_CARD = "CREDIT_CARD"

# ISO 13616 IBAN length per country (SWIFT IBAN Registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2})\d{2}(?=[ -]?[A-Z0-9])")

# Digits in card groupings: one separator kind, at most one between digits; checked in code.
_CARD_CANDIDATE = re.compile(r"(?<![\w.,/:-])\d(?:[ -]?\d){11,18}(?![\w-]|[.,]\d)")
_CARD_GROUPS = (
    re.compile(r"^\d{12,19}$"),
    re.compile(r"^\d{4}([ -])\d{4}(?:\1\d{4}){1,2}(?:\1\d{1,4})?$"),  # 4-4-4-4, 4-4-4-4-3, 4-4-4-1
    re.compile(r"^\d{4}([ -])\d{6}\1\d{4,5}$"),  # Amex 4-6-5, Diners 4-6-4
)
_ISSUER = re.compile(r"^(?:2(?:20[0-4]|22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[0456789]|4|5|6)")
# A word that makes the number a card whatever its prefix: on the same line, shortly before.
_CARD_WORD = re.compile(
    r"(?i)(?:\b(?:card|cards|credit|debit|visa|mastercard|master card|amex|american express|maestro|discover|jcb"
    r"|diners|unionpay|karte|kreditkarte|carte|tarjeta|carta|kaart|karta|pan)\b|\bcc\b\s*#?|\bcc#)[^\n\d]{0,30}$"
)


def iban_valid(compact: str) -> bool:
    """ISO 7064 mod 97-10 over the rearranged IBAN, and the country's length."""
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_ibans(text: str) -> Iterator[tuple[int, int]]:
    for match in _IBAN_START.finditer(text):
        length = IBAN_LENGTHS.get(match.group(1))
        if length is None:
            continue
        end = _iban_end(text, match.start(), length)
        if end is not None:
            compact = re.sub(r"[ -]", "", text[match.start() : end])
            if iban_valid(compact):
                yield match.start(), end


def _iban_end(text: str, start: int, length: int) -> int | None:
    """Where an IBAN of `length` characters starting at `start` ends, with single spaces or dashes between groups."""
    count, i, separator = 0, start, None
    while i < len(text) and count < length:
        c = text[i]
        if c.isascii() and (c.isdigit() or c.isupper()):
            count += 1
        elif c in " -" and count >= 4 and i + 1 < len(text) and text[i + 1].isalnum() and text[i - 1] != c:
            if separator not in (None, c):
                return None
            separator = c
        else:
            return None
        i += 1
    if count < length or (i < len(text) and text[i].isalnum()):
        return None
    return i


def find_cards(text: str) -> Iterator[tuple[int, int]]:
    for match in _CARD_CANDIDATE.finditer(text):
        value = match.group()
        if not any(g.match(value) for g in _CARD_GROUPS):
            continue
        digits = value.replace(" ", "").replace("-", "")
        if not luhn_valid(digits) or len(set(digits)) == 1:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        context = _CARD_WORD.search(text, max(line_start, match.start() - 60), match.start())
        if context or (len(digits) >= 13 and _ISSUER.match(digits)):
            yield match.span()


class FinanceRecognizer(PatternDetector):
    """IBANs → IBAN, payment card numbers → CREDIT_CARD."""

    ENTITIES = (IBAN, CREDIT_CARD)
    NEEDS_A_DIGIT = True

    def find(self, text: str) -> Iterator[tuple[str, int, int, float, str]]:
        for start, end in find_ibans(text):
            yield IBAN, start, end, 1.0, "iban"
        for start, end in find_cards(text):
            yield CREDIT_CARD, start, end, 1.0, "card"
