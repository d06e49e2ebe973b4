"""Uploaded photos and attachments: the type is read from the bytes, never from the file name.

A nominee's photo goes on the public candidate page and attachments (证书, 表彰 scans) go to the
reviewers, so only formats a browser shows safely are accepted: JPEG, PNG and WebP photos; PDF or
image attachments. Sizes are capped per kind; the SHA-256 goes into the ledger.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from workflow.errors import InvalidInput
from workflow.selection.tables import FileKind

PHOTO_MAX_BYTES = 2 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5

_SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("application/pdf", b"%PDF-", 0),
)
_ALLOWED = {
    FileKind.PHOTO: frozenset({"image/jpeg", "image/png", "image/webp"}),
    FileKind.ATTACHMENT: frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"}),
}


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    media_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> str | None:
    """The media type the leading bytes prove, or None."""
    for media_type, magic, offset in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return media_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_file(kind: FileKind, data: bytes, *, upload_max_bytes: int) -> CheckedFile:
    """Accept ``data`` as a ``kind`` or raise InvalidInput saying what is wrong."""
    limit = min(PHOTO_MAX_BYTES if kind is FileKind.PHOTO else ATTACHMENT_MAX_BYTES, upload_max_bytes)
    if not data:
        raise InvalidInput("the file is empty", field="file")
    if len(data) > limit:
        raise InvalidInput(f"a {kind} may have at most {limit} bytes", field="file", limit=limit)
    media_type = sniff(data)
    if media_type not in _ALLOWED[kind]:
        allowed = ", ".join(sorted(_ALLOWED[kind]))
        raise InvalidInput(f"a {kind} must be one of {allowed}", field="file", allowed=sorted(_ALLOWED[kind]))
    return CheckedFile(kind, media_type, len(data), hashlib.sha256(data).hexdigest())
