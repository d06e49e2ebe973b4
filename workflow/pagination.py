"""Cursor pagination: a list answers a page of items and an opaque cursor to the next page.

The cursor is the last id seen, base64url-encoded; it is not a secret, only a stable position that
survives inserts (unlike offsets).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from workflow.errors import InvalidInput

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id after which the page starts (0 for the first page)."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput("malformed cursor", field="cursor") from None
    prefix, _, number = raw.partition(":")
    if prefix != "id" or not number.isascii() or not number.isdigit() or len(number) > 18:
        raise InvalidInput("malformed cursor", field="cursor")  # ids fit a 64-bit column
    return int(number)


def page_of(rows: list[T], limit: int, key: Callable[[T], int]) -> Page[T]:
    """Build a page from up to ``limit + 1`` fetched rows (the extra one says there is more)."""
    if len(rows) > limit:
        items = rows[:limit]
        return Page(items, encode_cursor(key(items[-1])))
    return Page(rows, None)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    return limit
