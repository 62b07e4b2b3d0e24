"""Stable keyed pseudonyms: the same customer always gets the same token, and the token names no one.

`organization_pseudonym(9001, key)` is `org-` and the first 12 hex digits of
HMAC-SHA256(key, "organization:9001"). Without the key nobody can go from the
token back to the id (let alone the name), and with a new key every token
changes at once.
"""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_DIGITS = 12


def organization_pseudonym(organization_id: int, key: str) -> str:
    digest = hmac.new(key.encode("utf-8"), f"organization:{organization_id}".encode(), hashlib.sha256).hexdigest()
    return "org-" + digest[:PSEUDONYM_HEX_DIGITS]
