"""QR codes with segno: vector modules for PDFs, PNG and SVG bytes for web pages.

Why vectors in PDFs: a QR drawn as filled rectangles stays sharp at any printer resolution and needs
no image library (segno is pure Python; PIL is not installed). Dark modules of a row are merged into
runs, so a typical code is a few hundred rectangles instead of a thousand.

Error correction defaults to M (15 %): enough for a slightly creased or smudged sheet, while a
~90-character voting URL still fits a version 5 symbol that scans from 30 mm at arm's length.
segno's ``boost_error`` raises the level further whenever that does not make the symbol larger.
"""

from __future__ import annotations

import io
from typing import Literal

import segno
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

ErrorLevel = Literal["L", "M", "Q", "H"]

QUIET_ZONE = 4
"""Modules of white border the QR standard asks for on every side."""


def make_qr(data: str, error: ErrorLevel = "M") -> segno.QRCode:
    """A (never micro) QR code for ``data``; raises segno's DataOverflowError for over-long data."""
    return segno.make_qr(data, error=error, boost_error=True)


def dark_runs(qr: segno.QRCode) -> list[tuple[int, int, int]]:
    """``(row, first column, length)`` of each horizontal run of dark modules, border excluded."""
    runs: list[tuple[int, int, int]] = []
    for row, modules in enumerate(qr.matrix):
        start = None
        for col, dark in enumerate((*modules, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                runs.append((row, start, col - start))
                start = None
    return runs


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float, *, error: ErrorLevel = "M") -> None:
    """Draw the code for ``data`` inside the ``size`` × ``size`` square at (x, y), bottom-left."""
    draw_symbol(canvas, make_qr(data, error), x, y, size)


def draw_symbol(canvas: Canvas, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    """Draw an encoded symbol with its quiet zone inside the ``size`` × ``size`` square at (x, y).

    The canvas is scaled to one unit per module, so each run is written with small integers: a
    page of 1,000 credential sheets spends its time encoding, not formatting coordinates.
    """
    modules = qr.symbol_size(border=0)[0]
    unit = size / (modules + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.translate(x + QUIET_ZONE * unit, y + size - QUIET_ZONE * unit)
    canvas.scale(unit, -unit)  # rows grow downwards, as in the matrix
    path = canvas.beginPath()
    for row, col, length in dark_runs(qr):
        # Overlap each run into the next row by a hair so antialiased renders show no seams.
        path.rect(col, row, length, 1.02)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A QR code as a platypus flowable, quiet zone included in its ``size`` × ``size`` box."""

    def __init__(self, data: str, size: float = 30 * mm, error: ErrorLevel = "M") -> None:
        super().__init__()
        self.qr = make_qr(data, error)  # fails while the story is built, not half-way through a page
        self.data = data
        self.size = size
        self.error: ErrorLevel = error
        self.width = self.height = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        draw_symbol(self.canv, self.qr, 0, 0, self.size)


def qr_png(data: str, scale: int = 8, error: ErrorLevel = "M") -> bytes:
    """PNG bytes (1-bit, ``scale`` pixels per module, quiet zone included) for an <img> on a web page."""
    out = io.BytesIO()
    make_qr(data, error).save(out, kind="png", scale=scale, border=QUIET_ZONE)
    return out.getvalue()


def qr_svg(data: str, scale: int = 4, error: ErrorLevel = "M") -> bytes:
    """Standalone SVG bytes; scales without blur, so pages can size it with CSS."""
    out = io.BytesIO()
    make_qr(data, error).save(out, kind="svg", scale=scale, border=QUIET_ZONE, xmldecl=False, svgns=True)
    return out.getvalue()


def qr_svg_data_uri(data: str, scale: int = 4, error: ErrorLevel = "M") -> str:
    """``data:image/svg+xml`` URI to inline a code in an HTML template without a second request."""
    uri: str = make_qr(data, error).svg_data_uri(scale=scale, border=QUIET_ZONE)
    return uri
