"""Where a customer's systems live: URLs, host names and IP addresses.

A URL or host not on the allow-list is the customer's (`<URL_n>`, `<HOST_n>`);
an allow-listed link (docs, public issues) is kept and marked so that nothing
inside it is mistaken for a host, phone or person. A dotted word is a host only
when it ends in a real public suffix (tldextract's bundled snapshot, never
fetched) or an intranet suffix, and does not look like a file name
(`setup.py`, `README.md`), a config key (`search.largeFiles`), a code
attribute (`logger.info`, `user.email`) or a Java package (`java.io`,
`com.acme.util`).
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from itertools import accumulate
from typing import Iterable, List, Optional, Sequence

import tldextract
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import IpRecognizer

from redaction.codehosts import OWNER, REPO, CodeHostPaths
from redaction.endpoints import is_service_endpoint, tenant_of
from redaction.models import Finding

URL = "URL"
HOST = "HOST"
IP = "IP"
# Not redacted: an allow-listed link whose contents other detectors must leave alone.
ALLOWED_URL = "ALLOWED_URL"
# Inside an allow-listed link these are parts of the link (issue numbers, paths, a user name
# in a profile link), not findings. Secrets, emails and URLs are findings anywhere:
# `https://github.com/x?token=ghp_…` is a public host carrying a private token.
_PART_OF_ALLOWED_LINK = frozenset({HOST, IP, "PHONE", "CREDIT_CARD", "PERSON", "ORG", "NATIONAL_ID", "ADDRESS"})

# suffix_list_urls=() means: never fetch, use the snapshot shipped in the wheel;
# cache_dir=None means: never write one either.
_PUBLIC_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)

# Intranet names that are not public suffixes but name a customer machine all the same.
_PRIVATE_SUFFIXES = frozenset({"local", "internal", "corp", "lan", "intranet", "localdomain", "intra", "private", "home"})
# In-cluster service names and reserved names: technical, never a customer's.
_TECHNICAL_SUFFIXES = (".svc", ".svc.cluster.local", ".cluster.local", ".localhost", ".example", ".invalid", ".test")
# Suffixes that are mostly file extensions or attribute names in tickets: never a host on their own.
_CODE_SUFFIXES = frozenset(
    """
    am cc data date debug docs id in inc info java json key link lock log map md mk mov name new page pid
    pl pm ps py rs run sh so tf top type zip email host size test bar foo
    """.split()
)
# Of those, the ones that are file extensions rather than attribute names (`self.request.id`): a name
# of three labels or more on one of them is a host unless a path or a command says file.
_EXTENSION_SUFFIXES = frozenset({"md", "mk", "mov", "pl", "pm", "py", "rs", "sh", "tf", "zip"})
# Suffixes common enough for hosts to count with just two labels (`acme.com`).
_STRONG_SUFFIXES = frozenset(
    """
    com net org edu gov mil int io co us uk ca de fr nl se ch au jp cn br ru es eu ie nz sg hk kr tw za mx ar
    dk fi pt cz il tr ua gr hu ro at be biz ai cloud xyz online site tech me it
    """.split()
)
# The first label of a reversed domain: `com.acme.util` is a Java package, not a host.
_REVERSED_DNS_STARTS = frozenset({"com", "org", "net", "io", "dev", "edu", "gov", "de", "uk"})

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_CAMEL = re.compile(r"[a-z][A-Z]")

_URL_RE = re.compile(
    r"""(?ix)\b
    (?:https?|wss?|ssh|git|s?ftp|svn|postgres(?:ql)?|mysql|mariadb|redis|rediss|mongodb(?:\+srv)?
      |amqps?|ldaps?|smtps?|imaps?|s3|gs|jdbc:[a-z0-9]+|perforce|p4)
    ://[^\s<>"'`\\]+"""
)
_URL_AUTHORITY = re.compile(
    r"^[^:]+(?::[a-z0-9]+)?://(?:(?P<userinfo>[^@/?#]*)@)?(?P<host>\[[^\]/]*\]|[^:/?#]*)", re.IGNORECASE
)
# Query parameters that make a link a credential, whatever the host.
_SIGNED = re.compile(
    r"(?i)[?&;](?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|signature|sig|token"
    r"|access_token|id_token|auth|api_key|apikey|key|password|client_secret|code|jwt|session)=|/attachments/token/"
)
_HOST_RE = re.compile(
    r"(?<![\w.@$%-])((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,62})"
    r"(?![\w-]|\.[\w-]|\()"
)
_TRAILING = ".,;:!?'\"*_~"
# The parts of a service endpoint's path, and those that may stand in a link kept whole.
_PATH_PARTS = re.compile(r"[/?#&=]+")
_SERVICE_PART = re.compile(r"^[a-z0-9][a-z0-9._~-]*$")
_ID_LIKE = re.compile(r"\d{6}|[0-9a-f]{8}-|(?=[a-z]*\d)[0-9a-f]{12}")
# Right before a file name: a path, or a command that takes files (`python deploy.py`, `cat notes.md`).
_FILE_CONTEXT = re.compile(
    r"(?:[/\\]|(?i:\b(?:python[0-9.]*|py|pip|cat|less|more|vim?|nano|emacs|bash|sh|zsh|source|perl|ruby|node|deno|go|cargo"
    r"|rustc|chmod|chown|cp|mv|rm|ls|tail|head|grep|sed|awk|diff|touch|open|edit|run|execute|script|file|files|readme"
    r"|git[ \t]+(?:add|rm|mv|diff|log|show|checkout|blame))(?:[ \t]+-{1,2}[\w-]+)*[ \t]+))$"
)
# Words that make the next dotted name a host: on the same line, shortly before it.
_HOST_WORDS = re.compile(
    r"(?i)\b(?:host(?:name)?s?|server|domains?|dns|fqdn|cname|url|endpoint|instance|reachable|resolv\w*|ping|curl|wget"
    r"|ssh|telnet|nslookup|dig|traceroute|connect\w*|proxy|vpn|clone|mirror|registry|certificate|cert|tls|ssl)\b"
    r"[^\n]{0,30}$"
)
_HOST_AFTER = re.compile(r"(?i)[ \t]+(?:resolves|is (?:reachable|unreachable|down|up)|times out|refuses|refused)\b")
_PORT_AFTER = re.compile(r":\d{2,5}(?![\d:])")
# Every IPv4 address has digit-dot-digit; every IPv6 address has a hex digit next to a colon and
# another hex digit or colon.
_MAYBE_IP = re.compile(r"\d\.\d|[0-9A-Fa-f]:[0-9A-Fa-f:]|:[0-9A-Fa-f]")
_GENERIC_RANGES = frozenset(
    {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10"}
)


class AllowList:
    """Public hosts whose links are kept. Exact names; `*.example.com` allows subdomains.

    Besides, the public endpoints of well-known services (`endpoints`): the
    direct subdomains of `service_domains` and the platforms' own suffixes.
    """

    def __init__(self, domains: Iterable[str], service_domains: Iterable[str] = ()):
        names = [d.strip().lower().rstrip(".") for d in domains if d.strip()]
        self._exact = frozenset(d for d in names if not d.startswith("*."))
        self._wildcard = tuple(d[2:] for d in names if d.startswith("*."))
        self._services = frozenset(d.strip().lower().rstrip(".") for d in service_domains if d.strip())

    def allows(self, host: str) -> bool:
        """On the list, or a public endpoint of a well-known service."""
        return self.lists(host) or is_service_endpoint(host.lower().rstrip("."), self._services)

    def lists(self, host: str) -> bool:
        """On the list itself: every link to it is public, whatever its path."""
        host = host.lower().rstrip(".")
        if host in self._exact or (host.startswith("www.") and host[4:] in self._exact):
            return True
        return any(host == w or host.endswith("." + w) for w in self._wildcard)


def public_suffix(host: str) -> str:
    """The public suffix of `host` from the bundled list ("" when there is none)."""
    parts = _PUBLIC_SUFFIXES(host)
    return parts.suffix if parts.domain else ""


def registered_domain(host: str) -> str:
    """The registrable label: `acme-corp` for `git.acme-corp.co.uk`."""
    return _PUBLIC_SUFFIXES(host).domain


def is_technical_host(host: str) -> bool:
    """Loopback, in-cluster and reserved names: keep them."""
    lower = host.lower().rstrip(".")
    if lower == "localhost" or lower.endswith(_TECHNICAL_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(lower.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def classify_host(candidate: str, allow: AllowList, before: str = "", after: str = "") -> str | None:
    """HOST for a customer's host name, ALLOWED_URL for an allowed one, None for not-a-host.

    `before` and `after` are the text around the candidate on its line. A name of
    two labels on a suffix that is not common for hosts (`acme.dev`, `wm-data.md`),
    or of any length on a suffix that is mostly a file extension in tickets
    (`ghe.acme.pl`, `code.acme.py`), is decided by them: a file in a path or after
    `python`/`cat` is a file; after "host", "DNS", "curl", "ssh" ... it is a host;
    three labels or more with no file context are a host.
    """
    labels = candidate.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if any(_CAMEL.search(label) for label in labels):
        return None
    last = labels[-1]
    if last != last.lower():
        return None  # System.IO, ASP.NET, Foo.Bar: code, not a host
    lower = candidate.lower()
    if is_technical_host(lower):
        return None
    if allow.allows(lower):
        return ALLOWED_URL
    if last.lower() in _PRIVATE_SUFFIXES:
        return HOST
    suffix = public_suffix(lower)
    if not suffix:
        return None
    if labels[0].lower() in _REVERSED_DNS_STARTS and len(labels) >= 3:
        return None
    top = suffix.rsplit(".", 1)[-1]
    code = top in _CODE_SUFFIXES
    if not code and ("." in suffix or top in _STRONG_SUFFIXES):
        return HOST
    if _FILE_CONTEXT.search(before):
        return None
    if len(labels) >= 3 and candidate == lower and (not code or top in _EXTENSION_SUFFIXES):
        return HOST
    if _HOST_WORDS.search(before) or _HOST_AFTER.match(after) or (not code and _PORT_AFTER.match(after)):
        return HOST
    return None


def outside_allowed_links(findings: Iterable[Finding], allowed: Sequence[tuple[int, int]]) -> list[Finding]:
    """The findings that stand in a text whose allow-listed links span `allowed`.

    The one rule, for the Redactor and the LeakScanner alike: a host, IP, phone,
    card number or name that lies wholly inside an allowed link is part of the
    link and is dropped. A secret, an email address or a URL is kept, and so is
    anything the ticket's deny-lists or people know (it has an identity): a
    customer's name is theirs even inside a docs link.
    """
    if not allowed:
        return list(findings)
    # Sorted starts and the farthest end reached by any link starting there or before: one bisect per finding.
    links = sorted(allowed)
    starts = [s for s, _ in links]
    reach = list(accumulate((e for _, e in links), max))
    return [f for f in findings if not _part_of_allowed_link(f, starts, reach)]


def _part_of_allowed_link(f: Finding, starts: Sequence[int], reach: Sequence[int]) -> bool:
    if f.type not in _PART_OF_ALLOWED_LINK or f.identity is not None:
        return False
    at = bisect_right(starts, f.start) - 1
    return at >= 0 and reach[at] >= f.end


def _service_path(rest: str) -> bool:
    """A path (query, fragment) of lower-case words and versions only: `/oauth2/v2.0/token`, not `/<tenant id>/`."""
    parts = [p for p in _PATH_PARTS.split(rest) if p]
    return all(_SERVICE_PART.match(p) and not _ID_LIKE.search(p) for p in parts)


def _without(start: int, end: int, spans: Sequence[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The pieces of [start, end) outside `spans` (sorted by start)."""
    pieces, at = [], start
    for _, s, e in spans:
        if e <= at or s >= end:
            continue
        if s > at:
            pieces.append((at, s))
        at = max(at, e)
    if at < end:
        pieces.append((at, end))
    return pieces


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING:
        url = url[:-1]
    # A closing bracket belongs to the URL only when the URL opened one.
    for close, open_ in ((")", "("), ("]", "["), ("}", "{")):
        while url.endswith(close) and url.count(close) > url.count(open_):
            url = url[:-1]
            while url and url[-1] in _TRAILING:
                url = url[:-1]
    return url


class NetworkRecognizer(EntityRecognizer):
    """URLs and bare host names outside the allow-list → URL / HOST."""

    def __init__(self, allow: AllowList, code_hosts: CodeHostPaths | None = None):
        self._allow = allow
        self._code_hosts = code_hosts or CodeHostPaths(())
        super().__init__(
            supported_entities=[URL, HOST, ALLOWED_URL, OWNER, REPO], name="NetworkRecognizer", supported_language="en"
        )

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[object] = None) -> List[RecognizerResult]:
        # Owners and repositories on public code hosts are the customer's, inside allowed links too.
        paths = self._code_hosts.find(text)
        results = [self._result(entity, start, end, "code host path") for entity, start, end in paths]
        for match in _URL_RE.finditer(text):
            url = _trim_url(match.group())
            verdict = self._url_verdict(url)
            start = match.start()
            if verdict == ALLOWED_URL:
                for piece in _without(start, start + len(url), paths):
                    results.append(self._result(ALLOWED_URL, *piece, "url"))
            elif verdict:
                results.append(self._result(verdict, start, start + len(url), "url"))
        for match in _HOST_RE.finditer(text):
            candidate = match.group(1)
            start, end = match.span(1)
            line = text.rfind("\n", 0, start) + 1
            verdict = classify_host(candidate, self._allow, text[max(line, start - 60) : start], text[end : end + 24])
            if verdict == HOST:
                # On a platform's suffix only the tenant is the customer's: <HOST_1>.s3.eu-west-1.amazonaws.com.
                tenant = tenant_of(candidate.lower())
                results.append(self._result(HOST, start, start + len(tenant) if tenant else end, "host name"))
        return results

    def _url_verdict(self, url: str) -> str | None:
        authority = _URL_AUTHORITY.match(url)
        host = (authority.group("host") if authority else "") or ""
        if _SIGNED.search(url):
            return URL
        if not host or is_technical_host(host):
            return None
        if "." not in host and ":" not in host:
            return None  # a bare service name (http://gitserver-0:3178) is technical
        if self._allow.lists(host):
            return ALLOWED_URL
        if self._allow.allows(host):
            # A service endpoint's path can name the customer (a tenant id, a document id): the link is
            # kept only when its path reads as the service's own.
            return ALLOWED_URL if _service_path(url[authority.end() :] if authority else "") else URL
        return URL

    def _result(self, entity: str, start: int, end: int, why: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=entity,
            start=start,
            end=end,
            score=0.9,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: f"{self.name}:{why}",
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


class IpAddressRecognizer(IpRecognizer):
    """Presidio's IPv4/IPv6 patterns, minus loopback and dotted numbers that only look like IPs."""

    def __init__(self) -> None:
        super().__init__(supported_entity=IP, name="IpAddressRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # noqa: D102
        if not _MAYBE_IP.search(text):
            return []  # Presidio's IPv6 pattern is slow, and most texts have no address at all
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = []
        for result in results:
            value = text[result.start : result.end]
            before = text[result.start - 1 : result.start] if result.start else ""
            after = text[result.end : result.end + 2]
            if before == "." or before.isalnum() or re.match(r"\.\d", after):
                continue  # 1.3.6.1.4.1 (an OID) or a five-part build number
            try:
                address = ipaddress.ip_interface(value).ip
            except ValueError:
                continue
            if address.is_loopback or address.is_unspecified or str(address) == "255.255.255.255":
                continue
            if value in _GENERIC_RANGES:
                continue  # "10.0.0.0/8" names a kind of network, not the customer's
            kept.append(result)
        return kept
