"""`sourcegraph setup`, `check` and the fetch after `--push`, against a fake GraphQL endpoint that checks every request.

The fake (tests/sourcegraph_fake.py) validates each request against the shape of
Sourcegraph's API (tests/data/sourcegraph_schema.graphql) and answers 401 to a
wrong token, as Sourcegraph does.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
import responses
from typer.testing import CliRunner

from archive.sourcegraph import context_query, monitor_query, readme_queries
from archive.store import Archive
from exporter import cli
from exporter.client import RetryPolicy
from exporter.errors import ConfigError, SourcegraphRejected, SourcegraphUnavailable
from exporter.sourcegraph import SourcegraphClient, SourcegraphConfig, fetch_after_push
from exporter.sourcegraph_setup import CREATE_SAVED_SEARCH, MONITOR_DESCRIPTION, SAVED_PREFIX
from tests.sourcegraph_fake import ENDPOINT, FakeSourcegraph
from tests.sourcegraph_query import context_query_problems, monitor_problems, ready_query_problems
from tests.support import FakeTime
from tests.test_pages import CASES

REPO = "github.com/acme/support-cases"
QUICK = RetryPolicy(max_attempts=3, backoff_initial=0.01, backoff_max=0.02, jitter=0.0, default_retry_after=5.0)


@pytest.fixture(scope="module")
def redactor(remembering_redactor):  # how tickets travel is under test here, not how they are redacted
    return remembering_redactor


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    store = Archive(tmp_path / "archive").open()
    for ticket in CASES:
        store.write_ticket(ticket)
    store.commit("export")
    return store.path


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def env_for(fake: FakeSourcegraph, **extra: str) -> dict[str, str]:
    return {"SRC_ENDPOINT": fake.endpoint, "SRC_ACCESS_TOKEN": fake.token, **extra}


def setup(archive: Path, env: dict[str, str], *args: str):
    """`ticket-archive sourcegraph setup` in this process, so `responses` sees its requests."""
    runner = CliRunner()
    # None unsets: a developer's own SRC_* settings never reach these runs.
    env = {"SRC_ENDPOINT": None, "SRC_ACCESS_TOKEN": None, "TICKET_ARCHIVE_CONFIG": None, **env}
    return runner.invoke(cli.app, ["sourcegraph", "setup", "--archive", str(archive), *args], env=env)


def lines(output: str) -> list[str]:
    return [" ".join(line.split()) for line in output.splitlines()]


# -- setup ------------------------------------------------------------------------------------


def test_setup_makes_the_context_monitor_and_saved_searches_once(archive: Path, rsps) -> None:
    fake = FakeSourcegraph()
    fake.install(rsps)

    first = setup(archive, env_for(fake), "--repo", REPO)

    assert first.exit_code == 0, first.output
    out = lines(first.stdout)
    assert out[0] == f"Sourcegraph 5.3.0 at {ENDPOINT}, signed in as support-bot (site admin)"
    assert out[1] == "search context created support-cases"
    assert out[2] == f"code monitor created {MONITOR_DESCRIPTION.format(repo=REPO)}"
    ready = readme_queries(list(Archive(archive).manifest().entries.values()))
    assert [line.split(" ", 3)[3] for line in out[3:-1]] == [SAVED_PREFIX.format(repo=REPO) + q.label for q in ready]
    assert out[-1] == f"{len(ready) + 2} created, 0 updated, 0 deleted, 0 unchanged; search the cases with context:support-cases"

    (context,) = fake.contexts.values()
    assert context["spec"] == "support-cases" and context["namespace"] is None and context["public"] is True
    assert context["query"] == context_query(REPO) and context_query_problems(context["query"]) == []
    (monitor,) = fake.monitors.values()
    assert monitor["trigger"]["query"] == monitor_query(REPO) and monitor_problems(monitor_query(REPO)) == []
    assert [a["__typename"] for a in monitor["actionList"]] == ["MonitorEmail"]
    assert monitor["actionList"][0]["recipients"](None)["nodes"] == [fake.user]  # mails the token's user
    assert sorted(s["query"] for s in fake.saved.values()) == sorted(q.text(REPO) for q in ready)
    assert all(ready_query_problems(s["query"], REPO) == [] for s in fake.saved.values())
    assert {s["visibility"] for s in fake.saved.values()} == {"SECRET"} and not any(s["draft"] for s in fake.saved.values())

    made = len(fake.mutations)
    second = setup(archive, env_for(fake), "--repo", REPO)

    assert second.exit_code == 0, second.output
    assert len(fake.mutations) == made, "a second run changes nothing"
    assert lines(second.stdout)[-1].startswith(f"0 created, 0 updated, 0 deleted, {len(ready) + 2} unchanged")
    assert len(fake.contexts) == 1 and len(fake.monitors) == 1 and len(fake.saved) == len(ready)


def test_a_users_token_makes_the_users_own_context(archive: Path, rsps) -> None:
    fake = FakeSourcegraph(site_admin=False, username="dana")
    fake.install(rsps)

    result = setup(archive, env_for(fake), "--repo", REPO)

    assert result.exit_code == 0, result.output
    assert "signed in as dana" in result.stdout and "(site admin)" not in result.stdout
    (spec,) = fake.contexts
    assert spec == "@dana/support-cases" and fake.contexts[spec]["namespace"] == fake.user
    assert result.stdout.rstrip().endswith("search the cases with context:@dana/support-cases")


def test_the_repository_name_comes_from_the_origin_remote(archive: Path, rsps) -> None:
    subprocess.run(["git", "-C", str(archive), "remote", "add", "origin", f"git@github.com:{REPO.split('/', 1)[1]}.git"],
                   check=True)  # fmt: skip
    fake = FakeSourcegraph()
    fake.install(rsps)

    result = setup(archive, env_for(fake))

    assert result.exit_code == 0, result.output
    assert next(iter(fake.contexts.values()))["query"] == context_query(REPO)


def test_setup_brings_what_changed_up_to_date_and_keeps_what_is_not_its_own(archive: Path, rsps) -> None:
    fake = FakeSourcegraph()
    fake.install(rsps)
    assert setup(archive, env_for(fake), "--repo", REPO).exit_code == 0
    # Since then someone edited the context, an older ticket-archive wrote another trigger, the
    # monitor got a Slack action and was turned off, a query changed, a ready query went away,
    # and the user saved a search of their own.
    (context,) = fake.contexts.values()
    context["query"] = "repo:^github\\.com/acme/other$"
    (monitor,) = fake.monitors.values()
    monitor["trigger"]["query"] = "type:diff select:commit.diff.added file:^tickets/ /^id: \\d+$/"
    monitor["enabled"] = False
    slack = {"__typename": "MonitorSlackWebhook", "id": "slack:1", "enabled": True, "includeResults": True,
             "url": "https://hooks.slack.test/T0/B0/secret"}  # fmt: skip
    monitor["actionList"].append(slack)
    saved = sorted(fake.saved.values(), key=lambda s: s["id"])
    saved[0]["query"] = saved[0]["query"].replace("count:all ", "")
    stale = {**saved[1], "id": "SavedSearch:old", "description": SAVED_PREFIX.format(repo=REPO) + "reported on 3.0"}
    mine = {**saved[1], "id": "SavedSearch:mine", "description": "my own search"}
    fake.saved.update({stale["id"]: stale, mine["id"]: mine})
    before = len(fake.mutations)

    result = setup(archive, env_for(fake), "--repo", REPO)

    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert "search context updated support-cases" in out
    assert f"code monitor updated {MONITOR_DESCRIPTION.format(repo=REPO)}" in out
    assert f"saved search updated {saved[0]['description']}" in out
    assert f"saved search deleted {stale['description']}" in out
    assert out[-1].startswith("0 created, 3 updated, 1 deleted,")
    assert fake.mutations[before:] == ["UpdateSearchContext", "UpdateCodeMonitor", "UpdateSavedSearch", "DeleteSavedSearch"]
    assert context["query"] == context_query(REPO)
    assert monitor["trigger"]["query"] == monitor_query(REPO) and monitor["enabled"] is False  # the user's choice stays
    kept = {a["id"]: a for a in monitor["actionList"]}
    assert kept["slack:1"] == slack  # sent back as it was: an update deletes the actions it is not given
    assert "SavedSearch:mine" in fake.saved and "SavedSearch:old" not in fake.saved
    assert slack["url"] not in result.output


def test_a_wrong_token_exits_8_with_one_clear_line_and_never_shows_the_token(archive: Path, rsps, caplog) -> None:
    fake = FakeSourcegraph()
    fake.install(rsps)
    wrong = "sgp_wrongwrongwrongwrongwrongwrongwrongwrong"
    caplog.set_level(logging.DEBUG)

    result = setup(archive, env_for(fake, SRC_ACCESS_TOKEN=wrong), "--repo", REPO)

    assert result.exit_code == cli.EXIT_SOURCEGRAPH == 8
    (line,) = result.stderr.strip().splitlines()
    assert line == (f"ticket-archive: error: Sourcegraph refused the access token (401) at {ENDPOINT}: create an "
                    "access token (user menu > Settings > Access tokens) and set SRC_ACCESS_TOKEN")  # fmt: skip
    assert fake.mutations == [] and fake.sent[0].authorization == f"token {wrong}"
    for text in (result.output, caplog.text):
        assert wrong not in text and fake.token not in text


def test_the_token_never_reaches_logs_or_messages_even_when_sourcegraph_echoes_it(rsps, caplog) -> None:
    fake = FakeSourcegraph()
    fake.install(rsps)
    caplog.set_level(logging.DEBUG)
    config = SourcegraphConfig.from_env(env_for(fake))
    echoing = f"mutation Echo($x: ID!) {{ updateMirrorRepository(repository: \"{fake.token}\") {{ alwaysNil }} }}"

    with SourcegraphClient(config, policy=QUICK) as client, pytest.raises(SourcegraphRejected) as refused:
        client.run(echoing, {"x": "1"})

    assert "Sourcegraph refused Echo" in str(refused.value)
    assert fake.token not in str(refused.value) and fake.token not in caplog.text
    assert "****" in caplog.text and fake.token not in repr(config)


def test_a_request_sourcegraph_would_refuse_is_refused_by_the_fake_too(rsps) -> None:
    # The shape before `draft` and `visibility` were added: the last public schema requires both.
    fake = FakeSourcegraph()
    fake.install(rsps)
    saved = {"owner": fake.user["id"], "description": "d", "query": "q"}

    with SourcegraphClient(SourcegraphConfig.from_env(env_for(fake)), policy=QUICK) as client:
        with pytest.raises(SourcegraphRejected, match="draft"):
            client.run(CREATE_SAVED_SEARCH, {"input": saved})
        with pytest.raises(SourcegraphRejected, match="visibility"):
            client.run(CREATE_SAVED_SEARCH, {"input": {**saved, "draft": False, "visibility": "EVERYONE"}})
        with pytest.raises(SourcegraphRejected, match="Cannot query field 'monitorz'"):
            client.run("query Typo { currentUser { monitorz { totalCount } } }")
    assert fake.saved == {}


def test_an_instance_without_the_repository_exits_8_before_making_anything(archive: Path, rsps) -> None:
    fake = FakeSourcegraph(repos=())
    fake.install(rsps)

    result = setup(archive, env_for(fake), "--repo", REPO)

    assert result.exit_code == 8
    assert f"Sourcegraph has no repository {REPO}" in result.stderr and fake.mutations == []


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SRC_ENDPOINT is not set"),
        ({"SRC_ENDPOINT": ENDPOINT}, "SRC_ACCESS_TOKEN is not set"),
        ({"SRC_ENDPOINT": "sourcegraph.test", "SRC_ACCESS_TOKEN": "t"}, "SRC_ENDPOINT must be an http(s) URL"),
        ({"SRC_ENDPOINT": "https://me:pw@sourcegraph.test", "SRC_ACCESS_TOKEN": "t"}, "must not hold credentials"),
    ],
)
def test_missing_or_wrong_settings_exit_2(archive: Path, env: dict[str, str], message: str) -> None:
    result = setup(archive, env, "--repo", REPO)
    assert result.exit_code == 2 and message in result.stderr
    assert "pw" not in result.stderr


def test_an_archive_without_a_name_on_sourcegraph_exits_2(archive: Path, rsps) -> None:
    fake = FakeSourcegraph()
    result = setup(archive, env_for(fake))
    assert result.exit_code == 2 and "pass --repo" in result.stderr


# -- retries ----------------------------------------------------------------------------------


def test_a_query_is_retried_a_mutation_only_when_it_cannot_have_run(rsps) -> None:
    fake = FakeSourcegraph()
    fake.install(rsps)
    time = FakeTime()
    config = SourcegraphConfig.from_env(env_for(fake))
    create = {"input": {"owner": fake.user["id"], "description": "d", "query": "q", "draft": False, "visibility": "SECRET"}}

    with SourcegraphClient(config, policy=QUICK, sleep=time.sleep) as client:
        fake.failures = [(502, {}), (429, {"Retry-After": "3"})]
        assert client.run("query Me { currentUser { username } }") == {"currentUser": {"username": "support-bot"}}
        assert time.sleeps[1] == 3.0  # the 429's Retry-After, to the second

        fake.failures = [(500, {})]
        with pytest.raises(SourcegraphUnavailable, match="500 on CreateSavedSearch"):
            client.run(CREATE_SAVED_SEARCH, create)  # it may have run: not sent again
        assert fake.saved == {}

        fake.failures = [(503, {}), (429, {})]
        client.run(CREATE_SAVED_SEARCH, create)  # 503 and 429: not processed, safe to send again
    assert [s.operation for s in fake.sent] == ["Me"] * 3 + ["CreateSavedSearch"] * 4
    assert time.sleeps[-1] == QUICK.default_retry_after and len(fake.saved) == 1


# -- after --push -----------------------------------------------------------------------------


def test_fetch_after_push_asks_a_site_admins_sourcegraph_and_only_warns_otherwise(rsps) -> None:
    assert fetch_after_push({}, REPO) is None  # no SRC_ENDPOINT: nothing to do

    admin = FakeSourcegraph()
    admin.install(rsps)
    outcome = fetch_after_push(env_for(admin), REPO, policy=QUICK)
    assert outcome is not None and outcome.ok and admin.fetched == [REPO]
    assert outcome.message == f"asked Sourcegraph to fetch {REPO} now"

    rsps.reset()
    user = FakeSourcegraph(site_admin=False)
    user.install(rsps)
    refused = fetch_after_push(env_for(user), REPO, policy=QUICK)
    assert refused is not None and not refused.ok and user.fetched == []
    assert "must be site admin" in refused.message and "next sync" in refused.message

    unnamed = fetch_after_push(env_for(user), None, policy=QUICK)
    assert unnamed is not None and not unnamed.ok and "sourcegraph_repo" in unnamed.message
    wrong = fetch_after_push(env_for(user, SRC_ACCESS_TOKEN="nope"), REPO, policy=QUICK)
    assert wrong is not None and "401" in wrong.message and "nope" not in wrong.message


def test_export_push_asks_sourcegraph_to_fetch_and_a_refusal_is_only_a_warning(
    fake, redactor, tmp_path: Path, rsps, monkeypatch
) -> None:
    from tests.conftest import cli_env

    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    archive = Archive(tmp_path / "archive").open()
    subprocess.run(["git", "-C", str(archive.path), "remote", "add", "origin", str(remote)], check=True)
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[notes]\nsourcegraph_repo = "{REPO}"\n')
    # The session's redactor: loading another spaCy pipeline here would only cost time.
    monkeypatch.setattr(cli, "_redactor", lambda settings: redactor)
    rsps.add_passthru(fake.base_url)
    sourcegraph = FakeSourcegraph(site_admin=False)
    sourcegraph.install(rsps)
    env = {**cli_env(fake), **env_for(sourcegraph)}

    result = CliRunner().invoke(
        cli.app, ["export", "--archive", str(archive.path), "--push", "--workers", "1", "--config", str(settings)], env=env
    )

    assert result.exit_code == 0, result.output
    assert "pushed" in result.stdout
    assert "could not ask Sourcegraph to fetch github.com/acme/support-cases now" in result.stderr
    assert "must be site admin" in result.stderr and sourcegraph.token not in result.output

    assert sourcegraph.sent and sourcegraph.fetched == []


# -- check ------------------------------------------------------------------------------------


def test_check_reports_whether_sourcegraph_answers(rsps) -> None:
    from exporter.check import Kind, Status, _sourcegraph_check

    assert _sourcegraph_check({}, QUICK).status == Status.SKIPPED

    fake = FakeSourcegraph(site_admin=False, version="5.4.0")
    fake.install(rsps)
    ok = _sourcegraph_check(env_for(fake), QUICK)
    assert ok.status == Status.OK
    assert ok.detail == (f"{ENDPOINT} answers: Sourcegraph 5.4.0, token of support-bot, not a site admin: "
                         "--push cannot ask it to fetch at once")  # fmt: skip

    refused = _sourcegraph_check(env_for(fake, SRC_ACCESS_TOKEN="nope"), QUICK)
    assert refused.kind == Kind.SOURCEGRAPH and "401" in refused.detail and "Access tokens" in refused.fix

    no_token = _sourcegraph_check({"SRC_ENDPOINT": ENDPOINT}, QUICK)
    assert no_token.kind == Kind.CONFIG and "SRC_ACCESS_TOKEN is not set" in no_token.detail

    fake.failures = [(502, {})] * QUICK.max_attempts
    down = _sourcegraph_check(env_for(fake), QUICK)
    assert down.kind == Kind.SOURCEGRAPH and "502" in down.detail


def test_config_keeps_the_token_out_of_its_repr_and_the_endpoint_clean() -> None:
    config = SourcegraphConfig.from_env({"SRC_ENDPOINT": " https://sg.example.com:8443/ ", "SRC_ACCESS_TOKEN": "sgp_x"})
    assert config.endpoint == "https://sg.example.com:8443" and config.url == "https://sg.example.com:8443/.api/graphql"
    assert "sgp_x" not in repr(config)
    with pytest.raises(ConfigError):
        SourcegraphConfig.from_env({"SRC_ENDPOINT": "ftp://sg.example.com", "SRC_ACCESS_TOKEN": "t"})
