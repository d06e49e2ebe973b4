from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.unit.documents.pdftools import Pdf


@pytest.fixture
def open_pdf() -> Iterator[Callable[[bytes], Pdf]]:
    """Open PDF bytes for inspection; temporary files are removed after the test."""
    opened: list[Pdf] = []

    def factory(data: bytes) -> Pdf:
        pdf = Pdf(data)
        opened.append(pdf)
        return pdf

    yield factory
    for pdf in opened:
        pdf.close()
