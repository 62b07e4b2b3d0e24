"""`report`: the support retro report, its figures checked against the fake's own data, its Markdown and Mermaid."""

from __future__ import annotations

import json
import math
import re
import statistics
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from archive.facts import major_minor
from archive.report import Period, retro_report
from archive.report_markdown import report_markdown
from archive.settings import NoteSettings
from archive.store import Archive
from exporter.fake.catalog import load_catalog
from exporter.fake.records import F_DEPLOYMENT, F_ESCALATED, F_VERSION
from tests.cases import at, simple
from tests.test_cli import run_cli
from tests.test_knowledge import export, with_note

SINCE, UNTIL = date(2022, 1, 1), date(2023, 6, 30)


def expected_summary(dataset, since: date, until: date) -> dict:
    """The summary computed straight from the fake account's records, not from the archive."""
    cases = [
        i for i in dataset.expected_archived_ids()
        if since <= dataset.solved_at(i).date() <= until
    ]  # fmt: skip
    hours = sorted((dataset.solved_at(i) - dataset.created_at(i)).total_seconds() / 3600 for i in cases)

    def engineering(i: int) -> bool:
        # A default (the account's own tickets carry no custom fields): a bare next() raising
        # StopIteration inside map() would end the sum early without a word.
        escalated = next((f["value"] for f in dataset.tickets[i].get("custom_fields") or () if f["id"] == F_ESCALATED), None)
        linked = any("github.com/sourcegraph/sourcegraph/issues/" in c["body"] for c in dataset.comments[i])
        return bool(escalated) or linked

    n = len(cases)
    return {
        "ids": cases,
        "cases": n,
        "median_hours": round(statistics.median(hours), 1),
        "p90_hours": round(hours[math.ceil(0.9 * n) - 1], 1),
        "within_long_days": round(sum(h <= 7 * 24 for h in hours) / n, 3),
        "engineering": round(sum(map(engineering, cases)) / n, 3),
        "engineering_cases": sum(map(engineering, cases)),
        "long_cases": sum(h > 7 * 24 for h in hours),
    }


def test_the_json_agrees_with_figures_computed_from_the_fakes_data(fake_archive) -> None:
    path, dataset = fake_archive
    result = run_cli("report", "--archive", str(path), "--since", str(SINCE), "--until", str(UNTIL), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)

    previous = Period(SINCE, UNTIL).before()
    now, before = expected_summary(dataset, SINCE, UNTIL), expected_summary(dataset, previous.since, previous.until)
    assert now["cases"] >= 15 and before["cases"] >= 5 and now["engineering_cases"] > 0
    assert data["period"] == {"since": "2022-01-01", "until": "2023-06-30", "days": 546}
    assert data["previous"] == {"since": "2020-07-04", "until": "2021-12-31", "days": 546}
    assert data["summary"] == {k: v for k, v in now.items() if k != "ids"}
    assert data["previous_summary"] == {k: v for k, v in before.items() if k != "ids"}
    assert data["change"]["cases"] == now["cases"] - before["cases"]
    assert data["change"]["median_hours"] == round(now["median_hours"] - before["median_hours"], 3)

    long = {i for i in now["ids"] if (dataset.solved_at(i) - dataset.created_at(i)) > timedelta(days=7)}
    assert {c["id"] for c in data["long_cases"]} == long
    for row in data["long_cases"]:
        assert row["url"] == f"https://example.zendesk.com/agent/tickets/{row['id']}"
        assert (path / row["path"]).is_file() and row["days"] > 7

    def field(i: int, field_id: int) -> str | None:
        return next((f["value"] for f in dataset.tickets[i].get("custom_fields") or () if f["id"] == field_id), None)

    # The account's own tickets (no custom fields, no scenario) count as unknown version and deployment.
    fielded = [i for i in now["ids"] if field(i, F_VERSION)]
    versions = Counter(major_minor(field(i, F_VERSION).lstrip("v")) for i in fielded)
    deployments = Counter(field(i, F_DEPLOYMENT).replace("_", "-") for i in fielded)
    if unfielded := len(now["ids"]) - len(fielded):
        versions["unknown"] = deployments["unknown"] = unfielded
    assert {r["version"]: r["cases"] for r in data["by_version"] if r["cases"]} == versions
    assert {r["deployment"]: r["cases"] for r in data["by_deployment"] if r["cases"]} == deployments
    # Each case names its scenario's service (and may name others it mentions).
    service_of = {s.key: s.service for s in load_catalog().scenarios}
    services = {r["service"]: r["cases"] for r in data["by_service"]}
    for service, n in Counter(service_of[dataset.scenarios[i]] for i in now["ids"] if i in dataset.scenarios).items():
        assert services.get(service, 0) >= n, service
    assert sum(r["cases"] for r in data["by_signature"]) >= now["cases"] // 2
    assert all(re.fullmatch(r"sig-[0-9a-f]{10}", r["signature"]) and r["template"] for r in data["by_signature"])


# -- a hand-made archive whose every figure is known ------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    def solved(n: int, day: int, month: int = 5, **kw) -> object:
        # `simple` opens a case on the 1st of the month, at the hour it is solved: (day - 1) days to resolve.
        return simple(n, f"Case {n}", version=kw.get("version", "4.1.2"), deployment=kw.get("deployment", "kubernetes"),
                      service=kw.get("service", "gitserver"), solved=at(month, day), resolution="Fixed.",
                      error=kw.get("error"))  # fmt: skip

    tickets = [
        solved(1, 2), solved(2, 3, error='gc failed err="signal: killed"'), solved(3, 4, version="4.2.1"),
        solved(4, 5, service="searcher", deployment="docker_compose"),
        with_note(solved(5, 11, error='gc failed err="signal: killed"'), "Known bug: https://github.com/sourcegraph/sourcegraph/issues/1"),
        solved(6, 21, version=None, deployment=None),
        solved(7, 3, month=3), solved(8, 9, month=3),  # the previous period (March 2 to April 30)
    ]  # fmt: skip
    return export(tmp_path / "archive", tickets)


def test_the_figures_of_a_known_archive(archive: Archive) -> None:
    report = retro_report(archive.path, date(2023, 5, 1), date(2023, 6, 29))
    data = report.to_dict()
    assert data["period"]["days"] == 60 and data["previous"] == {"since": "2023-03-02", "until": "2023-04-30", "days": 60}
    assert data["summary"] == {
        "cases": 6, "median_hours": 84.0, "p90_hours": 480.0,  # 24 48 72 96 240 480: (72+96)/2; nearest rank 6 of 6
        "within_long_days": 0.667, "engineering": 0.167, "engineering_cases": 1, "long_cases": 2,
    }  # fmt: skip
    assert data["previous_summary"]["cases"] == 2 and data["previous_summary"]["median_hours"] == 120.0
    assert data["change"] == {"cases": 4, "median_hours": -36.0, "p90_hours": 288.0, "within_long_days": 0.167,
                              "engineering": 0.167}  # fmt: skip
    assert [c["id"] for c in data["long_cases"]] == [6, 5]  # longest first
    assert data["long_cases"][1]["issues"] == ["sourcegraph/sourcegraph#1"] and data["long_cases"][1]["days"] == 10.0
    assert data["by_version"] == [
        {"version": "4.1", "cases": 4, "previous": 2}, {"version": "4.2", "cases": 1, "previous": 0},
        {"version": "unknown", "cases": 1, "previous": 0},
    ]  # fmt: skip
    assert data["by_deployment"][0] == {"deployment": "kubernetes", "cases": 4, "previous": 2}
    assert data["by_signature"] == [
        {"signature": data["by_signature"][0]["signature"], "template": "gc failed: signal: killed", "cases": 2, "previous": 0}
    ]


def test_a_true_escalation_field_counts_as_engineering(tmp_path: Path) -> None:
    ticket = simple(9, "Escalated", version="4.1.2", deployment=None, service="gitserver", solved=at(5, 3), resolution="x")
    flags = {9: "True", 10: "false", 11: "yes"}
    tickets = [replace(ticket, id=n, custom_fields=(("Escalated to engineering", v),)) for n, v in flags.items()]
    archive = export(tmp_path / "archive", tickets)

    def engineering(settings: NoteSettings | None = None) -> int:
        report = retro_report(archive.path, date(2023, 5, 1), date(2023, 5, 31), settings=settings)
        return report.to_dict()["summary"]["engineering_cases"]

    assert engineering() == 2
    assert engineering(NoteSettings(escalation_fields=())) == 0
    assert engineering(NoteSettings(escalation_fields=("escalated TO engineering",))) == 2


def table(markdown: str, heading: str) -> list[list[str]]:
    """The rows (header first) of the table under `## heading`."""
    section = markdown.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert re.fullmatch(r"\|(?: -{3}:? \|)+", rows[1]), rows[1]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in [rows[0], *rows[2:]]]


MERMAID_PIE = re.compile(
    r'pie(?: showData)?\n(?:    title [^\n"]+\n)?(?:    "[^"\n]+" : (?:[1-9]\d*|\d+\.\d{1,2})\n)+'
)


def test_the_markdown_has_the_tables_and_a_valid_mermaid_pie(archive: Archive) -> None:
    markdown = report_markdown(retro_report(archive.path, date(2023, 5, 1), date(2023, 6, 29)))
    assert markdown.startswith("# Support retro: 2023-05-01 to 2023-06-29\n")
    summary = markdown.split("\n## ", 1)[0]
    rows = [line for line in summary.splitlines() if line.startswith("|")]
    assert rows[0] == "|  | This period | Previous period | Change |"
    assert "| Cases solved | 6 | 2 | +4 |" in rows
    assert "| Median time to resolution | 3.5 days | 5.0 days | −1.5 days |" in rows
    assert "| Needed engineering | 17% (1) | 0% (0) | +17 pts |" in rows

    long = table(markdown, "Open longer than 7 days")
    assert long[0] == ["Case", "Days", "Version", "Services", "Engineering", "File"]
    assert long[1][0] == "[#6](https://example.zendesk.com/agent/tickets/6) Case 6" and long[1][-1] == "`tickets/2023/05/6.md`"
    assert long[2][4] == "sourcegraph/sourcegraph#1"
    assert table(markdown, "By version")[0] == ["Version", "Cases", "Previous"]
    assert table(markdown, "By service") == [["Service", "Cases", "Previous"], ["gitserver", "5", "2"], ["searcher", "1", "0"]]
    assert table(markdown, "By deployment")[0] == ["Deployment", "Cases", "Previous"]
    assert table(markdown, "By error signature")[0] == ["Signature", "Error", "Cases", "Previous"]

    blocks = re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.M | re.S)
    assert len(blocks) == 1 and MERMAID_PIE.fullmatch(blocks[0]), blocks
    slices = dict(re.findall(r'"([^"]+)" : (\d+)', blocks[0]))
    assert slices == {"up to 1 day": "1", "1 to 3 days": "2", "3 to 7 days": "1", "over 7 days": "2"}


def test_an_empty_period_has_no_chart_and_no_failure(archive: Archive) -> None:
    markdown = report_markdown(retro_report(archive.path, date(2020, 1, 1), date(2020, 1, 31)))
    assert "```mermaid" not in markdown and "| Cases solved | 0 | 0 | ±0 |" in markdown
    assert "None: every case was resolved within 7 days." in markdown


def test_the_command_line_checks_its_options(archive: Archive) -> None:
    base = ["report", "--archive", str(archive.path), "--since", "2023-05-01"]
    assert run_cli(*base, "--until", "2023-04-01").returncode == 2
    bad = run_cli(*base, "--until", "2023-06-29", "--format", "pdf")
    assert bad.returncode == 2 and "--format is markdown or json" in bad.stderr
    ok = run_cli(*base, "--until", "2023-06-29", "--long-days", "3")
    assert ok.returncode == 0 and "## Open longer than 3 days" in ok.stdout
