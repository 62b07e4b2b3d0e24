"""The pattern recognizers every text goes through, in one list the Redactor and the LeakScanner share.

No NER here: secrets, URLs and hosts outside the allow-list, emails, phones,
IP addresses and card numbers, all decided by the text's own shape.
"""

from __future__ import annotations

from typing import Iterable

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from redaction.contacts import EmailAddressRecognizer, PhoneNumberRecognizer
from redaction.models import Finding
from redaction.network import ALLOWED_URL, AllowList, IpAddressRecognizer, NetworkRecognizer
from redaction.secrets import SecretRecognizer

CREDIT_CARD = "CREDIT_CARD"


def pattern_recognizers(allow: AllowList, secrets: SecretRecognizer | None = None) -> list[EntityRecognizer]:
    return [
        secrets or SecretRecognizer(),
        NetworkRecognizer(allow),
        EmailAddressRecognizer(allow),
        PhoneNumberRecognizer(),
        IpAddressRecognizer(),
        CreditCardRecognizer(supported_entity=CREDIT_CARD),
    ]


def findings_from(results: Iterable[RecognizerResult]) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Presidio's results as findings, and apart from them the spans of the allow-listed links."""
    findings: list[Finding] = []
    allowed: list[tuple[int, int]] = []
    for result in results:
        if result.entity_type == ALLOWED_URL:
            allowed.append((result.start, result.end))
            continue
        meta = result.recognition_metadata or {}
        findings.append(
            Finding(
                type=result.entity_type,
                start=result.start,
                end=result.end,
                recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "")),
                score=float(result.score),
                identity=meta.get("identity"),
            )
        )
    return findings, allowed
