"""User names inside identifiers: home directories, `user=` fields, LDAP names, ssh logins, namespaces.

A person's name is often written as an account, not as a name: `/home/jkowalski/`,
`C:\\Users\\Jan.Kowalski\\`, `user="jkowalski"`, `uid=jan.kowalski,ou=people`,
`ssh jkowalski@bastion`, `the mailbox jan.kowalski`, `@jan.kowalski`, `kubectl -n dev-jan`. Each
place is one compiled pattern; the account found there is redacted whole (as a
PERSON), and its parts then recur like any name found by context (`people`).

An account is taken when it looks like a person's: no system or role account
(`root`, `ubuntu`, `admin`, `ci-bot`), no tool, and at least one part (split
at `.`, `_`, `-`, digits) that is a listed name or no ordinary word. In a
namespace only such parts are taken: `dev-jan` keeps `dev-`.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from redaction.english import fold, lexicon
from redaction.names import NameLists, name_lists
from redaction.vocabulary import COMMON_WORDS, GENERIC_MAILBOXES, NOT_NAME_WORDS, PRODUCT_WORDS, TECH_WORDS

PERSON = "PERSON"

# Accounts that belong to a system, a role or an image, never to a person.
SYSTEM_ACCOUNTS = frozenset(
    """
    root admin administrator user users guest nobody daemon bin sys sync www www-data wwwrun ubuntu debian
    centos ec2-user azureuser cloud-user core fedora vagrant runner runneradmin jenkins gitlab-runner git svc
    service system local public default shared all everyone app apps node postgres mysql redis nginx docker
    sourcegraph deploy deployer build builder bot ci cd test tester demo dev developer ops operator backup
    """.split()
)
_ACCOUNT = r"[^\W\d_][\w.\-]{1,40}?"
_KEYS = (
    r"user|username|user_?name|user_?id|userid|login|login_?name|owner|actor|author|committer|assignee|principal"
    r"|member|requester|reporter|samaccountname|upn|uid|created_?by|updated_?by|modified_?by|deleted_?by"
)
_PATTERNS = (
    # Home directories: /home/<u>/, /Users/<u>/, C:\Users\<u>\
    re.compile(rf"(?:/home/|/Users/|/users/|(?<![\w])[A-Za-z]:\\{{1,2}}Users\\{{1,2}}|\\\\Users\\\\)(?P<id>{_ACCOUNT})(?=[/\\\s\"'`,;:)]|$)"),
    # key=value and key: value, quoted or not (a quoted value may be a full name: actor='Jan Kowalski').
    re.compile(rf"(?i:\b(?:{_KEYS}))[ \t]*[=:][ \t]*(?P<q>[\"'`]?)(?P<id>{_ACCOUNT}|(?<=[\"'`])[^\W\d_][^\"'`\n]{{1,60}}?)(?P=q)(?![\w.@-])"),
    # LDAP distinguished names: uid=jan.kowalski,ou=… / cn=Jan Kowalski,ou=…
    re.compile(r"(?i:\b(?:uid|cn))=(?P<id>[^\W\d_][^,+=\n]{1,60}?)(?=,(?i:ou|dc|o|cn)=)"),
    # "user jkowalski signed in", "user "jkowalski" (id=42)"
    re.compile(
        r"(?i:\b(?:user|username|account|login))[ \t]+(?P<q>[\"'`“]?)"
        rf"(?P<id>{_ACCOUNT})[\"'`”]?"
        r"(?=[ \t]+(?i:signed|logged|authenticated|failed|not[ \t]+found|does[ \t]+not)\b|[ \t]*\()"
    ),
    # "the mailbox jan.kowalski is…": an account with a separator after a word that names accounts
    re.compile(
        r"(?i:\b(?:user|username|account|login|mailbox|inbox))[ \t]+[\"'`“]?"
        r"(?P<id>[^\W\d_][^\W_]*\.[^\W\d_][^\W_]*)[\"'`”]?(?![\w.@-])"
    ),
    # Handles with a separator in prose: "assigned to @fenwick.larue", "cc @jan_kowalski". Not a decorator
    # (`@pytest.mark.skip` on its own line or before a call), a package scope (`@types/node`) or an address.
    re.compile(r"(?<![\w@.+/\\-])(?<!^)(?<!\n)(?<![ \t]{4})@(?P<id>[^\W\d_][^\W_]*(?:[._-][^\W_]+)+)(?![\w@/(-]|\.[^\W\d_])"),
    # ...and one that opens a line of prose: "@tatsuya.mori can you check", "@jan_kowalski: done".
    re.compile(r"(?m)^@(?P<id>[^\W\d_][^\W_]*(?:[._-][^\W_]+)+)(?=[,:]?[ \t]+[a-z])"),
    # ssh/scp logins without a domain: ssh jkowalski@bastion-2 (an address with a domain is an e-mail)
    re.compile(rf"(?i:\b(?:ssh|scp|sftp|rsync|mosh))\b[^\n]{{0,80}}?(?<![\w.@-])(?P<id>{_ACCOUNT})@(?=[A-Za-z0-9])"),
)
# Kubernetes namespaces: -n dev-jan, --namespace=dev-jan, namespace: dev-jan, namespaces/dev-jan
_NAMESPACE = re.compile(
    r"(?:(?<![\w-])-n[ \t=]+|--namespace[ \t=]+|(?i:\bnamespace)[ \t]*[=:][ \t]*[\"']?|\bnamespaces/|\bns/)"
    r"(?P<ns>[a-z0-9][a-z0-9-]{1,62})(?![\w.-]*[/:]\w)"
)
_PART = re.compile(r"[^\W\d_]+")


class AccountFinder:
    """Person accounts inside identifiers (see the module docstring)."""

    def __init__(self, blocked: Iterable[str] = (), lists: NameLists | None = None):
        self._lists = lists or name_lists()
        self._lexicon = lexicon()
        self._never = (
            frozenset(fold(b) for b in blocked) | TECH_WORDS | SYSTEM_ACCOUNTS | GENERIC_MAILBOXES | NOT_NAME_WORDS | PRODUCT_WORDS
        )

    def with_blocked(self, more: Iterable[str]) -> "AccountFinder":
        finder = AccountFinder((), self._lists)
        finder._never = self._never | frozenset(fold(b) for b in more)
        return finder

    def find(self, text: str) -> Iterator[tuple[str, int, int]]:
        for pattern in _PATTERNS:
            for match in pattern.finditer(text):
                start, end = match.span("id")
                account = text[start:end].rstrip(".-")
                if self._personal(account):
                    yield PERSON, start, start + len(account)
        for match in _NAMESPACE.finditer(text):
            base = match.start("ns")
            for part in _PART.finditer(match.group("ns")):
                if self._name_part(part.group()):
                    yield PERSON, base + part.start(), base + part.end()

    def _personal(self, account: str) -> bool:
        if fold(account) in self._never or "@" in account:
            return False
        parts = _PART.findall(account)
        if not parts or any(fold(p) in self._never for p in parts if len(parts) == 1):
            return False
        return any(self._name_part(p) for p in parts)

    def _name_part(self, part: str) -> bool:
        folded = fold(part)
        if len(part) < 3 or folded in self._never:
            return False
        if self._lists.is_first(part) or self._lists.is_last(part):
            return folded not in COMMON_WORDS and folded not in self._lists.first_words
        return not self._lexicon.is_word(part)
