"""The optional settings file (TOML): redaction and case-note settings a team tunes.

    [redaction]
    model = "en_core_web_lg"                  # any installed spaCy pipeline
    allow_domains = ["docs.acme.dev"]         # added to the built-in allow-list
    keep_agent_names = true

    [notes]
    custom_fields = ["Product version", "Deployment type"]
    resolution_marker = "Resolution:"
    sourcegraph_repo = "github.com/acme/support-cases"
    services = [["gitserver", "gitserver"], ["frontend", "(?:sourcegraph-)?frontend"]]

Every key is a field of `redaction.RedactionSettings` or `archive.settings.NoteSettings`;
an unknown key or a value of the wrong type is a configuration error that names it.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from pathlib import Path
from typing import Any

from archive.settings import NoteSettings
from exporter.errors import ConfigError
from redaction.settings import RedactionSettings

# Lists that extend the built-in defaults instead of replacing them.
_EXTENDS = {"allow_domains", "allow_terms", "service_domains", "public_code_orgs"}
# org_key comes only from TICKET_ARCHIVE_ORG_KEY: a settings file is often committed.
_NOT_CONFIGURABLE = {"extra_recognizers", "org_key"}


@dataclasses.dataclass(frozen=True)
class Settings:
    redaction: RedactionSettings
    notes: NoteSettings


def _coerce(section: str, name: str, value: Any, default: Any, hint: Any) -> Any:
    where = f"[{section}] {name}"
    if isinstance(default, bool) or hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where} must be a whole number")
        return value
    if isinstance(default, (tuple, frozenset)) or (default is None and "tuple" in str(hint)):
        if not isinstance(value, list):
            raise ConfigError(f"{where} must be a list")
        items = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        if name in _EXTENDS and isinstance(default, tuple):
            items = tuple(dict.fromkeys(default + items))
        return frozenset(items) if isinstance(default, frozenset) else items
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string")
    return value


def _apply(section: str, base: Any, values: dict[str, Any]) -> Any:
    fields = {f.name: f for f in dataclasses.fields(base) if f.name not in _NOT_CONFIGURABLE}
    hints = typing.get_type_hints(type(base))
    changes = {}
    for name, value in values.items():
        if name not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(f"unknown setting [{section}] {name}; known: {known}")
        changes[name] = _coerce(section, name, value, getattr(base, name), hints.get(name))
    try:
        return dataclasses.replace(base, **changes)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid [{section}] settings: {exc}") from None


def load_settings(path: Path | None, *, profile: str | None = None) -> Settings:
    """The settings file's values over the defaults; `profile` (from --profile) over both."""
    settings = _load(path)
    if profile is None:
        return settings
    try:
        return dataclasses.replace(settings, redaction=dataclasses.replace(settings.redaction, profile=profile))
    except ValueError:
        raise ConfigError(f"--profile must be internal or public, not {profile!r}") from None


def _load(path: Path | None) -> Settings:
    if path is None:
        return Settings(redaction=RedactionSettings(), notes=NoteSettings())
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"settings file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"redaction", "notes"}
    if unknown:
        raise ConfigError(f"unknown section(s) in {path}: {', '.join(sorted(unknown))}; use [redaction] and [notes]")
    return Settings(
        redaction=_apply("redaction", RedactionSettings(), data.get("redaction", {})),
        notes=_apply("notes", NoteSettings(), data.get("notes", {})),
    )
