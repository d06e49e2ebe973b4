from __future__ import annotations

import base64
from pathlib import Path

import pytest
import segno
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from tests.unit.documents.pdftools import decode_png
from workflow.documents.qr import QrFlowable, dark_runs, make_qr, qr_png, qr_svg, qr_svg_data_uri

URL = "https://yide.example.gov.cn/vote/campaign-12#cred=9SE3R81AA83M486TTYVZ0QS4Q"


def test_png_decodes_to_the_exact_data(tmp_path: Path) -> None:
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "qr.png").write_bytes(png)
    assert decode_png(tmp_path / "qr.png") == [URL]


def test_svg_is_standalone_and_scales() -> None:
    svg = qr_svg(URL).decode()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    uri = qr_svg_data_uri(URL)
    assert uri.startswith("data:image/svg+xml")


def test_runs_cover_exactly_the_dark_modules() -> None:
    qr = make_qr(URL)
    dark = sum(sum(1 for module in row if module) for row in qr.matrix)
    assert sum(length for _, _, length in dark_runs(qr)) == dark
    assert len(dark_runs(qr)) < dark  # merged, fewer rectangles than modules


def test_error_level_at_least_the_one_asked_for() -> None:
    assert make_qr("short", "M").error in {"M", "Q", "H"}
    assert make_qr(URL, "H").error == "H"


def test_data_too_long_for_any_qr_fails_when_the_story_is_built() -> None:
    with pytest.raises(segno.DataOverflowError):
        QrFlowable("x" * 8000)


def test_flowable_in_a_pdf_decodes(open_pdf, tmp_path: Path) -> None:
    import io

    out = io.BytesIO()
    SimpleDocTemplate(out).build([QrFlowable(URL, 30 * mm)])
    assert open_pdf(out.getvalue()).qr_codes(page=1) == [URL]


def test_png_is_small_enough_to_inline() -> None:
    assert len(base64.b64encode(qr_png(URL, scale=4))) < 4000
