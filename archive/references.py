"""Known-issue references in a case's redacted text: issues and pull requests of public organisations, Jira keys.

    https://github.com/sourcegraph/sourcegraph/issues/46973       ->  sourcegraph/sourcegraph#46973
    https://github.com/sourcegraph/sourcegraph/pull/47001         ->  sourcegraph/sourcegraph#47001
    sourcegraph/sourcegraph#46973 (written so in a comment)       ->  sourcegraph/sourcegraph#46973
    https://gitlab.com/gitlab-org/gitlab/-/issues/12              ->  gitlab.com/gitlab-org/gitlab#12
    https://gitlab.com/gitlab-org/gitlab/-/merge_requests/34      ->  gitlab.com/gitlab-org/gitlab!34
    SG-123, https://acme.atlassian.net/browse/SG-123              ->  SG-123

GitHub numbers issues and pull requests in one sequence (`/issues/N` opens
either), so both are `owner/repo#N`; GitLab numbers them apart and writes a
merge request `!N`, and its references carry the host. Only organisations on the
configured list count (the first part of the repository's path, any case): a
customer's own repositories are redacted before this runs (`<ORG_1>` is no
owner), and one that slipped through is still not on the list. References are
lower-case, as both hosts treat names. Jira keys count
only for the configured project keys.
"""

from __future__ import annotations

import re
from typing import Iterable

# Each part a name, never `.` or `..`: a reference becomes a page's path (issues/<place>/<n>.md).
_PART = r"(?!\.\.?(?:/|[#!]))[a-z0-9_.-]{1,100}"
ISSUE_REF = re.compile(rf"^(?:gitlab\.com/)?{_PART}(?:/{_PART}){{1,8}}[#!]\d{{1,9}}$")
JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,30}-\d{1,9}$")
GITLAB = "gitlab.com/"

_GITHUB_URL = re.compile(
    r"https?://(?:www\.)?github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?:issues|pull)/(?P<n>\d{1,9})(?!\d)", re.I
)
_GITLAB_URL = re.compile(
    r"https?://(?:www\.)?gitlab\.com/(?P<path>[\w.-]+(?:/[\w.-]+)+?)/(?:-/)?(?P<kind>issues|merge_requests)/(?P<n>\d{1,9})(?!\d)",
    re.I,
)
_SHORT = re.compile(r"(?<![\w/.#-])(?P<owner>[A-Za-z0-9][\w.-]*)/(?P<repo>[\w.-]*\w)#(?P<n>\d{1,9})(?![\w])")


def _sort_key(ref: str) -> tuple[str, str, int]:
    place, kind, number = re.split(r"([#!])", ref)
    return (place, kind, int(number))


def issue_refs(texts: Iterable[str], orgs: Iterable[str]) -> list[str]:
    """The distinct issue and pull/merge request references of the organisations `orgs`, sorted."""
    wanted = {o.strip().lower() for o in orgs if o.strip()}
    if not wanted:
        return []
    found: set[str] = set()
    for text in texts:
        for m in _GITHUB_URL.finditer(text):
            if m.group("owner").lower() in wanted:
                found.add(f"{m.group('owner')}/{m.group('repo')}#{int(m.group('n'))}".lower())
        for m in _GITLAB_URL.finditer(text):
            path = m.group("path")
            if path.split("/", 1)[0].lower() in wanted:
                sign = "!" if m.group("kind").lower() == "merge_requests" else "#"
                found.add(f"{GITLAB}{path}{sign}{int(m.group('n'))}".lower())
        for m in _SHORT.finditer(text):
            if m.group("owner").lower() in wanted:
                found.add(f"{m.group('owner')}/{m.group('repo')}#{int(m.group('n'))}".lower())
    return sorted((r for r in found if ISSUE_REF.match(r)), key=_sort_key)


def jira_keys(texts: Iterable[str], projects: Iterable[str]) -> list[str]:
    """The distinct issue keys of the Jira projects `projects` (`SG` finds SG-123), sorted."""
    keys = sorted({p.strip().upper() for p in projects if p.strip()})
    if not keys:
        return []
    pattern = re.compile(rf"(?<![\w-])(?P<key>{'|'.join(map(re.escape, keys))})-(?P<n>\d{{1,9}})(?![\w-])")
    found = {f"{m.group('key')}-{int(m.group('n'))}" for text in texts for m in pattern.finditer(text)}
    return sorted((k for k in found if JIRA_KEY.match(k)), key=lambda k: (k.rsplit("-", 1)[0], int(k.rsplit("-", 1)[1])))


def issue_url(ref: str) -> str:
    """Where a reference points: GitHub's /issues/N (which opens a pull request too), GitLab's issue or merge request."""
    place, kind, number = re.split(r"([#!])", ref)
    if place.startswith(GITLAB):
        return f"https://{place}/-/{'merge_requests' if kind == '!' else 'issues'}/{number}"
    return f"https://github.com/{place}/issues/{number}"


def jira_url(key: str, base: str | None) -> str | None:
    return f"{base.rstrip('/')}/browse/{key}" if base else None
