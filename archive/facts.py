"""Technical facts pulled from redacted text: versions, services, deployment, errors, links, keywords.

Every function reads text that has already been redacted and keeps redaction
placeholders (`<PERSON_1>`, `<HOST_2>`) out of what it returns, except inside
error messages, where they are normalised to `<PERSON>`, `<HOST>` so the same
error reads the same in every case.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from archive.settings import NoteSettings
from redaction.models import PLACEHOLDER

DEFAULT = NoteSettings()

# What must come right before a two-part version: "version 4.1", "upgraded from 3.39 to 3.42".
# Not a bare "on", "to" or "from": "from 10.30 to 11.45" is a time.
_VERSION_CONTEXT = re.compile(
    r"""(?:\b(?:v|versions?|release[sd]?|running|sourcegraph)
        |\b(?:upgrad|downgrad|updat|migrat|mov|roll)\w*\s+(?:back\s+)?(?:from\s+\S+\s+)?(?:to|from)
        |\b(?:fixed|shipped|released|introduced|available|broken|regressed)\s+in
        )\s*\W{0,2}\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ANY_VERSION = re.compile(r"v?(\d{1,3}(?:\.\d{1,4}){1,2})")

MAX_VERSIONS = 30
MAX_ERRORS = 20
MAX_LINKS = 30
MAX_ERROR_CHARS = 200
_SCAN_LINE_CHARS = 4_000


Named = list[tuple[str, re.Pattern[str]]]


@dataclass(frozen=True)
class _Patterns:
    version: re.Pattern[str]
    services: Named
    deployments: Named
    terms: Named
    phrases: Named


@functools.lru_cache(maxsize=8)
def _compiled(settings: NoteSettings) -> _Patterns:
    i = re.IGNORECASE
    return _Patterns(
        version=re.compile(settings.version_pattern, re.VERBOSE),
        services=[(name, re.compile(rf"(?<![\w-])(?:{p})(?![\w])", i)) for name, p in settings.services],
        deployments=[(name, re.compile(p, i)) for name, p in settings.deployments],
        terms=[(t, re.compile(rf"(?<![\w.-]){re.escape(t)}(?![\w-])", i)) for t in settings.terms],
        phrases=[(p, re.compile(rf"(?<![\w-]){re.escape(p)}(?![\w-])", i)) for p in settings.error_phrases],
    )


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Numeric order (4.10 after 4.9); a part that is not a number (from a custom pattern) sorts after."""
    return tuple((int(p), "") if p.isdigit() else (1 << 30, p) for p in version.split("."))


def major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def find_versions(texts: Iterable[str], settings: NoteSettings = DEFAULT) -> list[str]:
    """Distinct product versions, normalised (`v3.42.1` -> `3.42.1`), sorted numerically."""
    pattern = _compiled(settings).version
    found: set[str] = set()
    for text in texts:
        for match in pattern.finditer(text):
            version = match.group("v")
            if version.count(".") == 1:
                explicit = text[match.start()] in "vV"
                if not explicit and not _VERSION_CONTEXT.search(text[max(0, match.start() - 48) : match.start()]):
                    continue
            found.add(version)
    return sorted(found, key=version_key)[:MAX_VERSIONS]


def field_version(value: str) -> str | None:
    """The version a version custom field holds (`v4.5.0` -> `4.5.0`); a field is a version wherever it is."""
    match = _ANY_VERSION.search(value.strip())
    return match.group(1) if match and match.start() == 0 else None


def find_services(texts: Iterable[str], settings: NoteSettings = DEFAULT) -> list[str]:
    texts = list(texts)
    found = {name for name, rx in _compiled(settings).services for t in texts if rx.search(t)}
    return sorted(found)


def deployment_from_value(value: str, settings: NoteSettings = DEFAULT) -> str | None:
    """A deployment type from a custom field's value such as `docker_compose` or `Kubernetes (Helm)`."""
    normalized = re.sub(r"[\s_]+", "-", value.strip().lower())
    names = [name for name, _ in settings.deployments]
    if normalized in names:
        return normalized
    for name, rx in _compiled(settings).deployments:
        if rx.search(normalized) or rx.search(value):
            return name
    return None


def find_deployment(preferred: Sequence[str], others: Sequence[str], settings: NoteSettings = DEFAULT) -> str | None:
    """The deployment type the `preferred` texts (the customer's) name most, else the other texts."""
    for texts in (preferred, others):
        counts: Counter[str] = Counter()
        for name, rx in _compiled(settings).deployments:
            counts[name] = sum(len(rx.findall(t)) for t in texts)
        best = max(counts.values(), default=0)
        if best:
            return next(name for name, _ in settings.deployments if counts[name] == best)
    return None


# -- errors ------------------------------------------------------------------------------

_LEVEL = re.compile(r"(?:^|[\s\[|])(?:ERROR|ERRO|EROR|FATAL|FATA|PANIC|CRIT|CRITICAL|SEVERE|EMERG)\b[\]:|]?\s+")
_WARN = re.compile(r"(?:^|[\s\[|])(?:WARN|WARNING)\b[\]:|]?\s+")
_ERR_KV = re.compile(r"""\b(?:err|error|exception)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)""")
_KV = re.compile(r"""\s*\b[\w.]+=(?:"(?:[^"\\]|\\.)*"|'[^']*'|\S+)""")
_PANICKED = re.compile(r"panicked at '(.{1,300}?)'")
_PREFIXED = re.compile(
    r"^\s*(?:error|fatal(?: error)?|panic|exception|caused by|[A-Za-z_.$]*(?:Error|Exception)):\s+\S", re.IGNORECASE
)
# `kubectl describe` and `kubectl get events`: a Warning, its reason, columns two spaces apart, the message last.
_K8S_WARNING = re.compile(r"^\s*(?:\S+\s+)?Warning\s+(?P<reason>[A-Z][A-Za-z]+)\s{2,}(?P<rest>\S.*?)\s*$")
# An access log's request and a 4xx/5xx status (nginx, Apache, ingress-nginx), and an HTTP status line.
_ACCESS_LOG = re.compile(
    r'"(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<path>[^\s"?]+)[^\s"]* HTTP/[\d.]+" (?P<status>[45]\d\d)\b'
)
_STATUS_LINE = re.compile(r"^\s*(?:< )?HTTP/[\d.]+ (?P<status>[45]\d\d)(?: (?P<reason>[A-Za-z][A-Za-z -]*[a-z]))?\s*$")
_LOGFMT = re.compile(r"""(?:^|\s)(?:level|lvl|severity)=["']?(?:error|eror|err|crit|critical|fatal|panic)\b""", re.I)
_LOGFMT_MSG = re.compile(r"""(?:^|\s)(?:msg|message)=("(?:[^"\\]|\\.)*"|\S+)""")
_JSON_LOG = re.compile(r'"(?:level|severity)"\s*:\s*"(?:error|fatal|critical|panic)"', re.IGNORECASE)
_JSON_MSG = re.compile(r'"(?:msg|message)"\s*:\s*"((?:[^"\\]|\\.){1,300})"')
_JSON_ERR = re.compile(r'"(?:error|err)"\s*:\s*"((?:[^"\\]|\\.){1,300})"')
_HEX = re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return value.replace('\\"', '"')


def normalize_error(message: str) -> str:
    message = re.sub(r"\\[ntr]", " ", message)
    message = PLACEHOLDER.sub(lambda m: re.sub(r"_\d+>$", ">", m.group()), message)
    message = _UUID.sub("<uuid>", message)
    message = _HEX.sub("<hex>", message)
    message = " ".join(message.split()).strip(" ,;")
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1].rstrip() + "…"
    return message


def _line_error(line: str) -> str | None:
    level = _LEVEL.search(line)
    if level is None and _ERR_KV.search(line) and _WARN.search(line):
        level = _WARN.search(line)
    if level is not None:
        rest = line[level.end() :]
        err = _ERR_KV.search(rest)
        head = _KV.sub("", rest[: err.start()] if err else rest).strip(" :-")
        if err:
            detail = _unquote(err.group(1))
            return f"{head}: {detail}" if head else detail
        return head or None
    if _LOGFMT.search(line):  # level=error msg="..." err="..."
        msg, err = _LOGFMT_MSG.search(line), _ERR_KV.search(line)
        parts = [_unquote(m.group(1)) for m in (msg, err) if m]
        return ": ".join(parts) or None
    panicked = _PANICKED.search(line)
    if panicked:
        return f"panicked at '{panicked.group(1)}'"
    if _PREFIXED.match(line):
        return line.strip()
    if _JSON_LOG.search(line):
        msg, err = _JSON_MSG.search(line), _JSON_ERR.search(line)
        parts = [m.group(1) for m in (msg, err) if m]
        return ": ".join(parts) or None
    return _event_or_http_error(line)


def _event_or_http_error(line: str) -> str | None:
    """A Kubernetes Warning event as `Reason: message`; an HTTP error as `HTTP 502 on GET /path` or `HTTP 502 Bad Gateway`."""
    event = _K8S_WARNING.match(line)
    if event:
        message = re.split(r"\s{2,}", event.group("rest"))[-1]
        return f"{event.group('reason')}: {message}"
    request = _ACCESS_LOG.search(line)
    if request:
        return f"HTTP {request.group('status')} on {request.group('method')} {request.group('path')}"
    status = _STATUS_LINE.match(line)
    if status:
        return " ".join(p for p in ("HTTP", status.group("status"), status.group("reason")) if p)
    return None


def find_errors(
    texts: Iterable[str], settings: NoteSettings = DEFAULT, phrase_texts: Sequence[str] | None = None
) -> list[str]:
    """Distinct normalised error messages, in the order they first appear (at most MAX_ERRORS, the most frequent).

    Log lines are read in `texts`; known error phrases are looked for in
    `phrase_texts` (default: the same texts)."""
    texts = list(texts)
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for text in texts:
        for line in text.splitlines():
            raw = _line_error(line[:_SCAN_LINE_CHARS])
            message = normalize_error(raw) if raw else ""
            if len(message) >= 4:
                counts[message] += 1
                first.setdefault(message, len(first))
    found = " \n".join(counts).casefold()
    for phrase, rx in _compiled(settings).phrases:
        if phrase.casefold() not in found and any(rx.search(t) for t in (phrase_texts or texts)):
            counts[phrase] += 1
            first.setdefault(phrase, len(first))
    kept = sorted(counts, key=lambda m: (-counts[m], first[m]))[:MAX_ERRORS]
    return sorted(kept, key=lambda m: first[m])


# -- links ------------------------------------------------------------------------------

_URL = re.compile(r"""https?://[^\s<>()\[\]{}"'`|\\]+""")


def find_links(texts: Iterable[str]) -> list[str]:
    """Distinct http(s) links that survived redaction, in the order they first appear."""
    links: dict[str, None] = {}
    for text in texts:
        for match in _URL.finditer(text):
            if text[match.end() : match.end() + 1] == "<":
                continue  # a link with a redacted part: what is left of it says nothing
            url = match.group().rstrip(".,;:!?*_~")
            if len(url) > len("https://") + 3:
                links.setdefault(url, None)
            if len(links) >= MAX_LINKS:
                return list(links)
    return list(links)


# -- keywords ---------------------------------------------------------------------------

_CHUNK = re.compile(r"\S+")
_WORD = re.compile(r"^(?:[a-z][a-z0-9]{3,}|[a-z]+(?:[A-Z][a-z0-9]+)+|[a-z][a-zA-Z0-9]*(?:\.[a-z][a-zA-Z0-9]*)+)$")
# Log lines, tables, config and key=value dumps: their words are noise as keywords.
_NOT_PROSE = re.compile(r"\d\d:\d\d:\d\d|\S=\S|\S {3,}\S|^\s*[{}\[\]\"|]|^\s{2,}\S")
_EDGE = "\"'`()[]{}<>,;:!?*_~“”‘’"


def find_terms(texts: Iterable[str], settings: NoteSettings = DEFAULT) -> list[str]:
    """Glossary terms the texts mention, lower-cased."""
    texts = list(texts)
    return sorted({term.lower() for term, rx in _compiled(settings).terms for t in texts if rx.search(t)})


def salient_terms(
    title: str,
    sources: Sequence[tuple[str, int]],
    everything: Sequence[str],
    exclude: Iterable[str] = (),
    settings: NoteSettings = DEFAULT,
) -> list[str]:
    """A few terms that characterise a case, taken only from redacted text.

    A term is a lower-case word, a camelCase identifier or a dotted setting name
    (`gitMaxConcurrentClones`, `search.largeFiles`) in the title or in two of the
    weighted `sources` (the comments), scored by weight. Never a chunk of text
    that holds a placeholder, an address or a path, never a stop word or a
    number, and never a word the case also writes capitalised mid-sentence, which
    is how names look (a customer's name that redaction missed stays out)."""
    excluded = {w.casefold() for w in exclude} | settings.stop_words
    scores: Counter[str] = Counter()
    seen_in: Counter[str] = Counter()
    for index, (text, weight) in enumerate([(title, 3), *sources]):
        words = _words(text, excluded)
        scores.update({w: n * weight for w, n in words.items()})
        seen_in.update({w: 2 if index == 0 else 1 for w in words})
    for word in list(scores):  # "clones" counts for "clone"
        if word.endswith("s") and word[:-1] in scores:
            scores[word[:-1]] += scores.pop(word)
            seen_in[word[:-1]] += seen_in.pop(word)
    proper = _capitalised_words(everything) if scores else set()
    kept = [w for w in scores if seen_in[w] >= 2 and w.casefold() not in proper]
    ranked = sorted(kept, key=lambda w: (-scores[w], w))
    return ranked[: settings.salient_terms]


def _words(text: str, excluded: set[str] | frozenset[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    prose = "\n".join(line for line in text.splitlines() if not _NOT_PROSE.search(line))
    for chunk in _CHUNK.findall(prose):
        if any(c in chunk for c in "<>@/\\=") or "://" in chunk:
            continue
        word = chunk.strip(_EDGE).rstrip(".")
        if _WORD.match(word) and word.casefold() not in excluded:
            found[word] += 1
    return found


def _capitalised_words(texts: Sequence[str]) -> set[str]:
    """Words written with a capital inside a sentence (not after . ! ? or a line start)."""
    found: set[str] = set()
    for text in texts:
        for match in re.finditer(r"(?<=[^\s.!?:>\n]) +([A-Z][a-z]+)\b", text[:200_000]):
            found.add(match.group(1).casefold())
    return found
