"""Evidence attachments: which files are accepted, judged by their first bytes, never by their name.

Why magic bytes: a name or a declared content type is whatever the uploader says; the first bytes are
what a viewer will actually open. Only formats a browser or a PDF reader shows without running code
are accepted (PDF, PNG, JPEG), and downloads are served as attachments with ``nosniff``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from workflow.errors import InvalidInput

SIGNATURES: Final = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
MAX_ATTACHMENTS: Final = 10
"""Attachments per record: evidence, not an archive."""

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Evidence:
    filename: str
    media_type: str
    size: int
    sha256: str


def sniff(data: bytes) -> tuple[str, str]:
    """The media type and extension the bytes really are; anything else is refused."""
    for magic, media_type, extension in SIGNATURES:
        if data.startswith(magic):
            return media_type, extension
    raise InvalidInput("evidence must be a PDF, PNG or JPEG file", field="file")


def safe_filename(name: str, extension: str) -> str:
    """A display name without paths or control characters, ending in the sniffed extension."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "evidence"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return stem[:100] + extension


def check(data: bytes, filename: str, *, max_bytes: int) -> Evidence:
    """Validate one upload: not empty, not too large, an accepted type; hash it."""
    if not data:
        raise InvalidInput("the file is empty", field="file")
    if len(data) > max_bytes:
        raise InvalidInput(f"the file is larger than {max_bytes} bytes", field="file")
    media_type, extension = sniff(data)
    return Evidence(
        filename=safe_filename(filename, extension),
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
