"""The owner and repository parts of paths on public code hosts: `github.com/<OWNER_1>/<REPO_1>/issues/12`.

github.com, gitlab.com and bitbucket.org are public sites, and their links
are kept; but the organisation (or user) and the repository in the path
name the customer. They are found wherever the host is followed by a path:
in URLs, clone addresses (`git@github.com:acme/app.git`), Go import paths and
bare mentions. Only the names go; the host and the rest of the path stay (an
issue number, a file path in the repository are facts of the case).

Organisations on the configured public list (the product's own by default)
are left whole: `github.com/sourcegraph/sourcegraph/issues/46973` is a public
issue. First path segments that are the site's own pages (`/settings`,
`/marketplace`, GitLab's `/-/`) are not owners; after `/orgs/`, `/users/`,
`/groups/` and `/sponsors/` the next segment is.
"""

from __future__ import annotations

import re
from typing import Iterable

from redaction.wordsearch import LowerText

OWNER = "OWNER"  # an organisation or a user: the code host does not say which
REPO = "REPO"

_PATH = re.compile(
    r"(?<![\w.-])(?:www\.)?"
    r"(?P<host>github\.com|gitlab\.com|bitbucket\.org|gist\.github\.com|raw\.githubusercontent\.com"
    r"|codeload\.github\.com|api\.github\.com/repos|api\.bitbucket\.org/2\.0/repositories|dev\.azure\.com)"
    r"(?::\d{1,5}/|[/:])(?P<path>[A-Za-z0-9_.~%-]+(?:/[A-Za-z0-9_.~%-]+){0,12})",
    re.IGNORECASE,
)
# First segments that are the site's own pages, not an owner.
_SITE_PAGES = frozenset(
    """
    about account api apps blog codespaces collections contact customer-stories dashboard enterprise events
    explore features help issues join login logout marketplace new notifications password_reset pricing pulls
    readme search security sessions settings signup site socialauth team topics trending workspace product
    repo admin projects - favicon.ico robots.txt sitemap.xml
    """.split()
)
_HOSTS = ("github", "gitlab.com", "bitbucket", "dev.azure.com")
_OWNER_FOLLOWS = frozenset({"orgs", "organizations", "users", "groups", "sponsors"})
_GIT_SUFFIX = re.compile(r"\.git$", re.IGNORECASE)


class CodeHostPaths:
    """Finds owner and repository names in code-host paths, except those of the public organisations."""

    def __init__(self, public_orgs: Iterable[str]):
        self._public = frozenset(o.strip().lower() for o in public_orgs if o.strip())

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """(OWNER or REPO, start, end) in reading order."""
        found: list[tuple[str, int, int]] = []
        if not LowerText(text).has_any(_HOSTS):
            return found
        for match in _PATH.finditer(text):
            host = match.group("host").lower()
            segments = _segments(match.group("path"), match.start("path"))
            found.extend(self._names(host, segments))
        return found

    def _names(self, host: str, segments: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        if not segments:
            return []
        first = segments[0][0].lower()
        if first in _OWNER_FOLLOWS and host in ("github.com", "gitlab.com"):
            segments = segments[1:]
            if not segments:
                return []
            return [] if segments[0][0].lower() in self._public else [(OWNER, segments[0][1], segments[0][2])]
        if first in _SITE_PAGES or first in self._public:
            return []
        owner, rest = segments[0], segments[1:]
        names = [(OWNER, owner[1], owner[2])]
        if host == "gitlab.com":
            # Groups nest: every segment up to GitLab's `/-/` is a group or the project.
            for value, start, end in rest:
                if value == "-":
                    break
                names.append((REPO, start, start + len(_GIT_SUFFIX.sub("", value))))
        elif host == "dev.azure.com":
            # dev.azure.com/<org>/<project>/_git/<repository>
            if rest and not rest[0][0].startswith("_"):
                names.append((REPO, rest[0][1], rest[0][2]))
                if len(rest) >= 3 and rest[1][0] == "_git":
                    names.append((REPO, rest[2][1], rest[2][1] + len(_GIT_SUFFIX.sub("", rest[2][0]))))
        elif rest and host != "gist.github.com":
            value, start, _ = rest[0]
            names.append((REPO, start, start + len(_GIT_SUFFIX.sub("", value))))
        return [n for n in names if n[2] > n[1]]


def _segments(path: str, offset: int) -> list[tuple[str, int, int]]:
    out = []
    at = offset
    for part in path.split("/"):
        # A sentence's full stop or comma after a bare path is not part of the name.
        trimmed = part.rstrip(".,")
        if trimmed:
            out.append((trimmed, at, at + len(trimmed)))
        at += len(part) + 1
    return out
