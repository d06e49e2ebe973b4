"""Evidence is accepted by what its bytes are, not by what its name says."""

from __future__ import annotations

import pytest

from workflow.errors import InvalidInput
from workflow.ethics.evidence import check, safe_filename, sniff

PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"%PDF-1.7\n", "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0JFIF", "image/jpeg")],
)
def test_accepted_types(data: bytes, expected: str) -> None:
    assert sniff(data)[0] == expected


@pytest.mark.parametrize("data", [b"MZ\x90\x00", b"<svg onload=alert(1)>", b"<html>", b"GIF89a"])
def test_other_content_is_refused_whatever_its_name(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="PDF, PNG or JPEG"):
        check(data, "photo.png", max_bytes=1000)


def test_size_and_emptiness() -> None:
    with pytest.raises(InvalidInput, match="empty"):
        check(b"", "a.pdf", max_bytes=10)
    with pytest.raises(InvalidInput, match="larger"):
        check(b"%PDF-" + bytes(10), "a.pdf", max_bytes=10)
    ok = check(PNG, "照片.jpg", max_bytes=100)
    assert ok.media_type == "image/png" and ok.filename == "照片.png" and len(ok.sha256) == 64


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\a\\报告.pdf", "报告.pdf"),
        ('a"b<c>.pdf', "a_b_c_.pdf"),
        ("", "evidence.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_names_are_made_safe(name: str, expected: str) -> None:
    assert safe_filename(name, ".pdf") == expected
