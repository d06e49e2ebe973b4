"""RFC 8785 (JCS) canonical JSON: the one encoding yide hashes or signs, for ledger entries and for
selection records alike.

JCS gives one byte string per value in any language, so a verifier re-encodes what it parsed and
must get the very bytes that were hashed. The fast route is msgspec's compact output with keys
sorted: it escapes strings exactly as RFC 8785 does (a property test checks every code point) and
orders keys by code point, which equals RFC 8785's UTF-16 order unless a key holds a character at or
above U+E000 (UTF-8 lead byte 0xEE or more; CJK stays below). Then, and for anything the fast route
cannot encode, the reference encoder (``rfc8785``) decides.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
import rfc8785

_HIGH_LEAD_BYTE = re.compile(rb"[\xee-\xff]")


def dumps(value: Any) -> bytes:
    """JCS bytes of plain JSON data whose numbers are integers in the exact range (callers check:
    floats print differently on the fast route)."""
    try:
        fast = msgspec.json.encode(value, order="sorted")
    except (TypeError, msgspec.EncodeError):
        return rfc8785.dumps(value)
    if _HIGH_LEAD_BYTE.search(fast) is not None and _keys_above_e000(value):
        return rfc8785.dumps(value)
    return fast


def _keys_above_e000(value: Any) -> bool:
    """Whether some object key sorts differently by code point than by UTF-16 code unit."""
    if isinstance(value, dict):
        return any(key and max(key) >= "\ue000" for key in value) or any(
            _keys_above_e000(v) for v in value.values()
        )
    if isinstance(value, list):
        return any(_keys_above_e000(v) for v in value)
    return False
