"""Credentials in any shape a support ticket carries them: tokens, keys, passwords, blobs.

Everything found here becomes `<SECRET>`. Where a value sits behind a key
(`password=…`, `"token": "…"`, `--api-key …`) only the value is reported, so
the key name survives and the case still reads. Hex digests are kept unless a
token word is close by: a commit SHA is a technical fact, a 40-hex access token
next to "token" is not.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterator

from redaction.credentials import find_contextual_credentials
from redaction.detector import PatternDetector

SECRET = "SECRET"

_END = r"(?![A-Za-z0-9_])"


def _word_start(pattern: str) -> str:
    """`pattern` anchored at a word edge, the edge tested after its first character (or class).

    Python's re scans quickly for a literal first character; a lookbehind in
    front of it makes the engine try every position of the text instead,
    fifteen times slower on a ticket.
    """
    first = pattern.index("]") + 1 if pattern.startswith("[") else 1
    return pattern[:first] + r"(?<![A-Za-z0-9_].)" + pattern[first:]


# (name, pattern, score). A group named "secret" narrows the span to the value.
_PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("sourcegraph token", _word_start(r"sg[a-z]{1,4}_(?:[A-Za-z0-9]{1,32}_)?[a-fA-F0-9]{32,64}") + _END, 1.0),
    ("github token", _word_start(r"gh[pousr]_[A-Za-z0-9]{30,255}") + _END, 1.0),
    ("github fine-grained token", _word_start(r"github_pat_[A-Za-z0-9_]{22,255}"), 1.0),
    ("gitlab token", _word_start(r"gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}"), 1.0),
    (
        "aws access key id",
        _word_start(r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|IPA|NPA|NVA|PKA)[A-Z0-9]{16}") + _END,
        1.0,
    ),
    ("google api key", _word_start(r"AIza[0-9A-Za-z_-]{35}") + _END, 1.0),
    ("google oauth secret", _word_start(r"GOCSPX-[A-Za-z0-9_-]{20,}"), 1.0),
    ("slack token", _word_start(r"xox[abposre]-[A-Za-z0-9-]{10,}"), 1.0),
    ("slack app token", _word_start(r"xapp-[0-9]-[A-Za-z0-9-]{10,}"), 1.0),
    ("slack webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]+", 1.0),
    ("stripe key", _word_start(r"[srp]k_(?:live|test)_[A-Za-z0-9]{16,}"), 1.0),
    ("openai-style key", _word_start(r"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"), 1.0),
    ("npm token", _word_start(r"npm_[A-Za-z0-9]{36}") + _END, 1.0),
    ("pypi token", _word_start(r"pypi-[A-Za-z0-9_-]{50,}"), 1.0),
    ("huggingface token", _word_start(r"hf_[A-Za-z0-9]{30,}") + _END, 1.0),
    ("sendgrid key", _word_start(r"SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"), 1.0),
    ("jwt", _word_start(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), 1.0),
    # Base64 of a JSON object: license keys, signed blobs, kubeconfig tokens.
    ("base64 json blob", _word_start(r"eyJ[A-Za-z0-9+/_-]{17,}={0,2}"), 0.9),
    (
        "private key block",
        r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:.*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,-]*)",
        1.0,
    ),
    ("bcrypt hash", r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}", 1.0),
    # scheme://user:password@host — the password only; the URL detector decides about the rest.
    ("url password", r"(?<=[A-Za-z0-9+.-])://[^\s:/@?#]*:(?P<secret>[^\s/?#]+)@", 1.0),
    (
        "azure connection string key",
        r"(?i)\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|SharedSecret)=(?P<secret>[^;\s\"'&]+)",
        1.0,
    ),
    (
        "signed url parameter",
        r"(?i)[?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|X-Goog-Signature|sig|signature|token"
        r"|access_token|auth|api_key|apikey|key|code|client_secret|password)=(?P<secret>[^&\s\"'#<>]+)",
        0.9,
    ),
    (
        "cli flag",
        r"(?i)(?<![\w-])--?(?:password|passwd|token|access-token|auth-token|api-key|apikey|secret|client-secret"
        r"|private-key)(?:=|[ \t]+)(?P<secret>[^\s\"'`]+)",
        1.0,
    ),
    # Tools that take a password in a flag of their own: `mysql -pX`, `docker login -p X`, `redis-cli -a X`,
    # `curl -u user:X`. The command must stand on the same line (a `-p` alone is a port or a path elsewhere).
    (
        "password flag of a tool",
        r"(?i)\b(?:mysql|mysqladmin|mysqldump|mariadb)\b[^\n|;&]{0,160}?(?<![\w-])-p(?P<secret>[^\s\"'`-][^\s\"'`]*)",
        1.0,
    ),
    (
        "password flag of a tool",
        r"(?i)\b(?:docker|podman|buildah|skopeo|nerdctl)[ \t]+login\b[^\n|;&]{0,160}?(?<![\w-])-p[ \t]+(?P<secret>[^\s\"'`]+)",
        1.0,
    ),
    ("password flag of a tool", r"(?i)\bredis-cli\b[^\n|;&]{0,160}?(?<![\w-])-a[ \t]+(?P<secret>[^\s\"'`]+)", 1.0),
    (
        "password flag of a tool",
        r"(?i)\b(?:curl|wget|http|https)\b[^\n|;&]{0,200}?(?:(?<![\w-])-u|--user)[ \t=]+[\"']?[^\s:\"'@]+:(?P<secret>[^\s\"'@]+)",
        1.0,
    ),
    # XML: <password>X</password>, <add key="AdminPassword" value="X"/>.
    (
        "xml credential",
        r"(?i)<(?P<tag>[\w.:-]*(?:password|passwd|pwd|secret|token|apikey|api-key|credential)[\w.:-]*)>"
        r"(?P<secret>[^<\s][^<\n]{0,255}?)</(?P=tag)>",
        1.0,
    ),
    (
        "xml credential",
        r"(?i)\b(?:key|name)=[\"'][^\"'\n]*(?:password|passwd|pwd|secret|token)[^\"'\n]*[\"'][ \t]+value=[\"'](?P<secret>[^\"'\n]{1,256})[\"']",
        1.0,
    ),
    ("bearer credential", r"(?i)\b(?:bearer|basic)[ \t]+(?P<secret>[A-Za-z0-9._~+/-]{12,}=*)", 1.0),
    # Hex digests are commit SHAs unless a token word is on the same line just before them.
    (
        "hex token in token context",
        r"(?i)\b(?:token|access[_ -]?token|api[_ -]?key|secret|authorization|bearer|password|credential"
        r"|license[_ -]?key)s?\b[^\n]{0,40}?(?<![A-Za-z0-9])(?P<secret>[a-f0-9]{64}|[a-f0-9]{40}|[a-f0-9]{32})(?![A-Za-z0-9])",
        0.9,
    ),
    # Dash-grouped license keys: ABCDE-12345-FGHIJ-67890.
    ("grouped license key", r"(?<![\w-])[A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8}){3,7}(?![\w-])", 0.8),
)

# A value behind a key that names a credential.
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?<![A-Za-z0-9_.\-])
    (?P<key>[A-Za-z0-9_.\-]*?
        (?:password|passwd|passphrase|pwd|(?<=[_.\-])pass(?![a-z])|(?<=[_.\-])pw(?![a-z])|secret|token|api[_-]?key|apikey|access[_-]?key
          |private[_-]?key|client[_-]?secret|credentials?|license[_-]?key|licensekey
          |auth[_-]?token|authorization|cookie|signature|session[_-]?(?:id|key|token)
          |account[_-]?key|secret[_-]?key|encryption[_-]?key|signing[_-]?key)
        (?:[_-]?(?:value|key|id|b64|base64|secret|string))?
    )
    ["'`]?[ \t]*(?::=|=>|[:=])[ \t]*
    (?:(?P<scheme>bearer|basic|token|digest)[ \t]+)?
    (?:"(?P<dq>[^"\n]{1,512})"|'(?P<sq>[^'\n]{1,512})'|(?P<bare>[^\s"'`,;&}{\[\]()<>]{1,512}))
    """
)
# Every credential word of _ASSIGNMENT contains one of these; only identifiers with one are tried.
_CREDENTIAL_WORD = re.compile(r"(?i)pass|pw|secret|token|key|credential|authorization|cookie|signature|session")
_IDENTIFIER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """`_ASSIGNMENT.finditer(text)`, trying only the identifiers that contain a credential word (5x faster)."""
    resume = 0
    tried: set[int] = set()
    for hit in _CREDENTIAL_WORD.finditer(text):
        start = hit.start()
        while start > 0 and text[start - 1] in _IDENTIFIER_CHARS:
            start -= 1
        if start < resume or start in tried:
            continue
        tried.add(start)
        match = _ASSIGNMENT.match(text, start)
        if match:
            resume = match.end()
            yield match


# Short generic keys (`key: …`, `auth=…`) only count when the value looks random.
_WEAK_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?<![A-Za-z0-9_.\-])(?P<key>key|auth|sig|pass|pw|pin|salt)
    ["'`]?[ \t]*(?::=|=>|[:=])[ \t]*
    (?:"(?P<dq>[^"\n]{1,512})"|'(?P<sq>[^'\n]{1,512})'|(?P<bare>[^\s"'`,;&}{\[\]()<>]{1,512}))
    """
)
# Values that are references, templates or masks, not secrets.
_NOT_A_VALUE = re.compile(
    r"""(?ix)^(?:
        \$\{?[A-Za-z_][\w.]*\}?          # $VAR, ${VAR}
      | \{\{.*\}\}                        # {{ .Values.x }}
      | \$\(.*\)                          # $(cat file)
      | <[^>]*>                           # <your-token>, our own placeholders
      | \*+ | x{3,} | \.{3,} | •+
      | \[?redacted\]? | \[?hidden\]? | \[?masked\]? | \[?filtered\]?
      | null | none | nil | undefined | true | false | yes | no | on | off
      | required | optional | enabled | disabled | n/?a | tbd | empty | string | bool(?:ean)? | int
      | secretkeyref | valuefrom | secretname
    )$"""
)
_SCHEMES = frozenset({"bearer", "basic", "token", "digest"})
_BLOB = re.compile(r"(?<![A-Za-z0-9+/=_.-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEXISH = re.compile(r"^[0-9a-fA-F-]+$")
_PARTS = re.compile(r"[-_./]")
_WORDY_PATH = re.compile(r"^(?:[A-Za-z][a-z]{2,}[_-]?)+$")


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _char_class(ch: str) -> int:
    if ch.isdigit():
        return 0
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    return 3


def looks_random(value: str, min_length: int = 20) -> bool:
    """A token that a person did not type: long, mixed classes, classes alternating often.

    CamelCase identifiers (`base64EncodedSHA256Digest`), pod names
    (`frontend-5f8d9c7b6-x2k9z`) and hex digests stay; base64 keys do not.
    """
    core = value.rstrip("=")
    if len(core) < min_length or _HEXISH.match(core):
        return False
    if "/" in core and all(_WORDY_PATH.match(p) for p in core.split("/") if p):
        return False
    parts = _PARTS.split(core)
    if any(len(part) >= 4 and part.isalpha() and part.islower() for part in parts) and max(map(len, parts)) < 32:
        return False  # sourcegraph-frontend-6c9d8b7f5-r2d2x, a_generated_name_2: identifiers (not base64 with a `/strw`)
    has_upper = any(c.isupper() for c in core)
    has_lower = any(c.islower() for c in core)
    digits = sum(c.isdigit() for c in core)
    if not (has_lower and digits):
        return False
    if not has_upper and (len(core) < 32 or digits < len(core) // 5):
        return False
    switches = sum(_char_class(a) != _char_class(b) for a, b in zip(core, core[1:]))
    return switches / (len(core) - 1) >= 0.35 and shannon_entropy(core) >= 3.5


def _value_span(match: re.Match[str]) -> tuple[int, int, str] | None:
    for group in ("dq", "sq", "bare"):
        if match.group(group) is not None:
            value = match.group(group)
            if not value.strip() or _NOT_A_VALUE.match(value.strip()):
                return None
            if value.lower() in _SCHEMES:
                return None  # `Authorization: Bearer <SECRET>`: the scheme, its value already redacted
            return match.start(group), match.end(group), value
    return None


# Patterns whose value may be a reference to one instead (`$PGPASSWORD`, `{{ .Values.pw }}`).
_VALUE_AFTER_A_NAME = frozenset(
    {"url password", "signed url parameter", "cli flag", "password flag of a tool", "xml credential"}
)


class SecretRecognizer(PatternDetector):
    """Tokens, keys, passwords and random-looking blobs → SECRET."""

    ENTITIES = (SECRET,)

    def __init__(self) -> None:
        self._patterns = [(name, re.compile(rx, re.DOTALL), score) for name, rx, score in _PATTERNS]
        super().__init__()

    def find(self, text: str) -> Iterator[tuple[str, int, int, float, str]]:
        for start, end, score, why in self._spans(text):
            yield SECRET, start, end, score, why

    def _spans(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        for name, pattern, score in self._patterns:
            for match in pattern.finditer(text):
                if "secret" in pattern.groupindex and match.group("secret") is not None:
                    start, end = match.span("secret")
                else:
                    start, end = match.span()
                value = text[start:end]
                if name == "grouped license key" and not _grouped_key(value):
                    continue
                if name in _VALUE_AFTER_A_NAME and _NOT_A_VALUE.match(value):
                    continue
                if end > start:
                    yield start, end, score, name
        for match in _assignments(text):
            if match.group("key").lower().startswith("existing"):
                continue  # existingSecret: the name of a Kubernetes secret, not its value
            span = _value_span(match)
            if span:
                yield span[0], span[1], 0.9, "credential assignment"
        for match in _WEAK_ASSIGNMENT.finditer(text):
            span = _value_span(match)
            if span and looks_random(span[2], min_length=12):
                yield span[0], span[1], 0.8, "key assignment"
        for match in _BLOB.finditer(text):
            if looks_random(match.group()):
                yield match.start(), match.end(), 0.8, "high-entropy blob"
        for start, end, why in find_contextual_credentials(text):
            yield start, end, 0.9, why

    def find_certain(self, text: str) -> Iterator[tuple[int, int]]:
        """Credentials recognizable by shape alone (prefixes, key blocks): the post-redaction check."""
        for name, pattern, score in self._patterns:
            if score >= 1.0 and "secret" not in pattern.groupindex:
                for match in pattern.finditer(text):
                    yield match.span()


_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


def _grouped_key(value: str) -> bool:
    if _UUID.match(value.upper()):
        return False
    groups = value.split("-")
    mixed = sum(any(c.isdigit() for c in g) and any(c.isalpha() for c in g) for g in groups)
    return mixed * 2 >= len(groups)
