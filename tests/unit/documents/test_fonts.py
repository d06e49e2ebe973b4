from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas

from tests.unit.documents import samples
from tests.unit.documents.pdftools import cjk_fonts
from workflow.documents import layout, notice
from workflow.documents.fonts import (
    FALLBACK_CID_FONT,
    FONT_ENV,
    CjkFontFallback,
    FontUnavailable,
    MissingGlyphs,
    RegisteredFont,
    cjk_font,
    font_file,
    register,
    warn_missing,
)

MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
ZENHEI = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def test_the_debian_font_is_found_and_embedded() -> None:
    font = cjk_font()
    assert font.embedded
    assert font.path in {MICROHEI, ZENHEI}, "install fonts-wqy-microhei (see docs/documents.md)"
    assert not font.missing("医德考评表最美医生公示欧阳明远")


def test_env_var_chooses_the_font(tmp_path: Path) -> None:
    assert font_file({FONT_ENV: str(ZENHEI)}, candidates=[MICROHEI]) == ZENHEI


def test_env_var_naming_a_missing_file_stops_rather_than_guesses(tmp_path: Path) -> None:
    with pytest.raises(FontUnavailable, match=FONT_ENV):
        font_file({FONT_ENV: str(tmp_path / "nope.ttf")})


def test_first_candidate_on_disk_wins(tmp_path: Path) -> None:
    assert font_file({}, candidates=[tmp_path / "absent.ttc", ZENHEI, MICROHEI]) == ZENHEI
    assert font_file({}, candidates=[tmp_path / "absent.ttc"]) is None


def test_a_file_that_is_not_a_truetype_font_is_refused_with_advice(tmp_path: Path) -> None:
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"not a font")
    with pytest.raises(FontUnavailable, match="fonts-wqy-microhei"):
        register(fake, name="YideTestFake")


def test_a_chosen_ttc_embeds_its_first_face(open_pdf) -> None:
    font = register(ZENHEI, name="YideTestZenHei")
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont(font.name, 12)
    canvas.drawString(72, 700, "文泉驿正黑")
    canvas.save()
    pdf = open_pdf(out.getvalue())
    [(name, embedded)] = cjk_fonts(pdf)
    assert name.split("+")[1].startswith("WenQuanYiZenHei") and embedded
    assert "文泉驿正黑" in pdf.text()


def test_no_font_falls_back_to_cid_with_a_warning(open_pdf, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.warns(CjkFontFallback, match="non-embedded"):
        fallback = register(None)
    assert fallback == RegisteredFont(FALLBACK_CID_FONT, None, embedded=False, characters=frozenset())
    monkeypatch.setattr(layout, "cjk_font", lambda: fallback)
    monkeypatch.setattr(notice, "cjk_font", lambda: fallback)
    pdf = open_pdf(notice.notice_pdf(samples.notice()))
    assert (FALLBACK_CID_FONT, False) in cjk_fonts(pdf)  # not embedded: the viewer must have a font
    assert "最美医生" in pdf.flat_text()


def test_characters_the_font_lacks_are_reported_not_printed_as_boxes_silently() -> None:
    font = cjk_font()
    rare = "\U00020bb7"  # 𠮷, a name character outside the BMP that WenQuanYi lacks
    assert font.missing(f"吉{rare}祥") == {rare}
    with pytest.warns(MissingGlyphs, match=rare):
        warn_missing(font, ["张三", f"{rare}田"])


def test_unknown_coverage_reports_nothing() -> None:
    assert RegisteredFont("X", None, embedded=False, characters=frozenset()).missing("\U00020bb7") == set()
