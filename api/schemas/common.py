"""Shared field types with their limits, so every body is bounded before it reaches the domain."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

import msgspec
from litestar.params import Parameter

T = TypeVar("T")

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_.-]+$")]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
Id = Annotated[int, msgspec.Meta(ge=1, le=2**53 - 1)]
Version = Annotated[int, msgspec.Meta(ge=1, le=2**31)]
MAX_ID = 2**53 - 1
# Path and query ids are bounded like body ids: a 40-digit id is a bad request, not a database error.
IdParam = Annotated[int, Parameter(ge=1, le=MAX_ID)]
# Litestar drops the bounds of ``IdParam | None``; an optional id spells them out itself.
OptionalIdParam = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
LimitParam = Annotated[int, Parameter(ge=1, le=500)]
Username = Annotated[str, msgspec.Meta(min_length=3, max_length=64, pattern=r"^[0-9A-Za-z_.@-]+$")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


class Struct(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base for request bodies: unknown fields are an error, not silently dropped."""


class Page(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


class VersionIn(Struct):
    version: Version
