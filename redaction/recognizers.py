"""The pattern recognizers every text goes through, in one list the Redactor and the LeakScanner share.

No NER here: secrets and credentials, URLs and hosts outside the allow-list
(and the owners and repositories in code-host paths), cloud resource names,
emails, phones, IP addresses, bank and card numbers, identity numbers and
street addresses, all decided by the text's own shape and the words around it.
"""

from __future__ import annotations

from typing import Iterable

from presidio_analyzer import EntityRecognizer, RecognizerResult

from redaction.addresses import AddressRecognizer
from redaction.cloud import CloudRecognizer
from redaction.codehosts import CodeHostPaths
from redaction.contacts import EmailAddressRecognizer, PhoneNumberRecognizer
from redaction.finance import FinanceRecognizer
from redaction.models import Finding
from redaction.national_ids import NationalIdRecognizer
from redaction.network import ALLOWED_URL, AllowList, IpAddressRecognizer, NetworkRecognizer
from redaction.secrets import SecretRecognizer


def pattern_recognizers(
    allow: AllowList, secrets: SecretRecognizer | None = None, *, public_code_orgs: Iterable[str] = ()
) -> list[EntityRecognizer]:
    return [
        secrets or SecretRecognizer(),
        NetworkRecognizer(allow, CodeHostPaths(public_code_orgs)),
        CloudRecognizer(public_code_orgs),
        EmailAddressRecognizer(allow),
        PhoneNumberRecognizer(),
        IpAddressRecognizer(),
        FinanceRecognizer(),
        NationalIdRecognizer(),
        AddressRecognizer(),
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
