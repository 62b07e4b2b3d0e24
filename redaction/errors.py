"""Errors of the redaction stage.

    RedactionError                 a ticket could not be redacted; it is withheld
     └── ModelUnavailable          the spaCy pipeline is not installed / loadable

Messages name ticket ids and what to install or set, never ticket text.
"""


class RedactionError(Exception):
    """Redaction failed; the ticket must not be written."""


class ModelUnavailable(RedactionError):
    """The configured spaCy pipeline cannot be loaded offline."""
