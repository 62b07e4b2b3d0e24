"""The pattern recognizers every text goes through, in one list the Redactor and the LeakScanner share.

No NER here: secrets, URLs and hosts outside the allow-list, emails, phones,
IP addresses and card numbers, all decided by the text's own shape.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from redaction.contacts import EmailAddressRecognizer, PhoneNumberRecognizer
from redaction.network import AllowList, IpAddressRecognizer, NetworkRecognizer
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
