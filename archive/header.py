"""The YAML frontmatter block: written so that YAML 1.1 and 1.2 parsers read back the same values.

PyYAML (YAML 1.1) would write the string `1e3` or `0o17` unquoted, which a
YAML 1.2 parser reads as a number; strings that either version would read as
something else are single-quoted here. Strings with line breaks or control
characters are double-quoted with escapes, so every key stays on one line, a
NUL round-trips as `\\0`, and the file never holds a raw control byte.
Lists and small mappings are written in flow style on one line, so a
Sourcegraph regexp such as `^versions:.*3\\.42` matches the line.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from archive.errors import RenderError

if TYPE_CHECKING:
    import yaml

# Lone surrogates cannot be written as UTF-8 (nor escaped portably): they become U+FFFD.
SURROGATES = re.compile(r"[\ud800-\udfff]")
# Characters that must not appear raw in a one-line YAML scalar.
_NEEDS_ESCAPES = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
# Scalars a YAML 1.2 (core schema) or 1.1 parser resolves to something other than a string.
_NOT_A_STRING = re.compile(
    r"""^(?:
        ~|null|Null|NULL|
        y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|
        [-+]?(?:0|[1-9][0-9_]*)|0o[0-7]+|0x[0-9a-fA-F]+|0b[01_]+|[-+]?0[0-7_]+|
        [-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|
        [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|
        [0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|
        \d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?|
        =|<<
    )$""",
    re.VERBOSE,
)


class FlowMap(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `counts: {EMAIL: 1, PERSON: 2}`."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    data = SURROGATES.sub("\ufffd", data)
    if _NEEDS_ESCAPES.search(data):
        style: str | None = '"'
    elif _NOT_A_STRING.match(data):
        style = "'"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, data: FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


@functools.cache
def _dumper() -> type[yaml.SafeDumper]:
    # PyYAML loads here, not on import: `search` on an unchanged archive never parses nor writes a header.
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _represent_str)
    Dumper.add_representer(list, _represent_list)
    Dumper.add_representer(tuple, _represent_list)
    Dumper.add_representer(FlowMap, _represent_flow_map)
    Dumper.add_representer(dict, _represent_dict)
    return Dumper


def dump_header(meta: dict[str, Any]) -> str:
    """The frontmatter block, `---` lines included, keys in the order given."""
    import yaml

    text = yaml.dump(
        meta, Dumper=_dumper(), sort_keys=False, width=1_000_000, allow_unicode=True, default_flow_style=False
    )
    return f"---\n{text}---\n"


def split_header(text: str) -> tuple[dict[str, Any], str]:
    """(frontmatter, body) of a case file; RenderError when it has no readable frontmatter."""
    if not text.startswith("---\n"):
        raise RenderError("no frontmatter")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise RenderError("unterminated frontmatter")
    import yaml

    try:
        meta = yaml.load(text[4 : end + 1], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        raise RenderError("unreadable frontmatter") from None
    if not isinstance(meta, dict):
        raise RenderError("frontmatter is not a mapping")
    return meta, text[end + 5 :]
