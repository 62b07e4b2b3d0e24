"""Reading a request: query parameters, Zendesk's cursor pagination, and the error a bad one gets.

Cursors are opaque standard base64 (so they may hold `+`, `/` and `=` and must
be URL-encoded, as Zendesk's must). Each is bound to its scope (an endpoint, a
ticket's comments, a search query); a foreign or garbled one is a 400
`InvalidCursor`.
"""

from __future__ import annotations

import base64
import re
import time
import zlib
from typing import Any, Callable
from urllib.parse import urlencode

NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
_CURSOR_SALT = "fake-zendesk-cursor-v1"

Item = tuple[tuple[int, int], dict[str, Any]]


class ApiError(Exception):
    """Answer the request with this status and payload instead."""

    def __init__(self, status: int, payload: dict[str, Any]):
        super().__init__(status)
        self.status = status
        self.payload = payload


def bad_request(error: str, description: str) -> ApiError:
    return ApiError(400, {"error": error, "description": description})


def encode_cursor(scope: str, key: tuple[int, int]) -> str:
    raw = f"{key[0]}.0||{key[1]}|{scope}"
    check = zlib.crc32(f"{raw}|{_CURSOR_SALT}".encode()) & 0xFFFFFFFF
    return base64.b64encode(f"{raw}|{check:08x}".encode()).decode("ascii")


def decode_cursor(scope: str, cursor: str) -> tuple[int, int]:
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
        raw, check = text.rsplit("|", 1)
        valid = int(check, 16) == zlib.crc32(f"{raw}|{_CURSOR_SALT}".encode()) & 0xFFFFFFFF
        match = re.fullmatch(r"(-?\d+)\.0\|\|(\d+)\|(.+)", raw)
    except (ValueError, UnicodeError):
        valid, match = False, None
    if not valid or match is None or match.group(3) != scope:
        raise bad_request("InvalidCursor", "The cursor is invalid or does not belong to this request")
    return int(match.group(1)), int(match.group(2))


def int_param(query: dict[str, str], name: str, default: int, maximum: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise bad_request("InvalidPaginationParameter", f"{name} must be an integer") from None
    if number < 1:
        raise bad_request("InvalidPaginationParameter", f"{name} must be positive")
    return min(number, maximum)


def cursor_page(
    items: list[Item], query: dict[str, str], scope: str, size: int
) -> tuple[list[Item], bool]:
    """Zendesk cursor pagination over key-sorted items: page[after] forward, page[before] backward."""
    if query.get("page[before]"):
        before = decode_cursor(scope, query["page[before]"])
        earlier = [item for item in items if item[0] < before]
        return earlier[-size:], True
    after = decode_cursor(scope, query["page[after]"]) if query.get("page[after]") else None
    rest = [item for item in items if after is None or item[0] > after]
    return rest[:size], len(rest) > size


def cursor_envelope(
    page: list[Item],
    has_more: bool,
    scope: str,
    url: Callable[[dict[str, str]], str],
    *,
    backward: bool = True,
) -> dict[str, Any]:
    if not page:
        return {
            "meta": {"has_more": False, "after_cursor": None, "before_cursor": None},
            "links": {"next": None, "prev": None},
        }
    after = encode_cursor(scope, page[-1][0])
    before = encode_cursor(scope, page[0][0]) if backward else None
    return {
        "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
        "links": {
            # Like Zendesk, `next` is there on the last page too: clients must read has_more.
            "next": url({"page[after]": after}),
            "prev": url({"page[before]": before}) if before else None,
        },
    }



def read_start_time(query: dict[str, str]) -> int:
    try:
        start_time = int(query["start_time"])
    except ValueError:
        raise bad_request("InvalidValue", "start_time must be a Unix timestamp in seconds") from None
    if start_time < 0 or start_time > time.time():
        raise bad_request("InvalidValue", "start_time must not be negative or in the future")
    return start_time


def includes(query: dict[str, str]) -> set[str]:
    return {part.strip() for part in query.get("include", "").split(",") if part.strip()}


def url_maker(base: str, path: str, query: dict[str, str]) -> Callable[[dict[str, str]], str]:
    """Absolute URLs for pagination links: the request's own parameters, cursor replaced."""

    def make(cursor: dict[str, str]) -> str:
        params = {k: v for k, v in query.items() if k not in ("page[after]", "page[before]")}
        params.update(cursor)
        return f"{base}{path}?{urlencode(params)}"

    return make

