"""Credentials that only their context gives away: passwords people chose, license keys in prose.

`secrets` finds what looks like a credential (a token's prefix, a random
blob, a value behind a `*PASSWORD*` key on the same line). What people type
does not look random ("Summer2024!", "BatteryStaple98"), and it often stands
where no `key=value` shows it:

- a Kubernetes `env:` list, where the key and the value are two lines
  (`- name: DB_PASSWORD` / `value: ...`) or two fields of one JSON object;
- prose: "the password is ...", "I reset the admin password to ...",
  "Das Passwort lautet ...", "log in as admin with ...";
- a license or product key named in prose: "our license key is ...",
  "the new key from sales: ...".

In prose a value counts only when it is shaped like a password (a digit, a
symbol or a capital inside it: not "wrong", "expired" or "required") or like a
key (sixteen characters or more, letters and digits). Only the value is
reported, so the sentence still reads.
"""

from __future__ import annotations

import re
from typing import Iterator

from redaction.wordsearch import LowerText

# The credential words of a variable name (upper or lower case, any separators).
_SECRET_NAME = (
    r"[A-Za-z0-9_.-]*(?i:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|credentials?|license[_-]?key)[A-Za-z0-9_.-]*"
)
# A bare value ends at a space, a quote, or YAML/JSON punctuation; `#` only starts a comment after a space.
_VALUE = r"""(?:"(?P<dq>[^"\n]{1,256})"|'(?P<sq>[^'\n]{1,256})'|(?P<bare>[^\s"'#,}{][^\s"',}{]{0,255}))"""
# `- name: DB_PASSWORD` then `value: ...` on the next line; `{"name": "DB_PASSWORD", "value": "..."}`.
_ENV_ENTRY = re.compile(
    r"""(?:\bname|"name"|'name')[ \t]*[:=][ \t]*["']?""" + _SECRET_NAME + r"""["']?"""
    r"""(?:[ \t]*,[ \t]*|[ \t]*\n(?:[ \t]*-?[ \t]*)?)"""
    r"""(?:value|"value"|'value')[ \t]*[:=][ \t]*""" + _VALUE
)
_PASSWORD_WORD = (
    r"password|passwort|passwd|passphrase|pass[ -]?code|pwd|pw|kennwort|mot de passe|contrase[ñn]a|has[łl]o"
    r"|wachtwoord|parola d'ordine|senha"
)
# "the password is X", "password to X", "Passwort lautet X", "pw: X", "password for the admin account is X".
_PROSE_PASSWORD = re.compile(
    r"(?i)(?<![\w-])(?:" + _PASSWORD_WORD + r")(?![\w-])"
    r"(?:[ \t]+(?:for|of|für|pour|de|del|dla)(?:[ \t]+[\w@.-]{1,40}){1,3}?)?"
    r"(?:[ \t]*(?::|=|\bis\b|\bwas\b|\bare\b|\bist\b|\blautet\b|\bwar\b|\best\b|\bes\b|\bè\b|\bto\b|\bnow\b|\bset\b"
    r"|\bchanged\b|\breset\b|\bjest\b|\bis now\b|\bnowe\b)){1,3}[ \t]*"
    r"[\"'`“‘]?(?P<value>[^\s\"'`”’]{4,64})"
)
# "log in as admin with X", "sign in with the password X".
_LOGIN_WITH = re.compile(
    r"(?i)\b(?:log(?:ged|ging)?[ -]?in|sign(?:ed|ing)?[ -]?in|login|authenticate)\b[^\n.]{0,40}?\bwith"
    r"(?:[ \t]+(?:the[ \t]+)?(?:password|pw|passphrase))?[ \t]+[\"'`]?(?P<value>[^\s\"'`]{4,64})"
)
# "credentials: admin / X", "user/pass admin:X".
_USER_AND_PASSWORD = re.compile(
    r"(?i)\b(?:credentials?|creds|user(?:name)?[ \t]*/[ \t]*pass(?:word)?|login[ \t]*/[ \t]*password)\b"
    r"[ \t]*(?:are|is|:|=)?[ \t]*[\w.@-]{1,40}[ \t]*[/:,][ \t]*[\"'`]?(?P<value>[^\s\"'`]{4,64})"
)
# A license or product key named in prose, then `:`, `=` or "is" (within a few words).
_PROSE_KEY = re.compile(
    r"(?i)(?<![\w-])(?:licen[cs]e|lizenz|licencia|licenza|licentie|product|serial|activation|subscription|registration"
    r"|key|keys|schlüssel|clé|clave|chiave)(?![\w-])"
    r"(?:[ \t]+(?:key|code|number|string|token|schlüssel))?[^\n:=]{0,30}?(?:[ \t]*[:=][ \t]*|[ \t]+is[ \t]+|[ \t]+)"
    r"[\"'`“]?(?P<value>[A-Za-z0-9+/=_.-]{16,4096})"
)
_TRAILING = ".,;:!?)]}>"
# Lower-case pieces of the context words: a text without any of them is not searched for that context.
_PASSWORD_HINTS = ("pass", "pw", "kennwort", "contrase", "hasło", "haslo", "wachtwoord", "parola", "senha")
_KEY_HINTS = (
    "licen", "lizenz", "product", "serial", "activation", "subscription", "registration", "key", "schlüssel", "clé",
    "clave", "chiave",
)
_PLACEHOLDER = re.compile(
    r"^(?:\$\{?\w+\}?|\$\(.*\)|\{\{.*\}\}|<[^>]*>|\*+|x{3,}|\.{3,}|•+|\[.*\]|true|false|yes|no|null|none|\d{1,5})$",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_GROUPED = re.compile(r"[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){2,}")
# References, paths and links, never a typed password.
_NOT_A_START = ("$", "%", "<", "{{", "/", "~/", "./", "../", "http://", "https://")
_LETTER = re.compile(r"[A-Za-z]")


def _trimmed(value: str) -> str:
    value = value.rstrip(",;:)]}>\"'”’")
    if value[-1:] in (".", "?") and _password_shaped(value[:-1]):
        return value[:-1]  # the end of the sentence: "... is Hunter22."
    return value


def _password_shaped(value: str, strict: bool = False) -> bool:
    """Typed by a person as a password: a digit, a symbol or a capital inside; not a word of the sentence.

    `strict` for weaker contexts ("log in with ..."), where product names stand too
    ("GitHub", "SAML", "OAuth2"): a symbol, or a digit in eight characters or more.
    """
    if len(value) < 4 or _PLACEHOLDER.match(value) or value.startswith(_NOT_A_START):
        return False
    if strict:
        symbol = any(not c.isalnum() and c not in "-'’." for c in value)
        return symbol or (len(value) >= 8 and bool(_DIGIT.search(value)) and bool(_LETTER.search(value)))
    has_digit = bool(_DIGIT.search(value))
    has_symbol = any(not c.isalnum() and c not in "-'’" for c in value)
    inner_capital = any(c.isupper() for c in value[1:])
    if not (has_digit or has_symbol or inner_capital):
        return False
    if value.isdigit() and len(value) < 6:
        return False  # "password is 4 characters", a PIN length
    return bool(_LETTER.search(value)) or len(value) >= 6


def _key_shaped(value: str) -> bool:
    """A license or product key: long, letters and digits, not a dotted name or a path of words."""
    if not (_DIGIT.search(value) and _LETTER.search(value)):
        return False
    if _GROUPED.fullmatch(value):
        return True  # ABCDE-12345-FGHIJ-67890
    if re.fullmatch(r"v?\d+(?:\.\d+)+(?:[-+][\w.]+)?", value):
        return False  # a version
    words = [p for p in re.split(r"[./_-]", value) if p]
    if len(words) > 1 and all(p.isalpha() or p.isdigit() for p in words):
        return False  # codeIntel.enabled, search-index-2
    if value.startswith(_NOT_A_START) or "://" in value:
        return False
    if len(value) < 40 and any(len(p) >= 3 and p.isalpha() and p.islower() for p in value.split("/")[:-1]):
        return False  # etc/ssl/server2048.pem: a path
    return True


def find_contextual_credentials(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, why) of every value that its context makes a credential."""
    source = LowerText(text)
    if source.has_any(("value",)) and source.has_any(("name",)):
        yield from _env_entries(text)
    prose = (
        (_PROSE_PASSWORD, False, source.has_any(_PASSWORD_HINTS)),
        (_LOGIN_WITH, True, source.has_any(("with",)) and source.has_any(("log", "sign", "authent"))),
        (_USER_AND_PASSWORD, False, source.has_any(("cred", "pass"))),
    )
    for pattern, strict, hinted in prose:
        if not hinted:
            continue
        for match in pattern.finditer(text):
            value = _trimmed(match.group("value"))
            if _password_shaped(value, strict):
                start = match.start("value")
                yield start, start + len(value), "password in prose"
    if source.has_any(_KEY_HINTS):
        for match in _PROSE_KEY.finditer(text):
            value = match.group("value").rstrip(_TRAILING)
            if len(value) >= 16 and _key_shaped(value):
                start = match.start("value")
                yield start, start + len(value), "key in prose"


def _env_entries(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _ENV_ENTRY.finditer(text):
        for group in ("dq", "sq", "bare"):
            value = match.group(group)
            if value is not None:
                if value.strip() and not _PLACEHOLDER.match(value.strip()):
                    yield match.start(group), match.end(group), "env entry"
                break
