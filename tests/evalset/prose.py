"""Over-redaction on technical prose nobody here wrote: two corpora, each reported on its own row.

They hold no customer data, so a person or organisation found in them is a
false positive — except on author and credit lines (and under headings such as
"Authors", "Contributors", "Citation", "References"), which are left out before
redaction. A credit line is one that names its people as such: "Copyright",
"written by", "thanks to", an attribution ("reported by [Jane Roe](…)", "prior
work by Jane Roe", "inspired by Jane Roe"), or a reference's author list (three
or more "First Last" names joined by commas or "and", followed by a year or a
title, or in brackets right after the linked work); a credit line that breaks
inside a name ("created by Jane\n  Roe, is…") takes the next line with it.

`installed_documents`: the long descriptions of the installed packages. Every
wheel in the environment carries its README as the body of its
`*.dist-info/METADATA`: tens of thousands of words about software, on the
machine without a download and never committed here. What remains after the
credits still holds people: example data ("John Doe" in a code sample, a name
generator's sample output) and people named in running prose. Finding them is
right for a redactor, and they count like every other finding; the report lists
every word found with its context, so that they can be told apart by hand. On
this corpus they dominate the count.

`npm_documents`: npm's own documentation, the Markdown of `docs/content` that
ships inside the npm package with node (commands, configuration, package.json,
scopes, workspaces, registries; about 90,000 words), found beside the `npm` on
PATH. Written by npm's maintainers for developers, it names almost no one and
holds no sample people (its two sample authors, in package.json's "people
fields" and in an `npm diff` example, stand under a credit heading or on an
"author" line and are left out), so what is found there
shows the false positives alone: technical words, commands and options taken
for people or organisations in prose that names no one. Not every machine has
it; the report then says so, and that is no failure.

Documents come in order (packages by name, npm's files by path), at most 2,000
words each, until `max_words` (at the default 40,000, npm's pages run from
commands/npm-access.md to about commands/npm-run.md); each is cut at blank
lines into pieces of about 300 words and every piece goes through `redact_text`
on its own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Iterable, Iterator

_CREDIT_LINE = re.compile(
    r"(?i)\b(authors?|authored|maintainers?|maintained by|copyright|credits?|contributors?|contributed|thanks|thank you"
    r"|acknowledg\w*|written by|created by|developed by|originally by|sponsor\w*|funded by|cite|citation|et al)\b"
    r"|©|\(c\)|@[\w-]+|<[^<>\s]+@[^<>\s]+>"
)
_CREDIT_HEADING = re.compile(
    r"(?i)\b(authors?|credits?|contributors?|acknowledg\w*|maintainers?|people|team|sponsors?|citing|citation|thanks"
    r"|changelog|change ?log|history|release notes|what's new|changes|references|bibliography|publications)\b"
)
# "First Last" (a middle initial, a particle or a hyphenated part allowed), or "Last, F.": one author of a list.
_PERSON = r"[A-Z][\w'’]+(?:[ -](?:[A-Z]\.|[a-z]{1,3}|[A-Z][\w'’]+)){0,2}[ -][A-Z][\w'’]+"
_INITIALS = r"[A-Z][\w'’-]+,[ \t]+(?:[A-Z]\.[ \t]?){1,3}"
_DEEDS = (
    r"reported|suggested|proposed|requested|provided|inspired|reviewed|analy[sz]ed|noticed|spotted|pointed out"
    r"|work|comments?|reports?|ideas?|help|input|feedback|insist[ae]nce"
)
# Someone credited for a deed: "reported by [Jane Roe](…)", "comments by Jane Roe", "inspired by Jane Roe".
_ATTRIBUTION = re.compile(r"\b(?i:" + _DEEDS + r")[ \t]+by[ \t]+\[?" + _PERSON)
_ENDS_IN_ATTRIBUTION = re.compile(r"(?i)\b(?:" + _DEEDS + r")[ \t]+by[ \t]*$")


def _authors(person: str) -> str:
    """Three or more authors joined by commas or "and"."""
    joint = r"(?:,[ \t]*(?:and[ \t]+|&[ \t]+)?|[ \t]+(?:and|&)[ \t]+)"
    return r"(?:" + person + joint + r"){2,}" + person


# A reference: its author list, then a year ("… and Max Moe. 2013." / "(2013)") or a quoted title; or the
# list in brackets right after a linked work ("[OntoNotes 5](…) (Jane Roe, Ann Poe, Max Moe)").
_YEAR_OR_TITLE = r"[.,]?[ \t]*(?:\((?:19|20)\d\d[a-z]?\)|(?:19|20)\d\d[a-z]?[.,:]|[\"“])"
_REFERENCE = re.compile(
    r"(?:" + _authors(_PERSON) + r"|" + _authors(_INITIALS) + r")" + _YEAR_OR_TITLE
    + r"|\]\([^()\s]*\)[ \t]*\(" + _authors(_PERSON) + r"\)"
)
_ENDS_IN_NAME = re.compile(r"\b[A-Z][\w'’]+[ \t]*$")
_STARTS_WITH_PERSON = re.compile(r"[ \t]*\[?" + _PERSON)
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_OWN = {"ticket-archive"}
PIECE_WORDS = 300


@dataclass(frozen=True)
class Document:
    source: str  # the package, or the file's path under npm's docs/content
    pieces: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.pieces)


def _body(dist: metadata.Distribution) -> str:
    raw = dist.read_text("METADATA") or ""
    _, _, body = raw.partition("\n\n")
    return body or (dist.metadata.get("Description") or "")


def without_credits(text: str) -> str:
    """The text with author/credit lines and the sections under credit headings blanked out (line count kept)."""
    lines = text.splitlines()
    out: list[str] = []
    skipping = continued = attributed = False
    for i, line in enumerate(lines):
        heading = _MD_HEADING.match(line)
        title = heading.group(1) if heading else None
        if title is None and i + 1 < len(lines) and line.strip() and _RST_UNDERLINE.match(lines[i + 1]):
            title = line
        if title is not None:
            skipping = bool(_CREDIT_HEADING.search(title))
        credit = bool(
            _CREDIT_LINE.search(line)
            or _ATTRIBUTION.search(line)
            or _REFERENCE.search(line)
            or (attributed and _STARTS_WITH_PERSON.match(line))
        )
        out.append("" if skipping or credit or continued else line)
        continued = bool(credit and _ENDS_IN_NAME.search(line))  # the credit breaks inside a name
        attributed = bool(_ENDS_IN_ATTRIBUTION.search(line))  # "inspired by" + the person on the next line
    return "\n".join(out)


def _pieces(text: str) -> list[str]:
    pieces, current, count = [], [], 0
    for paragraph in re.split(r"\n\s*\n", text):
        words = len(paragraph.split())
        if not words:
            continue
        if current and count + words > PIECE_WORDS:
            pieces.append("\n\n".join(current))
            current, count = [], 0
        current.append(paragraph)
        count += words
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def _truncate(text: str, words: int) -> str:
    found = list(re.finditer(r"\S+", text))
    return text if len(found) <= words else text[: found[words - 1].end()]


def _gathered(texts: Iterable[tuple[str, str]], max_words: int, per_document: int, min_words: int) -> list[Document]:
    """(source, text) in the order given, credits left out, each cut to `per_document` words, until `max_words`."""
    documents, total = [], 0
    for source, text in texts:
        text = _truncate(without_credits(text), min(per_document, max_words - total))
        if len(text.split()) < min_words:
            continue
        document = Document(source, tuple(_pieces(text)))
        documents.append(document)
        total += document.words
        if total >= max_words - min_words:
            break
    return documents


def installed_documents(max_words: int, per_package: int = 2000, min_words: int = 150) -> list[Document]:
    """The installed packages' long descriptions, credits left out, in package-name order, up to `max_words`."""
    dists = {}
    for dist in metadata.distributions():
        name = (dist.metadata.get("Name") or "").lower()
        if name and name not in _OWN:
            dists.setdefault(name, dist)
    return _gathered(((name, _body(dists[name])) for name in sorted(dists)), max_words, per_package, min_words)


# The usual place of a system-wide node's npm (this machine's), for when `npm` is not on PATH.
NPM_DOCS_FALLBACK = Path("/usr/lib/node_modules/npm/docs/content")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def _is_npm(package: Path) -> bool:
    try:
        return json.loads((package / "package.json").read_text(encoding="utf-8")).get("name") == "npm"
    except (OSError, ValueError):
        return False


def npm_docs_dir(npm: str | None = None) -> Path | None:
    """npm's docs/content: in the npm package that the `npm` on PATH resolves into, else the usual place; None when neither has it."""
    found = npm or shutil.which("npm")
    # The `npm` on PATH is a link into the package (…/node_modules/npm/bin/npm-cli.js), under nvm and Homebrew too.
    packages = [p for p in Path(os.path.realpath(found)).parents if _is_npm(p)][:1] if found else []
    for docs in [p / "docs" / "content" for p in packages] + [NPM_DOCS_FALLBACK]:
        if docs.is_dir() and any(docs.rglob("*.md")):
            return docs
    return None


def _npm_text(path: Path) -> str:
    """A page without its front matter (title and section are metadata), its one-line description kept as prose."""
    text = path.read_text(encoding="utf-8", errors="replace")
    front = _FRONT_MATTER.match(text)
    if not front:
        return text
    description = re.search(r"(?m)^description:[ \t]*(.+)$", front.group(1))
    return (description.group(1).strip() + "\n\n" if description else "") + text[front.end() :]


def _npm_pages(docs: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(docs.rglob("*.md"), key=lambda p: p.relative_to(docs).as_posix()):
        yield path.relative_to(docs).as_posix(), _npm_text(path)


def npm_documents(max_words: int, docs: Path | None = None, per_file: int = 2000, min_words: int = 1) -> list[Document] | None:
    """npm's documentation, credits left out, files in path order, up to `max_words`; None when npm's docs are not here."""
    docs = docs or npm_docs_dir()
    if docs is None:
        return None
    return _gathered(_npm_pages(docs), max_words, per_file, min_words)


@dataclass(frozen=True)
class ProseCorpus:
    """One corpus of prose, reported on its own row: `documents` is None when it is not on this machine."""

    key: str  # names its tally in a run and its time
    label: str  # its row in the report
    unit: str  # what one document is: "package", "file"
    documents: tuple[Document, ...] | None


def prose_corpora(max_words: int) -> tuple[ProseCorpus, ...]:
    """Both corpora, `max_words` each."""
    npm = npm_documents(max_words)
    return (
        ProseCorpus("packages", "installed packages' descriptions", "package", tuple(installed_documents(max_words))),
        ProseCorpus("npm", "npm's documentation (ships with node)", "file", None if npm is None else tuple(npm)),
    )


_TOKEN = re.compile(r"<[A-Z][A-Z_]*?(?:_\d+)?>|\w+|[^\w\s]")
_TAKEN = re.compile(r"<(PERSON|ORG|ORGANIZATION)(?:_\d+)?>")


def taken_in_context(text: str, redacted: str, around: int = 6) -> list[tuple[str, str]]:
    """(the words of `text` that became a PERSON or ORG placeholder in `redacted`, the tokens around them)."""
    import difflib

    before, after = _TOKEN.findall(text), _TOKEN.findall(redacted)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "replace" and any(_TAKEN.fullmatch(t) for t in after[j1:j2]):
            context = " ".join(before[max(0, i1 - around) : i1] + ["[" + " ".join(before[i1:i2]) + "]"] + before[i2 : i2 + around])
            out.append((" ".join(before[i1:i2]), context))
    return out


def count_taken(redacted: str) -> int:
    return len(_TAKEN.findall(redacted))
