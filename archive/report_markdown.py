"""The retro report as Markdown, ready to paste into a doc, an issue or a chat.

    # Support retro: 2024-01-01 to 2024-03-31
    one summary table, this period next to the previous one
    a Mermaid pie chart of the time to resolution (GitHub and GitLab draw it; elsewhere it stays readable text)
    the cases open longer than --long-days, with their links
    counts by version, service, deployment and error signature

Links go to the Zendesk ticket (absolute, so they work wherever the text is
pasted); each case's file in the archive is named next to it.
"""

from __future__ import annotations

import re

from archive.report import RetroReport

MAX_SIGNATURES = 10


def _cell(text: str) -> str:
    """Text for a table cell: one line, no unescaped pipes or Markdown markup."""
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", " ".join(str(text).split()))


def _days(hours: float | None) -> str:
    if hours is None:
        return "–"
    return f"{hours:.1f} hours" if hours < 24 else f"{hours / 24:.1f} days"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _signed(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if value == 0:
        return "±0" + unit
    return f"{'+' if value > 0 else '−'}{abs(value):g}{unit}"


def _change_days(hours: float | None) -> str:
    return "–" if hours is None else _signed(round(hours / 24, 1), " days")


def _points(share: float | None) -> str:
    return "–" if share is None else _signed(round(share * 100), " pts")


def _plural(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def pie_chart(report: RetroReport) -> list[str]:
    """A Mermaid pie of this period's cases by time to resolution; no chart without cases (a slice must be > 0)."""
    bounds = sorted({d for d in (1, 3) if d < report.long_days} | {report.long_days})
    edges = [0, *bounds, None]
    slices = []
    for lo, hi in zip(edges, edges[1:]):
        label = f"over {_plural(lo)}" if hi is None else f"up to {_plural(hi)}" if lo == 0 else f"{lo} to {_plural(hi)}"
        n = sum(1 for c in report.cases if c.hours > lo * 24 and (hi is None or c.hours <= hi * 24) or (lo == 0 and c.hours == 0))
        if n:
            slices.append((label, n))
    if not slices:
        return []
    lines = ["```mermaid", "pie showData", "    title Cases by time to resolution"]
    lines += [f'    "{label}" : {n}' for label, n in slices]
    return [*lines, "```"]


def _table(columns: list[str], rows: list[list[str]], align: list[str]) -> list[str]:
    return [
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def report_markdown(report: RetroReport) -> str:
    data = report.to_dict()
    period, previous = data["period"], data["previous"]
    now, before, change = data["summary"], data["previous_summary"], data["change"]
    long_days = report.long_days
    lines = [
        f"# Support retro: {period['since']} to {period['until']}",
        "",
        f"{now['cases']} case{'' if now['cases'] == 1 else 's'} solved in {period['days']} days; the previous "
        f"{previous['days']} days ({previous['since']} to {previous['until']}) had {before['cases']}.",
        "",
        *_table(
            ["", "This period", "Previous period", "Change"],
            [
                ["Cases solved", str(now["cases"]), str(before["cases"]), _signed(change["cases"])],
                ["Median time to resolution", _days(now["median_hours"]), _days(before["median_hours"]),
                 _change_days(change["median_hours"])],
                ["90th percentile", _days(now["p90_hours"]), _days(before["p90_hours"]), _change_days(change["p90_hours"])],
                [f"Resolved within {long_days} days", _share(now["within_long_days"]),
                 _share(before["within_long_days"]), _points(change["within_long_days"])],
                ["Needed engineering", f"{_share(now['engineering'])} ({now['engineering_cases']})",
                 f"{_share(before['engineering'])} ({before['engineering_cases']})", _points(change["engineering"])],
            ],
            ["l", "r", "r", "r"],
        ),  # fmt: skip
        "",
        "_Needed engineering: the case links a known issue or Jira key, or its escalation field is set._",
    ]
    chart = pie_chart(report)
    if chart:
        lines += ["", "## Time to resolution", "", *chart]
    lines += ["", f"## Open longer than {long_days} days", ""]
    if data["long_cases"]:
        rows = []
        for c in data["long_cases"]:
            case = f"[#{c['id']}]({c['url']}) {_cell(c['title'])}" if c["url"] else f"#{c['id']} {_cell(c['title'])}"
            links = ", ".join(c["issues"] + c["jira"]) or ("escalated" if c["escalated"] else "–")
            rows.append(
                [case, f"{c['days']:.1f}", c["version"] or "–", ", ".join(c["services"]) or "–", _cell(links), f"`{c['path']}`"]
            )
        lines += _table(["Case", "Days", "Version", "Services", "Engineering", "File"], rows, ["l", "r", "l", "l", "l", "l"])
    else:
        lines.append(f"None: every case was resolved within {long_days} days.")
    for heading, key, column in (
        ("By version", "by_version", "Version"),
        ("By service", "by_service", "Service"),
        ("By deployment", "by_deployment", "Deployment"),
    ):
        lines += ["", f"## {heading}", ""]
        name = key.removeprefix("by_")
        rows = [[_cell(r[name]), str(r["cases"]), str(r["previous"])] for r in data[key]]
        lines += _table([column, "Cases", "Previous"], rows, ["l", "r", "r"]) if rows else ["No cases."]
    signatures = data["by_signature"]
    lines += ["", "## By error signature", ""]
    if signatures:
        rows = [
            [f"`{r['signature']}`", _cell(r["template"]), str(r["cases"]), str(r["previous"])]
            for r in signatures[:MAX_SIGNATURES]
        ]
        lines += _table(["Signature", "Error", "Cases", "Previous"], rows, ["l", "l", "r", "r"])
        if len(signatures) > MAX_SIGNATURES:
            lines += ["", f"_… and {len(signatures) - MAX_SIGNATURES} more; `--format json` lists them all._"]
    else:
        lines.append("No error quoted in these cases.")
    return "\n".join(lines) + "\n"

