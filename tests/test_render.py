"""Case notes: frontmatter that every YAML parser reads the same, the body layout, facts, size bounds."""

from __future__ import annotations

import dataclasses

import random
import re
from dataclasses import replace

import frontmatter
import pytest
import yaml

from archive.errors import RenderError
from archive.facts import find_errors, find_links, find_versions
from archive.limits import distinct_trigrams
from archive.render import render_ticket
from archive.settings import NoteSettings
from redaction.models import RedactedComment
from tests.cases import HOSTILE_TITLES, at, case, check_golden

KEYS = [
    "id", "title", "status", "created_at", "updated_at", "solved_at", "url", "priority", "type", "channel",
    "organization", "product_area", "deployment", "version", "versions", "services", "errors", "signatures", "issues",
    "keywords", "tags", "comments", "fields", "redaction",
]  # fmt: skip
HEADING = re.compile(
    r"^### \d+\. \d{4}-\d\d-\d\d \d\d:\d\d UTC · (?:customer|agent) \S.* · (?:public|internal note)$"
)


def strict_yaml():
    """A YAML 1.2 parser (ruamel.yaml, pure Python, safe): `yes` and `no` are strings there, `1e3` a number."""
    ruamel = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml (the test extra) is not installed")
    return ruamel.YAML(typ="safe", pure=True)


def header_text(data: bytes) -> str:
    text = data.decode("utf-8")
    assert text.startswith("---\n")
    return text[4 : text.index("\n---\n", 3) + 1]


# -- the frontmatter ----------------------------------------------------------------


def test_golden_case_note() -> None:
    check_golden("case_note.md", render_ticket(case()))


def test_frontmatter_keys_in_fixed_order_and_lists_on_one_line() -> None:
    data = render_ticket(case())
    post = frontmatter.loads(data.decode())
    assert list(post.keys()) == KEYS
    text = header_text(data)
    assert "\nversions: [4.0.0, '4.1', 4.1.3, 4.2.1]\n" in text
    assert "\nservices: [gitserver]\n" in text
    assert "\ntags: [<ORG_1>, gitserver, kubernetes, repository_sync]\n" in text
    assert "\nredaction:\n  counts: {HOST: 3, ORG: 2, PERSON: 4, URL: 2}\n" in text
    for key in ("versions", "services", "errors", "keywords", "tags"):
        (line,) = [l for l in text.splitlines() if l.startswith(f"{key}:")]
        values = post[key]
        assert line.startswith(f"{key}: [") and line.endswith("]")
        assert values == sorted(set(values), key=values.index)  # de-duplicated
    assert post["versions"] == ["4.0.0", "4.1", "4.1.3", "4.2.1"]  # normalised (v4.1.3 -> 4.1.3), numeric order
    assert post["keywords"] == sorted(post["keywords"])


def test_frontmatter_reads_the_same_in_pyyaml_python_frontmatter_and_a_strict_yaml_1_2_parser() -> None:
    data = render_ticket(case())
    expected = frontmatter.loads(data.decode()).metadata
    assert yaml.safe_load(header_text(data)) == expected
    assert strict_yaml().load(header_text(data)) == expected


def hostile(title: str) -> bytes:
    return render_ticket(case(title=title, tags=(title, "ok"), custom_fields=((title or "empty", title),)))


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=[repr(t) for t in HOSTILE_TITLES])
def test_hostile_titles_round_trip_exactly(title: str) -> None:
    data = hostile(title)
    assert b"\x00" not in data and b"\r" not in data
    post = frontmatter.loads(data.decode())
    assert post["title"] == title
    assert post["tags"] == sorted({title, "ok"})
    assert post["fields"] == {title or "empty": title} if title.strip() else "fields" not in post
    # Every key on its own line: the frontmatter has exactly one line per top-level scalar.
    header = header_text(data).splitlines()
    assert len([l for l in header if l.startswith("title:")]) == 1
    assert all(l.startswith(("  ", *(f"{k}:" for k in KEYS))) for l in header)


def test_hostile_titles_read_the_same_in_a_strict_yaml_1_2_parser() -> None:
    parser = strict_yaml()
    for title in HOSTILE_TITLES:
        data = hostile(title)
        assert parser.load(header_text(data)) == frontmatter.loads(data.decode()).metadata, repr(title)


def test_lone_surrogates_become_replacement_characters() -> None:
    post = frontmatter.loads(render_ticket(case(title="bad\ud800title")).decode())
    assert post["title"] == "bad\ufffdtitle"


def test_custom_fields_are_configurable_and_keep_their_titles() -> None:
    post = frontmatter.loads(render_ticket(case()).decode())
    assert post["fields"] == {
        "Product version": "v4.1.3",
        "Deployment type": "kubernetes",
        "Product area": "repository_sync",
        "Instance URL": "<URL_2>",
        "Support tier": "tier_premium",
    }
    only = NoteSettings(custom_fields=("support tier",))
    assert frontmatter.loads(render_ticket(case(), only).decode())["fields"] == {"Support tier": "tier_premium"}


def test_redaction_block_has_counts_and_versions() -> None:
    post = frontmatter.loads(render_ticket(case()).decode())
    assert post["redaction"] == {
        "counts": {"HOST": 3, "ORG": 2, "PERSON": 4, "URL": 2},
        "versions": {"model": "en_core_web_sm-3.8.0", "presidio": "2.2.366", "spacy": "3.8.18"},
    }
    bare = frontmatter.loads(render_ticket(case(redaction_versions={}, redactions={})).decode())
    assert bare["redaction"] == {"counts": {}}


def test_organization_is_only_a_keyed_pseudonym() -> None:
    assert frontmatter.loads(render_ticket(case()).decode())["organization"] == "org-3f9a1c0b2d4e"
    assert "organization" not in frontmatter.loads(render_ticket(case(organization=None)).decode())
    with pytest.raises(RenderError, match="pseudonym") as raised:
        render_ticket(case(organization="Initech Corp"))
    assert "Initech" not in str(raised.value)


def test_only_redacted_tickets_render() -> None:
    with pytest.raises(RenderError):
        render_ticket({"id": 1, "title": "raw"})  # type: ignore[arg-type]


# -- facts --------------------------------------------------------------------------


def test_case_facts() -> None:
    post = frontmatter.loads(render_ticket(case()).decode())
    assert post["version"] == "4.1.3"
    assert post["deployment"] == "kubernetes"
    assert post["product_area"] == "repository_sync"
    assert post["services"] == ["gitserver"]
    assert post["errors"] == ["OOMKilled", "git gc failed: signal: killed"]
    assert post["comments"] == 5


def test_deployment_from_the_text_when_no_field_says_it() -> None:
    fields = (("Product version", "5.1.2"),)
    compose = RedactedComment(at(4, 3), "<PERSON_1>", "customer", True, "We run docker-compose on one VM.")
    k8s_ask = RedactedComment(at(4, 4), "Ann", "agent", True, "Please send `kubectl get pods`.")
    post = frontmatter.loads(render_ticket(case(custom_fields=fields, comments=(compose, k8s_ask))).decode())
    assert post["deployment"] == "docker-compose"  # the customer's words beat the agent's generic ask
    cloud = RedactedComment(at(4, 3), "<PERSON_1>", "customer", True, "Our managed instance is slow.")
    managed = case(custom_fields=fields, comments=(cloud,))
    assert frontmatter.loads(render_ticket(managed).decode())["deployment"] == "cloud"
    field = case(custom_fields=(("Deployment type", "single_container"),), comments=(compose,))
    assert frontmatter.loads(render_ticket(field).decode())["deployment"] == "single-container"


@pytest.mark.parametrize(
    "text",
    [
        "host 10.0.12.7 and 192.168.1.10",
        "on 2024-03-05, 05.03.2024, 2024.03.05 and 3.4.2024",
        "from 10.30 to 11.45, at 12.30 UTC, on 12.30",
        "call +1 555.123.4567 or +33 6.12.34.56.78 or 06.12.34.56.78",
        "ratio 0.5, 1.5x faster, took 3.002 s, 30.001 ms, v16.00000.zoekt",
        "https://docs.sourcegraph.com/@3.42/admin and /usr/lib/4.1.2/x",
        "sha256:913d07387b5cbe35dc996b63fa0abe01b6ed5170e6b3c69412bb1b2bd8a3d348",
    ],
)
def test_versions_are_never_taken_from_ips_dates_times_or_phone_numbers(text: str) -> None:
    assert find_versions([text]) == []


def test_versions_are_found_and_normalised() -> None:
    text = (
        "Upgraded from 3.39 to 3.42.1 (v3.42.1 again), sourcegraph/server:5.1.2, version 4.0, "
        "fixed in 4.2, Sourcegraph 5.3, running 6.0.1."
    )
    assert find_versions([text]) == ["3.39", "3.42.1", "4.0", "4.2", "5.1.2", "5.3", "6.0.1"]


def test_the_version_pattern_is_configurable() -> None:
    dated = NoteSettings(version_pattern=r"(?<![\d.])(?P<v>20\d\d\.\d\d?\.\d\d?)(?![\d.])")
    assert find_versions(["we run 2023.10.4 now, not 5.1.2"], dated) == ["2023.10.4"]


def test_errors_are_distinct_and_normalised() -> None:
    log = "\n".join(
        [
            '2024-01-01T00:00:00Z searcher-6b8f-p7 searcher ERROR search failed repo=<HOST_1>/a commit=5fda9988c79fc3552 err="context deadline exceeded"',
            '2024-01-01T00:00:01Z searcher-6b8f-p7 searcher ERROR search failed repo=<HOST_2>/b commit=63a04de4895e6124 err="context deadline exceeded"',
            'W0101 repo-updater WARN syncer.sync failed externalServiceID=3 err="request to <URL_3> returned status 403"',
            "panic: runtime error: invalid memory address or nil pointer dereference",
            '{"level":"error","msg":"upload failed","error":"AccessDenied"}',
            't=2024-01-01T00:00:02Z lvl=eror msg="failed to index" repo=<HOST_1>/c err="EOF"',
            't=2024-01-01T00:00:03Z lvl=info msg="all good"',
            "INFO all good",
            "Error:",
        ]
    )
    assert find_errors([log, "It says CrashLoopBackOff since Monday."]) == [
        "search failed: context deadline exceeded",
        "syncer.sync failed: request to <URL> returned status 403",
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "upload failed: AccessDenied",
        "failed to index: EOF",
        "CrashLoopBackOff",
    ]


def test_links_are_the_ones_that_survived_redaction() -> None:
    text = (
        "See https://docs.sourcegraph.com/admin/x#y. Also (https://github.com/sourcegraph/sourcegraph/issues/1), "
        "https://<HOST_1>/admin and https://example.com/<ORG_1>/repo"
    )
    assert find_links([text, "again https://docs.sourcegraph.com/admin/x#y"]) == [
        "https://docs.sourcegraph.com/admin/x#y",
        "https://github.com/sourcegraph/sourcegraph/issues/1",
    ]


def test_keywords_come_only_from_redacted_text_and_never_name_anyone() -> None:
    opening = (
        "Initech runs gitMaxConcurrentClones at 16 and the monorepo clones keep failing; "
        "our initech-prod namespace shows it, ask <PERSON_1> at <ORG_1>. The monorepo is large, "
        "and Initech cannot wait: the monorepo clone blocks everyone."
    )
    ticket = case(
        title="Monorepo clones fail for Initech",
        tags=("<ORG_1>", "tier_premium", "the", "initech_vip"),
        comments=(
            RedactedComment(at(4, 3), "<PERSON_1>", "customer", True, opening),
            RedactedComment(
                at(4, 4), "Dana Agent", "agent", True, "Dana here: lower gitMaxConcurrentClones for the monorepo, Dana"
            ),
        ),
    )
    keywords = frontmatter.loads(render_ticket(ticket).decode())["keywords"]
    assert "gitmaxconcurrentclones" in keywords and "monorepo" in keywords
    assert "tier_premium" in keywords and "gitserver" not in keywords
    assert not [k for k in keywords if "<" in k or ">" in k]
    assert not [k for k in keywords if "initech" in k and k != "initech_vip"]  # only the already-redacted tag
    assert not {"the", "and", "dana", "agent", "ask", "everyone"} & set(keywords)


# -- the body -----------------------------------------------------------------------


def test_body_is_a_case_note_in_order() -> None:
    body = render_ticket(case()).decode().split("\n---\n", 1)[1]
    order = ["# gitserver OOMKilled", "**Problem:**", "**Environment:**", "## Resolution", "## Errors", "## Links"]
    order.append("## Conversation")
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "**Environment:** version 4.1.3 · kubernetes · services gitserver" in body
    problem = body.split("**Problem:** ", 1)[1].split("\n", 1)[0]
    assert problem.startswith("Since we upgraded <HOST_1>")
    assert "Best regards" not in problem and "Hi team" not in problem
    headings = [l for l in body.splitlines() if l.startswith("### ")]
    assert len(headings) == 5 and all(HEADING.match(h) for h in headings)
    assert headings[2].endswith("· agent Dana Agent · internal note")
    assert len(re.findall(r"^### \d+\. .* · public$", body, re.M)) == 4
    assert "- <https://docs.sourcegraph.com/admin/deploy/kubernetes/configure#gitserver>" in body
    assert "<URL_1>>" not in body


def test_resolution_is_the_marked_note_else_the_last_public_agent_reply_before_the_solve() -> None:
    def resolution(ticket) -> str:
        body = render_ticket(ticket).decode()
        return body.split("## Resolution\n\n", 1)[1].split("\n## ", 1)[0]

    assert resolution(case()).startswith("gitserver had an 8Gi memory limit")
    comments = case().comments
    unmarked = (*comments[:2], comments[3], comments[4])
    text = resolution(case(comments=unmarked))
    assert text.startswith("Raise the gitserver memory limit to 12Gi") and "Kind regards" not in text
    assert "_From the last public reply before the solve by Dana Agent, 2023-04-05._" in text
    after_solve = replace(comments[3], created_at=at(4, 9))
    assert resolution(case(comments=(*comments[:2], after_solve))).startswith("4.1.3 runs `git gc`")
    marker = NoteSettings(resolution_marker="Fix:")
    fixed = RedactedComment(at(4, 4), "Ann", "agent", False, "fix: restart gitserver")
    body = render_ticket(case(comments=(*comments, fixed)), marker).decode()
    assert body.split("## Resolution\n\n", 1)[1].startswith("restart gitserver")
    assert "_No resolution recorded" in resolution(case(comments=comments[:1]))


def _log(lines: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "\n".join(
        f"2024-02-15T23:{i // 60 % 60:02d}:{i % 60:02d}.{rng.randrange(1000):03d}Z gitserver-{rng.randrange(3)} "
        f"gitserver INFO request id={rng.getrandbits(64):016x} path=/exec/{rng.getrandbits(40):010x} "
        f"duration={rng.randrange(9999)}ms"
        for i in range(lines)
    )


def test_a_2_mb_log_is_trimmed_to_head_and_tail_and_the_file_stays_indexable() -> None:
    log = _log(17_000)
    assert len(log) > 2_000_000
    big = RedactedComment(at(4, 4), "<PERSON_1>", "customer", True, f"Full log:\n{log}\nThanks")
    one_line = RedactedComment(at(4, 4, 10), "<PERSON_1>", "customer", True, "x" * 300_000)
    data = render_ticket(case(comments=(*case().comments, big, one_line)))
    text = data.decode()
    assert len(data) < 1_000_000
    assert distinct_trigrams(text) < 20_000
    assert re.search(r"^\[… 16,912 lines left out …\]$", text, re.M)
    assert "Full log:" in text and "\nThanks\n" in text
    assert "[… 298,000 characters left out …]" in text
    assert "### 7. " in text  # nothing after the log is lost


def test_many_unique_comments_still_fit_by_trimming_harder() -> None:
    rng = random.Random(3)
    def noise() -> str:
        return "\n".join(f"{rng.getrandbits(128):032x}" for _ in range(40))

    comments = tuple(RedactedComment(at(4, 3, i % 24), "<PERSON_1>", "customer", True, noise()) for i in range(150))
    text = render_ticket(case(comments=comments)).decode()
    assert distinct_trigrams(text) < 20_000 and len(text.encode()) < 1_000_000
    assert len(re.findall(r"^### \d+\. ", text, re.M)) == 150  # every comment keeps its heading


def test_a_comments_kind_shows_in_its_heading_and_a_plain_comment_says_nothing() -> None:
    base = case()
    voice = dataclasses.replace(base.comments[0], kind="VoiceComment", public=False)
    partner = dataclasses.replace(base.comments[1], kind="TpeVoiceComment")
    odd = dataclasses.replace(base.comments[2], kind="Side Conversation\n# x")
    text = render_ticket(dataclasses.replace(base, comments=(voice, partner, odd, *base.comments[3:]))).decode()
    assert "### 1. 2023-04-03 09:30 UTC · customer <PERSON_1> · voice call · internal note\n" in text
    assert "### 2. 2023-04-03 14:30 UTC · agent Dana Agent · voice call (Talk Partner Edition) · public\n" in text
    assert "### 3. 2023-04-04 11:30 UTC · agent Dana Agent · SideConversationx · internal note\n" in text
    assert "### 4. 2023-04-05 07:30 UTC · agent Dana Agent · public\n" in text
