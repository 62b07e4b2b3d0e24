"""Error signatures: a short, stable id for "the same error", whatever varies between two cases.

An error message as a case quotes it (`archive.facts.find_errors` has already
taken it out of its log line) still carries what differs from one occurrence to
the next: times, numbers, hex ids, UUIDs, IPs, redaction placeholders, paths and
pod names. `template` replaces each with a typed hole, and `signature` is a hash
of the template:

    gc failed repo=<HOST>/x pod=gitserver-0 at 2023-04-02T20:34:48Z   ->  gc failed repo=<*> pod=gitserver-<n> at <ts>
                                                                      ->  sig-5c0e2f7a91

Numbers that name the error stay: an HTTP status (`status 403`, `502 Bad
Gateway`), an exit status or a signal, a SQLSTATE. Identifiers in quotes stay
too: `relation "repo" does not exist` and `relation "users" does not exist`
are two errors. The id is written in a case's frontmatter (`signatures:`), so
changing the rules changes ids: bump `FORMAT` (archive.derived) when they do.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Callable, Iterable

from redaction.models import PLACEHOLDER

SIGNATURE = re.compile(r"^sig-[0-9a-f]{10}$")

# In the order they are applied: each hole is replaced before a later rule could split it.
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (PLACEHOLDER, "<*>"),
    (re.compile(r"\bhttps?://[^\s\"'<>()\[\]{}]+", re.I), "<url>"),
    # 2023-04-02T20:34:48.158Z, 2023-04-02 20:34:48 UTC, 02/Jan/2023:15:04:05 +0000, Jan  2 15:04:05, 15:04:05.123
    (
        re.compile(
            r"\b\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:\s?(?:Z|UTC|[+-]\d\d:?\d\d))?)?"
            r"|\b\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d(?: [+-]\d{4})?"
            r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}\d{1,2} \d\d:\d\d:\d\d"
            r"|\b\d\d:\d\d:\d\d(?:[.,]\d+)?(?:\s?(?:Z|UTC))?"
        ),
        "<ts>",
    ),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<id>"),
    (re.compile(r"<uuid>|<hex>"), "<id>"),  # archive.facts.normalize_error's own holes
    # IPv4 with an optional port; IPv6 (with a digit, so `Option::unwrap` stays), bracketed with a port or bare.
    (re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])"), "<ip>"),
    (
        re.compile(r"\[(?=[0-9a-f:]*\d)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\](?::\d{1,5})?"
                   r"|(?<![\w:])(?=[0-9a-f:]*\d)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])", re.I),
        "<ip>",
    ),
    # A Deployment's pod, name-<replicaset hash>-<5 characters>, possibly followed by `_namespace`;
    # a StatefulSet's pod (gitserver-0) keeps its name and loses its ordinal with the other numbers.
    (re.compile(r"\b([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-[a-z0-9]{6,10}-[a-z0-9]{5}(?![a-z0-9-])"), r"\1-<pod>"),
    # The kubelet names a pod `name_namespace(uid)`; the namespace is the customer's.
    (re.compile(r"(?<=[\w>])_[a-z0-9][a-z0-9-]*\(<id>\)"), "_<ns>(<id>)"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<id>"),
    (re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b", re.I), "<id>"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m))*(?![\w])"), "<dur>"),
    # A path keeps its first plain parts (at most two, never its last): /data/index/x_v16.zoekt -> /data/index/<path>.
    (re.compile(r"(?<![\w.:/<>-])(?:/[\w.@%+~<>*-]+){2,}/?"), lambda m: _path(m.group())),
)
_PLAIN_PART = re.compile(r"^[A-Za-z._-]+$")


def _path(path: str) -> str:
    parts = path.strip("/").split("/")
    kept: list[str] = []
    for part in parts[: min(2, len(parts) - 1)]:
        if not _PLAIN_PART.match(part):
            break
        kept.append(part)
    return "/" + "/".join([*kept, "<path>"])


# Numbers that name the error rather than an occurrence of it: what follows these words, and an
# HTTP status before its reason phrase (`502 Bad Gateway`).
_KEEP_AFTER = re.compile(
    r"\b(?:status|code|HTTP(?:/[\d.]+)?|signal|errno|SQLSTATE|exit(?: status| code)?)[\s:=]*$", re.I
)
_REASON = re.compile(r" [A-Z][a-z]+")
# A number, unless it is part of a name (x509, v16, nvme1n1).
_NUMBER = re.compile(r"(?<![A-Za-z\d])\d+(?:\.\d+)*")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)
def template(message: str) -> str:
    """The message with what varies between occurrences replaced by `<ts>`, `<n>`, `<ip>`, `<id>`, `<path>`, `<*>`."""
    text = message
    for pattern, hole in _RULES:
        text = pattern.sub(hole, text)

    def number(match: re.Match[str]) -> str:
        value, start, end = match.group(), match.start(), match.end()
        if _KEEP_AFTER.search(text[max(0, start - 24) : start]):
            return value
        if len(value) == 3 and value[0] in "45" and _REASON.match(text, end):
            return value
        return "<n>"

    text = _NUMBER.sub(number, text)
    return _SPACES.sub(" ", text).strip(" .,;:")


def signature(message: str) -> str:
    """`sig-` and ten hex digits: the same for two messages that differ only in what `template` replaces."""
    digest = hashlib.blake2b(template(message).casefold().encode("utf-8"), digest_size=5).hexdigest()
    return f"sig-{digest}"


def signatures_of(messages: Iterable[str]) -> dict[str, str]:
    """Each distinct signature of `messages` with its template (the first message's), sorted by id."""
    found: dict[str, str] = {}
    for message in messages:
        if message.strip():
            found.setdefault(signature(message), template(message))
    return dict(sorted(found.items()))
