"""Technical facts pulled from redacted text: product versions and keywords."""

from __future__ import annotations

import re
from typing import Iterable

# A three-part version anywhere, or a two-part one where the text says it is a version.
_VERSION = re.compile(
    r"""(?<![\w.\-/])(?<!\d:)     # not inside a word, path, IP, date or time; image:5.1.2 is fine
        v?(?P<v>\d{1,2}\.\d{1,3}(?:\.\d{1,3})?)
        (?![\w]|\.\d|-\d{2}-)     # not the start of a longer dotted number or a date
    """,
    re.VERBOSE,
)
_VERSION_CONTEXT = re.compile(
    r"\b(?:v|version|release|upgrad\w*|downgrad\w*|running|on|to|from)\s*\W{0,2}\s*$", re.IGNORECASE
)

SERVICES = (
    "codeintel-db",
    "frontend",
    "gitserver",
    "pgsql",
    "precise-code-intel-worker",
    "redis",
    "repo-updater",
    "searcher",
    "symbols",
    "syntect-server",
    "worker",
    "zoekt-indexserver",
    "zoekt-webserver",
)
_SERVICE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, SERVICES), key=len, reverse=True)) + r")(?![\w])",
    re.IGNORECASE,
)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def find_versions(texts: Iterable[str]) -> list[str]:
    """Distinct product versions, normalised (`v3.42.1` -> `3.42.1`), sorted numerically."""
    found: set[str] = set()
    for text in texts:
        for match in _VERSION.finditer(text):
            version = match.group("v")
            parts = version.split(".")
            if len(parts) == 2:
                explicit = text[match.start()] in "vV"
                if not explicit and not _VERSION_CONTEXT.search(text[max(0, match.start() - 24) : match.start()]):
                    continue
                if parts[0] == "0":
                    continue
            found.add(version)
    return sorted(found, key=_version_key)


def find_services(texts: Iterable[str]) -> list[str]:
    found = {m.group(1).lower() for text in texts for m in _SERVICE.finditer(text)}
    return sorted(found)
