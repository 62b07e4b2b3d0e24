"""Error signatures: the same error quoted on another day, pod or host shares one; another error does not.

The log lines are shaped like the real thing (Go panics, Postgres, Kubernetes
events, HTTP access logs, Sourcegraph's own logs) and go through the same path a
case does: `find_errors` takes the error out of the line, `signature` names it.
"""

from __future__ import annotations

import pytest

from archive.facts import find_errors
from archive.signatures import SIGNATURE, signature, signatures_of, template


def sigs(*lines: str) -> list[str]:
    """The signatures of the errors a case quoting these lines records, in order."""
    return [signature(e) for e in find_errors(["\n".join(lines)])]


def one(line: str) -> str:
    found = sigs(line)
    assert len(found) == 1, (line, find_errors([line]))
    return found[0]


# Each pair: the same error as two cases quote it (other times, pods, hosts, ids, numbers, paths).
SAME = {
    "Sourcegraph log": (
        '2023-04-02T20:34:48.158Z gitserver-0 gitserver ERROR git gc failed repo=<HOST_2>/platform/monorepo err="signal: killed"',
        '2024-01-17T03:02:11.004Z gitserver-1 gitserver ERROR git gc failed repo=<HOST_1>/acme/api err="signal: killed"',
    ),
    "Go panic": (
        "panic: runtime error: index out of range [5] with length 3",
        "panic: runtime error: index out of range [12] with length 7",
    ),
    "Go fatal error": ("fatal error: concurrent map writes", "fatal error: concurrent map writes"),
    "Postgres error": (
        '2023-05-01 10:00:00.123 UTC [4711] ERROR:  duplicate key value violates unique constraint "repo_name_unique"',
        '2024-02-11 22:13:09.876 UTC [112] ERROR:  duplicate key value violates unique constraint "repo_name_unique"',
    ),
    "Postgres connection": (
        "2023-05-01 10:00:00 UTC [99] FATAL:  remaining connection slots are reserved for non-replication superuser connections",
        "2024-06-02 08:30:12 UTC [4242] FATAL:  remaining connection slots are reserved for non-replication superuser connections",
    ),
    "dial error": (
        "t=2023-04-02T20:34:48Z lvl=eror msg=\"frontend: dial tcp 10.0.3.17:5432: connect: connection refused\"",
        "t=2024-01-01T00:00:01Z lvl=eror msg=\"frontend: dial tcp 172.16.9.201:6432: connect: connection refused\"",
    ),
    "Kubernetes describe event": (
        "  Warning  BackOff    3m2s (x41 over 9h)   kubelet  Back-off restarting failed container searcher in pod "
        "searcher-7d9f8b6c4-x2x5k_sourcegraph(3f1c2d4e-1111-2222-3333-444455556666)",
        "  Warning  BackOff    12s (x3 over 1m)     kubelet  Back-off restarting failed container searcher in pod "
        "searcher-5c6b7d8f9-qwz7p_prod(8a9b0c1d-5555-6666-7777-888899990000)",
    ),
    "Kubernetes get events": (
        "2m          Warning   FailedScheduling   pod/gitserver-0   0/3 nodes are available: 3 Insufficient memory.",
        "14s         Warning   FailedScheduling   pod/gitserver-2   0/5 nodes are available: 5 Insufficient memory.",
    ),
    "HTTP access log": (
        '<IP_1> - - [02/Jan/2023:15:04:05 +0000] "GET /.api/search/stream?q=context:global+lang:go HTTP/1.1" 502 150 "-"',
        '<IP_2> - - [19/Mar/2024:01:00:59 +0000] "GET /.api/search/stream?q=repo:foo HTTP/2.0" 502 98 "-"',
    ),
    "HTTP status line": ("< HTTP/1.1 504 Gateway Timeout", "HTTP/2 504 Gateway Timeout"),
}

# Pairs that must not share: another error, another status, another identifier.
DIFFERENT = {
    "another Go panic": (
        "panic: runtime error: index out of range [5] with length 3",
        "panic: runtime error: invalid memory address or nil pointer dereference",
    ),
    "another Postgres constraint": (
        'ERROR:  duplicate key value violates unique constraint "repo_name_unique"',
        'ERROR:  duplicate key value violates unique constraint "users_username"',
    ),
    "another Postgres relation": (
        'ERROR:  relation "lsif_uploads" does not exist',
        'ERROR:  relation "codeintel_ranking" does not exist',
    ),
    "another HTTP status": (
        '<IP_1> - - [02/Jan/2023:15:04:05 +0000] "GET /.api/search/stream HTTP/1.1" 502 150',
        '<IP_1> - - [02/Jan/2023:15:04:05 +0000] "GET /.api/search/stream HTTP/1.1" 504 150',
    ),
    "another upstream status": (
        "ERROR syncer.sync failed: request to <URL> returned status 403: API rate limit exceeded",
        "ERROR syncer.sync failed: request to <URL> returned status 500: API rate limit exceeded",
    ),
    "another exit status": ("ERROR janitor: cleanup failed: exit status 128", "ERROR janitor: cleanup failed: exit status 1"),
    "another Kubernetes reason": (
        "  Warning  BackOff    3m   kubelet  Back-off restarting failed container gitserver",
        "  Warning  Unhealthy  3m   kubelet  Readiness probe failed: HTTP probe failed with statuscode: 503",
    ),
    "another signal": (
        'ERROR git gc failed repo=<HOST_1>/x err="signal: killed"',
        'ERROR git gc failed repo=<HOST_1>/x err="signal: segmentation fault"',
    ),
}


@pytest.mark.parametrize("first, second", SAME.values(), ids=SAME.keys())
def test_the_same_error_on_other_days_pods_and_hosts_shares_a_signature(first: str, second: str) -> None:
    assert one(first) == one(second)
    assert SIGNATURE.match(one(first))


@pytest.mark.parametrize("first, second", DIFFERENT.values(), ids=DIFFERENT.keys())
def test_different_errors_do_not(first: str, second: str) -> None:
    assert one(first) != one(second)


def test_all_the_examples_are_distinct_errors() -> None:
    firsts = [one(first) for first, _ in SAME.values()]
    assert len(set(firsts)) == len(firsts)


def test_lines_that_are_not_errors_give_no_signature() -> None:
    assert sigs(
        "  Normal   Pulled     3m   kubelet  Container image already present on machine",
        '<IP_1> - - [02/Jan/2023:15:04:05 +0000] "GET /.api/search/stream HTTP/1.1" 200 150',
        "HTTP/1.1 200 OK",
        "2023-04-02T20:34:48.158Z gitserver-0 gitserver INFO  cloning repo=<HOST_1>/x",
        "We restarted the pod at 10:30 and it worked.",
    ) == []


def test_the_template_says_what_was_left_out() -> None:
    assert template(
        "failed to write shard path=/data/index/github.com%2Facme%2Fx_v16.00000.zoekt at 2023-04-02T20:34:48Z: "
        "write: no space left on device"
    ) == "failed to write shard path=/data/index/<path> at <ts>: write: no space left on device"
    assert template("dial tcp 10.0.3.17:5432 after 3.002s: connect: connection refused") == (
        "dial tcp <ip> after <dur>: connect: connection refused"
    )
    assert template("pod searcher-7d9f8b6c4-x2x5k (3f1c2d4e-1111-2222-3333-444455556666) in <ORG_1>: 3 restarts") == (
        "pod searcher-<pod> (<id>) in <*>: <n> restarts"
    )
    # Numbers that are part of a name stay; an HTTP status before its reason phrase stays.
    assert template("x509: certificate signed by unknown authority; 502 Bad Gateway") == (
        "x509: certificate signed by unknown authority; 502 Bad Gateway"
    )


def test_signatures_of_lists_each_once_with_its_template_sorted() -> None:
    errors = ["git gc failed: signal: killed", "OOMKilled", "git gc failed: signal: killed"]
    found = signatures_of(errors)
    assert list(found) == sorted(found) and len(found) == 2
    assert found[signature("OOMKilled")] == "OOMKilled"
