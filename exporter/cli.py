"""The `ticket-archive` command line: a thin layer over the library.

Each command parses its options, builds the client, redactor and archive, calls
one library function and prints a summary. Errors become one line on stderr
and an exit code (the README's table says the same; tests/test_docs.py checks it):

    0    ok
    1    finished, but some tickets were withheld (retried next run), or `verify` found suspected leaks
    2    configuration or usage error (the message says what to set)
    3    Zendesk refused the credentials (401/403, a wrong OAuth client id or secret), or the user is not an admin
    4    Zendesk failed or was unreachable after retries
    5    the archive or git failed (a rejected push keeps the local commit)
    6    the redaction engine (the spaCy model) is unavailable
    7    another run holds the archive's lock
    8    Sourcegraph refused the access token or failed (`sourcegraph setup`, `check`)
    9    git is older than `forget --purge-history` needs (2.36.0)
    130  interrupted (Ctrl-C); nothing was committed by this run

Each command imports what it runs, inside its function: `--help`, `search`,
`similar`, `report` and `forget` start without the Zendesk client, the jobs or Presidio and spaCy
(tests/test_layers.py holds that; scripts/bench_cli measures it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Iterator, Optional

import typer

from archive.errors import ArchiveError, ArchiveLocked, GitTooOld
from exporter.errors import AuthenticationError, ConfigError, ExportError, SourcegraphError
from exporter.logs import FORMATS, setup_logging
from redaction.errors import RedactionError
from redaction.settings import DEV_ORG_KEY, ORG_KEY_ENV

if TYPE_CHECKING:
    from archive.store import Archive
    from exporter.check import CheckReport
    from exporter.client import ZendeskClient
    from exporter.jobs import RunSummary
    from exporter.settings_file import Settings

EXIT_WITHHELD = 1
EXIT_CONFIG = 2
EXIT_AUTH = 3
EXIT_ZENDESK = 4
EXIT_ARCHIVE = 5
EXIT_REDACTION = 6
EXIT_LOCKED = 7
EXIT_SOURCEGRAPH = 8
EXIT_GIT_TOO_OLD = 9
EXIT_INTERRUPTED = 130

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Turn solved Zendesk tickets into a redacted, searchable Markdown archive in git.",
)

ArchiveOption = Annotated[
    Path,
    typer.Option(
        "--archive",
        envvar="TICKET_ARCHIVE_DIR",
        help="The archive: a git repository (created when missing).",
        file_okay=False,
    ),
]
DateFormats = ["%Y-%m-%d"]
PushOption = Annotated[bool, typer.Option("--push", help="Push the commit to the archive's remote.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Log every request (credentials masked).")]
ConfigOption = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        envvar="TICKET_ARCHIVE_CONFIG",
        dir_okay=False,
        help="A TOML settings file with [redaction] and [notes] sections (see README).",
    ),
]
ProfileOption = Annotated[
    Optional[str],
    typer.Option(
        "--profile",
        help="internal (internal notes and agent names kept) or public (public comments only, agents redacted).",
    ),
]
WorkersOption = Annotated[
    Optional[int], typer.Option("--workers", min=1, help="Redaction processes (default: one per CPU core).")
]
LogFormatOption = Annotated[
    str, typer.Option("--log-format", help="text for people, json (one object a line) for cron collectors.")
]

log = logging.getLogger("ticket_archive")


def _logging(verbose: bool, fmt: str) -> None:
    if fmt not in FORMATS:
        raise _fail(EXIT_CONFIG, f"--log-format must be one of: {', '.join(FORMATS)}")
    setup_logging(verbose, fmt)


def _fail(code: int, message: str) -> typer.Exit:
    typer.echo(f"ticket-archive: error: {message}", err=True)
    return typer.Exit(code)


# Most specific first: each error root (and the few subclasses with their own code) to its exit code.
_EXIT_CODES: tuple[tuple[type[Exception], int], ...] = (
    (ConfigError, EXIT_CONFIG),
    (AuthenticationError, EXIT_AUTH),
    (SourcegraphError, EXIT_SOURCEGRAPH),
    (ExportError, EXIT_ZENDESK),
    (RedactionError, EXIT_REDACTION),
    (ArchiveLocked, EXIT_LOCKED),
    (GitTooOld, EXIT_GIT_TOO_OLD),
    (ArchiveError, EXIT_ARCHIVE),
)


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Map each error root to its exit code, as one line without a traceback."""
    try:
        yield
    except (ExportError, RedactionError, ArchiveError) as exc:
        code = next(code for kind, code in _EXIT_CODES if isinstance(exc, kind))
        raise _fail(code, str(exc)) from None
    except KeyboardInterrupt:
        raise _fail(EXIT_INTERRUPTED, "interrupted; nothing was committed by this run") from None


@contextlib.contextmanager
def _progress(label: str) -> Iterator[object]:
    """A live counter on a terminal; a log line every 100 tickets under cron."""
    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task(label)

            def update(s: RunSummary) -> None:
                bar.update(
                    task,
                    description=f"{label}: {s.fetched} fetched, {s.written} written, "
                    f"{s.removed} removed, {len(s.withheld)} withheld",
                )

            yield update
    else:

        def report(s: RunSummary) -> None:
            if s.fetched % 100 == 0:
                log.info("%s: %d fetched, %d written so far", label, s.fetched, s.written)

        yield report


def _redactor(settings: Settings):
    from redaction import Redactor

    return Redactor(settings.redaction)


def _report(summary: RunSummary) -> None:
    log.info("run finished: %s", summary.line(), extra={"summary": summary.as_dict()})
    typer.echo(summary.line())
    if summary.undated:
        ids = ", ".join(str(i) for i in sorted(summary.undated))
        where = "not placed in the range (the nightly export archives them)" if summary.mode == "backfill" else "archived without solved_at"
        typer.echo(f"no solve date in Zendesk (metric set, audits): {ids}; {where}", err=True)
    if summary.withheld:
        ids = ", ".join(str(i) for i in sorted(summary.withheld))
        typer.echo(f"withheld (not written, retried next run): {ids}", err=True)
        raise typer.Exit(EXIT_WITHHELD)


def _run_job(
    job: Callable[..., RunSummary],
    label: str,
    archive: Path,
    config: Path | None,
    profile: str | None,
    workers: int | None,
    **options: Any,
) -> None:
    """Build the client, settings, archive and redactor; run one job; report its summary."""
    from archive.store import Archive
    from exporter.client import ZendeskClient
    from exporter.config import ZendeskConfig
    from exporter.settings_file import load_settings
    from exporter.workers import default_workers

    with _errors():
        zendesk = ZendeskConfig.from_env()
        settings = load_settings(config, profile=profile)
        store = Archive(archive, notes=settings.notes)
        with ZendeskClient(zendesk) as client:
            # Credentials first: a refused token fails in a second, not after the model loads.
            _sign_in(client, settings)
            redactor = _redactor(settings)
            with _progress(label) as progress:
                summary = job(
                    client,
                    redactor,
                    store,
                    progress=progress,
                    workers=workers or default_workers(),
                    settings=settings.redaction,
                    **options,
                )
    if summary.pushed:
        _fetch_after_push(store)
    _report(summary)


def _fetch_after_push(store: Archive) -> None:
    """Sourcegraph fetches the pushed commit now rather than at its next sync, when SRC_ENDPOINT is set."""
    from exporter.sourcegraph import fetch_after_push

    outcome = fetch_after_push(os.environ, store.sourcegraph_repo())
    if outcome is not None:
        (log.info if outcome.ok else log.warning)("%s", outcome.message)


def _sign_in(client: ZendeskClient, settings: Settings) -> None:
    from exporter.check import whoami

    identity = whoami(client)
    log.debug("signed in to Zendesk as user %d (%s) with %s", identity.user_id, identity.role, client.auth.kind)
    if settings.redaction.org_key == DEV_ORG_KEY and not identity.builtin_fake:
        log.warning(
            "%s is not set: the development key lets anyone reverse the archive's organization pseudonyms "
            "to Zendesk ids; set it (see the README) before the archive is shared",
            ORG_KEY_ENV,
        )


@app.command()
def export(
    archive: ArchiveOption,
    since: Annotated[
        Optional[datetime],
        typer.Option(formats=DateFormats, help="With no saved state, start at this UTC day (YYYY-MM-DD)."),
    ] = None,
    push: PushOption = False,
    workers: WorkersOption = None,
    config: ConfigOption = None,
    profile: ProfileOption = None,
    verbose: VerboseOption = False,
    log_format: LogFormatOption = "text",
) -> None:
    """Archive tickets solved or closed since the last run (the nightly job).

    Example: ticket-archive export --archive /srv/ticket-archive --push
    """
    from exporter.jobs import run_export

    _logging(verbose, log_format)
    _run_job(run_export, "export", archive, config, profile, workers, since=since.date() if since else None, push=push)


@app.command()
def backfill(
    archive: ArchiveOption,
    since: Annotated[datetime, typer.Option(formats=DateFormats, help="First solved day, UTC (YYYY-MM-DD).")],
    until: Annotated[datetime, typer.Option(formats=DateFormats, help="Last solved day, UTC, inclusive.")],
    push: PushOption = False,
    workers: WorkersOption = None,
    config: ConfigOption = None,
    profile: ProfileOption = None,
    verbose: VerboseOption = False,
    log_format: LogFormatOption = "text",
) -> None:
    """Archive every ticket solved in a date range, leaving the nightly cursor alone.

    Example: ticket-archive backfill --archive ./archive --since 2021-05-01 --until 2021-07-31
    """
    from exporter.jobs import run_backfill

    _logging(verbose, log_format)
    if until < since:
        raise _fail(EXIT_CONFIG, "--until is before --since")
    _run_job(run_backfill, "backfill", archive, config, profile, workers, since=since.date(), until=until.date(), push=push)


@app.command()
def forget(
    ticket_ids: Annotated[list[int], typer.Argument(help="The Zendesk ticket ids.", min=1)],
    archive: ArchiveOption,
    purge_history: Annotated[
        bool,
        typer.Option(
            "--purge-history",
            help="Also erase the tickets from every commit, the caches and the reflogs (rewrites history; see README).",
        ),
    ] = False,
    push: Annotated[
        bool, typer.Option("--push", help="Push the commit; with --purge-history, force-push with lease.")
    ] = False,
) -> None:
    """Remove tickets from the archive and keep later runs from writing them again.

    Without --purge-history the tickets leave HEAD only: earlier commits (and every clone) still hold them.

    Example: ticket-archive forget 12345 12346 --archive ./archive --purge-history
    """
    from archive.store import Archive

    ids = sorted(set(ticket_ids))
    named = f"ticket {ids[0]}" if len(ids) == 1 else f"tickets {', '.join(map(str, ids))}"
    if purge_history:
        _purge(Archive(archive), ids, named, push)
        return
    from exporter.jobs import forget_tickets

    with _errors():
        sha = forget_tickets(Archive(archive), ids, push=push)
    typer.echo(f"{named} forgotten" + (f" in commit {sha[:12]}" if sha else " (nothing to change)"))
    typer.echo(
        "earlier commits still hold them, and so does every clone: run again with --purge-history to erase them from history",
        err=True,
    )


def _purge(store: Archive, ids: list[int], named: str, push: bool) -> None:
    from archive.erasure import purge_history

    with _errors():
        result = purge_history(store, ids, push=push)
    finished = "finished the purge an interrupted run began; " if result.resumed else ""
    typer.echo(
        f"{finished}{named} erased from the archive's history: {result.versions} version(s) of their notes removed, "
        f"{result.rewritten} commit(s) rewritten, reflogs expired, old objects pruned, caches rebuilt "
        f"({result.seconds:.1f} s); HEAD is {(result.commit or 'none')[:12]}"
    )
    if not result.rewritten:
        return
    command = result.push_command(store.path)
    if push:
        typer.echo(f"force-pushed {result.branch} to {result.remote} (with lease)")
        _fetch_after_push(store)
    elif command:
        typer.echo(f"the remote still has the old history; push the new one with:\n  {command}")
    else:
        typer.echo("the archive has no remote: copies made of it before now still hold the tickets")
    typer.echo(
        "every commit id from the first commit that held them on has changed. Then:\n"
        "  - owners of clones: delete the clone and clone again (a pull or merge would bring the old history back)\n"
        "  - the Sourcegraph admin: on the repository's Settings page, Mirroring tab, click Reclone, so Sourcegraph "
        "drops the old commits (a fetch alone keeps them searchable as history)"
    )


@app.command()
def demo(
    archive: Annotated[Path, typer.Option("--archive", help="Where to write the demo archive.")] = Path(
        "demo-archive"
    ),
    tickets: Annotated[int, typer.Option(help="How many synthetic tickets the fake Zendesk holds.", min=1)] = 60,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve", help="Only run the fake Zendesk, until Ctrl-C, and print the environment that points at it."
        ),
    ] = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run the export against the built-in fake Zendesk on 127.0.0.1 (signing in with OAuth client credentials).

    With --serve, start the fake alone and print the variables for `check`, `export` and manual tries.

    Example: ticket-archive demo --tickets 200
    """
    from exporter.demo import run_demo, serve_demo
    from exporter.settings_file import load_settings

    _logging(verbose, "text")
    if serve:
        with serve_demo(tickets=tickets) as env:
            typer.echo("# the built-in fake Zendesk is running; in another shell:")
            for name, value in env.items():
                typer.echo(f"export {name}={value}")
            typer.echo("# then: ticket-archive check --archive ./demo-archive   (Ctrl-C here stops the fake)")
            sys.stdout.flush()
            stopped = threading.Event()  # never set: the loop ends with Ctrl-C
            try:
                # In steps, not one endless wait: Ctrl-C can land on a request thread, and then
                # its KeyboardInterrupt is raised only when the main thread's wait returns.
                while not stopped.wait(0.2):
                    pass
            except KeyboardInterrupt:
                typer.echo("fake Zendesk stopped", err=True)
        return
    with _errors():
        with _progress("demo") as progress:
            settings = load_settings(config)
            result = run_demo(
                Path(archive),
                tickets=tickets,
                redactor=_redactor(settings),
                redaction=settings.redaction,
                notes=settings.notes,
                progress=progress,
            )
    typer.echo(result.summary.line())
    typer.echo(f"\nThe archive is a git repository at {result.archive_path}")
    typer.echo(f"{result.files} ticket files under {result.archive_path / 'tickets'}")
    if result.example is not None:
        typer.echo(f"\nOne of them, {result.example}:\n")
        text = result.example.read_text("utf-8")
        lines = text.splitlines()
        typer.echo("\n".join(lines[:60]) + (f"\n… ({len(lines) - 60} more lines)" if len(lines) > 60 else ""))


@app.command()
def check(
    archive: Annotated[
        Optional[Path],
        typer.Option("--archive", envvar="TICKET_ARCHIVE_DIR", help="The archive to check (it is not created)."),
    ] = None,
    config: ConfigOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as a JSON object.")] = False,
) -> None:
    """Check what a run needs before the first night: settings, credentials, admin user, Zendesk, archive, remote, model, org key, Sourcegraph.

    Prints ✓ or ✗ (with the fix) a line. Exits 0 when all pass, else the code of the first failure: 2 configuration, 3 credentials, 4 Zendesk, 5 archive or git, 6 model, 8 Sourcegraph (checked when SRC_ENDPOINT is set).

    Example: ticket-archive check --archive /srv/ticket-archive
    """
    import json

    from exporter.check import Kind, run_checks
    from exporter.settings_file import load_settings

    # What `check` exits with for the first failure of each kind (the README's table).
    exit_codes = {
        Kind.CONFIG: EXIT_CONFIG,
        Kind.CREDENTIALS: EXIT_AUTH,
        Kind.ZENDESK: EXIT_ZENDESK,
        Kind.ARCHIVE: EXIT_ARCHIVE,
        Kind.MODEL: EXIT_REDACTION,
        Kind.SOURCEGRAPH: EXIT_SOURCEGRAPH,
    }
    setup_logging(False, "text")
    # Warnings (a deprecated way of signing in) only: the table says the rest.
    logging.getLogger("ticket_archive").setLevel(logging.WARNING)
    with _errors():
        settings = load_settings(config)
    report = run_checks(os.environ, archive, settings.redaction)
    failure = report.first_failure()
    code = exit_codes[failure.kind] if failure else 0
    if as_json:
        payload = {"ok": report.ok, "exit_code": code, "checks": [r.as_dict() for r in report.results]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        _print_checks(report)
    if code:
        raise typer.Exit(code)


sourcegraph_app = typer.Typer(
    no_args_is_help=True,
    help="Sourcegraph for the archive, through its GraphQL API (SRC_ENDPOINT, SRC_ACCESS_TOKEN).\n\n"
    "Example: ticket-archive sourcegraph setup --archive ./archive --repo github.com/acme/support-cases",
)
app.add_typer(sourcegraph_app, name="sourcegraph")


@sourcegraph_app.command("setup")
def sourcegraph_setup(
    archive: ArchiveOption,
    repo: Annotated[
        Optional[str],
        typer.Option(
            "--repo",
            help="The archive's repository as Sourcegraph names it (github.com/acme/support-cases); "
            "default: sourcegraph_repo of the settings file, else the origin remote.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Create or update the archive's search context, code monitor and saved searches in Sourcegraph.

    Signs in with SRC_ENDPOINT and SRC_ACCESS_TOKEN, as Sourcegraph's `src` CLI does; prints what it created, updated, deleted or left as it was. Running it again changes nothing.

    Example: ticket-archive sourcegraph setup --archive /srv/ticket-archive --repo github.com/acme/support-cases
    """
    from archive.casefile import TICKETS_DIR
    from archive.sourcegraph import sourcegraph_repo_name
    from archive.store import Archive
    from exporter.settings_file import load_settings
    from exporter.sourcegraph import SourcegraphClient, SourcegraphConfig
    from exporter.sourcegraph_setup import SetupPlan, setup_sourcegraph

    with _errors():
        settings = load_settings(config)
        endpoint = SourcegraphConfig.from_env(os.environ)
        store = Archive(archive, notes=settings.notes)
        if not (store.path / TICKETS_DIR).is_dir():
            raise ArchiveError(f"{store.path} holds no {TICKETS_DIR}/ directory; is it a ticket archive?")
        name = (sourcegraph_repo_name(repo) if repo and "://" in repo else repo) or store.sourcegraph_repo()
        if not name:
            raise ConfigError("the archive has no name on Sourcegraph: pass --repo (e.g. github.com/acme/support-cases)")
        plan = SetupPlan.for_archive(store.manifest().entries.values(), name, context_name=settings.notes.search_context)
        with SourcegraphClient(endpoint) as client:
            report = setup_sourcegraph(client, plan)
    viewer = report.viewer
    admin = " (site admin)" if viewer.site_admin else ""
    typer.echo(f"Sourcegraph {viewer.version} at {endpoint.endpoint}, signed in as {viewer.username}{admin}")
    for change in report.changes:
        typer.echo(change.line())
    typer.echo(f"{report.counts()}; search the cases with context:{report.context_spec}")


def _print_checks(report: CheckReport) -> None:
    from exporter.check import Status

    marks = {Status.OK: "✓", Status.FAIL: "✗", Status.SKIPPED: "-"}
    width = max(len(r.name) for r in report.results)
    for r in report.results:
        typer.echo(f"{marks[r.status]} {r.name.ljust(width)}  {r.detail}")
        if r.fix:
            typer.echo(f"  {' ' * width}  fix: {r.fix}")
    failures = sum(1 for r in report.results if r.failed)
    typer.echo("all checks passed" if not failures else f"{failures} check(s) failed", err=True)


@app.command()
def search(
    archive: ArchiveOption,
    query: Annotated[
        Optional[list[str]],
        typer.Argument(help='Words (all must match), "exact phrases", prefix* words, -excluded words, a OR b.'),
    ] = None,
    version: Annotated[
        Optional[str], typer.Option(help="Only tickets naming this version or a patch: 3.42 matches 3.42.7, not 3.420.")
    ] = None,
    service: Annotated[Optional[str], typer.Option(help="Only tickets about this service, e.g. gitserver.")] = None,
    keyword: Annotated[Optional[str], typer.Option(help="Only tickets with this keyword (a tag or a service).")] = None,
    status: Annotated[Optional[str], typer.Option(help="Only solved or only closed tickets.")] = None,
    since: Annotated[
        Optional[datetime], typer.Option(formats=DateFormats, help="Solved on or after this UTC day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        Optional[datetime], typer.Option(formats=DateFormats, help="Solved on or before this UTC day, inclusive.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many tickets.", min=1)] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array instead of a table.")] = False,
    reindex: Annotated[bool, typer.Option("--reindex", help="Rebuild the search index from the ticket files.")] = False,
) -> None:
    """Search the archive offline: ranked full text, exact filters; newest first without a query.

    The index is a cache in the archive's .ticket-archive/cache/, updated from the ticket files first.

    Example: ticket-archive search '"context deadline exceeded"' --version 3.42 --archive ./archive
    """
    import json

    from archive.query import Filters
    from archive.search import search_archive

    if status not in (None, "solved", "closed"):
        raise _fail(EXIT_CONFIG, f"--status is solved or closed, not {status!r}")
    if since and until and until < since:
        raise _fail(EXIT_CONFIG, "--until is before --since")
    filters = Filters(version, service, keyword, status, since and since.date(), until and until.date())
    with _errors():
        result = search_archive(archive, " ".join(query or ()), filters, limit=limit, reindex=reindex)
    if result.index.rebuilt:
        typer.echo(f"search index built ({result.index.reason}, {result.index.files} files)", err=True)
    if as_json:
        typer.echo(json.dumps([hit.to_dict() for hit in result.hits], indent=2, ensure_ascii=False))
        return
    if not result.hits:
        typer.echo("no tickets match", err=True)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("id", "title", "versions", "solved", "snippet", show_lines=True)
    for hit in result.hits:
        snippet = Text.assemble(*((text, "bold yellow") if match else text for text, match in hit.fragments))
        table.add_row(str(hit.id or ""), Text(hit.title), ", ".join(hit.versions), (hit.solved_at or "")[:10], snippet)
    Console().print(table)


@app.command()
def similar(
    ticket_id: Annotated[int, typer.Argument(help="The Zendesk ticket id of an archived case.", min=1)],
    archive: ArchiveOption,
    limit: Annotated[int, typer.Option(help="Show at most this many cases.", min=1)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object instead of a list.")] = False,
    config: ConfigOption = None,
    reindex: Annotated[bool, typer.Option("--reindex", help="Rebuild the search index from the ticket files.")] = False,
) -> None:
    """Find past cases like one case, offline, and say why each was chosen.

    Ranks by shared error signatures, known issues, error words, services, version and text (the search index).

    Example: ticket-archive similar 4242 --archive ./archive
    """
    import json

    from archive.errors import CaseNotFound
    from archive.similar import similar_cases
    from exporter.settings_file import load_settings

    with _errors():
        settings = load_settings(config)
        try:
            result = similar_cases(archive, ticket_id, limit=limit, settings=settings.notes, reindex=reindex)
        except CaseNotFound as exc:
            raise _fail(EXIT_CONFIG, str(exc)) from None
    if result.index.rebuilt:
        typer.echo(f"search index built ({result.index.reason}, {result.index.files} files)", err=True)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(f"Cases like #{result.case['id']} {result.case['title']} ({result.case['path']}):")
    if not result.matches:
        typer.echo("no similar cases", err=True)
    for n, match in enumerate(result.matches, 1):
        facts = [f"#{match.id}", match.version or "version unknown", f"solved {(match.solved_at or '')[:10] or '?'}"]
        typer.echo(f"\n{n}. {match.title}  ({' · '.join(facts)} · score {match.score:.2f})")
        typer.echo(f"   {match.path}" + (f"  {match.url}" if match.url else ""))
        typer.echo(f"   why: {'; '.join(match.why())}")


@app.command()
def report(
    archive: ArchiveOption,
    since: Annotated[datetime, typer.Option(formats=DateFormats, help="First solved day, UTC (YYYY-MM-DD).")],
    until: Annotated[datetime, typer.Option(formats=DateFormats, help="Last solved day, UTC, inclusive.")],
    fmt: Annotated[str, typer.Option("--format", help="markdown (to paste) or json (the documented shape).")] = "markdown",
    long_days: Annotated[
        int, typer.Option("--long-days", min=1, help="A case open longer than this many days is listed.")
    ] = 7,
    config: ConfigOption = None,
) -> None:
    """The support retro report: cases solved in a period, time to resolution, engineering share, long cases, counts.

    Each figure is shown next to the previous period of the same length. Computed from the archive's files.

    Example: ticket-archive report --archive ./archive --since 2024-01-01 --until 2024-03-31
    """
    import json

    from archive.report import retro_report
    from exporter.settings_file import load_settings

    if fmt not in ("markdown", "json"):
        raise _fail(EXIT_CONFIG, f"--format is markdown or json, not {fmt!r}")
    if until < since:
        raise _fail(EXIT_CONFIG, "--until is before --since")
    with _errors():
        settings = load_settings(config)
        result = retro_report(archive, since.date(), until.date(), long_days=long_days, settings=settings.notes)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    from archive.report_markdown import report_markdown

    typer.echo(report_markdown(result), nl=False)


@app.command()
def redact(
    file: Annotated[
        Optional[Path], typer.Argument(help="A text file; standard input when left out.", dir_okay=False)
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="List each finding (type, span, recognizer, score) on stderr.")
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Redact text by hand: standard input (or FILE) to standard output.

    Example: pbpaste | ticket-archive redact --explain
    """
    from exporter.settings_file import load_settings

    with _errors():
        settings = load_settings(config)
    try:
        text = file.read_text("utf-8", errors="replace") if file else sys.stdin.read()
    except OSError as exc:
        raise _fail(EXIT_CONFIG, f"cannot read {file}: {exc.strerror}") from None
    with _errors():
        redactor = _redactor(settings)
        findings = redactor.explain(text) if explain else []
        redacted = redactor.redact_text(text)
    typer.echo(redacted if redacted.endswith("\n") or not redacted else redacted + "\n", nl=False)
    for f in findings:
        typer.echo(f"{f.type}\t{f.start}-{f.end}\t{f.recognizer}\t{f.score:.2f}", err=True)


@app.command()
def verify(
    archive: ArchiveOption,
    history: Annotated[
        bool,
        typer.Option("--history", help="Scan every version of every note and page any ref reaches; print commit:path:line."),
    ] = False,
    config: ConfigOption = None,
) -> None:
    """Re-scan the archived files for anything that looks like a leak; exit 1 listing file:line.

    Secrets, emails, phones, IPs and hosts or URLs off the allow-list are reported
    with their values masked. With --history, every version of every note and page any ref reaches, each once.
    Example: ticket-archive verify --archive ./archive --history
    """
    from archive.casefile import TICKETS_DIR
    from archive.store import Archive
    from archive.verify import verify_archive
    from exporter.settings_file import load_settings
    from redaction.scanner import LeakScanner

    with _errors():
        settings = load_settings(config)
        root = Archive(archive).path
        if not (root / TICKETS_DIR).is_dir():
            raise ArchiveError(f"{root} holds no {TICKETS_DIR}/ directory; is it a ticket archive?")
        scan = LeakScanner(settings.redaction).scan
        if history:
            from archive.history import verify_history

            found = verify_history(root, scan)
            files = len({(s.commit, s.suspect.path) for s in found})
        else:
            found = verify_archive(root, scan)
            files = len({s.path for s in found})
    for suspect in found:
        typer.echo(str(suspect))
    where = "file version(s) of the history" if history else "file(s)"
    if found:
        typer.echo(f"{len(found)} suspected leak(s) in {files} {where}", err=True)
        raise typer.Exit(EXIT_WITHHELD)
    typer.echo("no suspected leaks" + (" in any version of any file" if history else ""), err=True)


def main() -> None:
    # Typer's own usage errors exit 2, like our configuration errors.
    app(prog_name="ticket-archive")


if __name__ == "__main__":
    main()
