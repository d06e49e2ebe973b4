"""What every yide PDF shares: A4 page, styles bound to the CJK font, escaping, numbers and dates.

Why one place: the two ways Chinese PDFs silently go wrong — a table cell left in Helvetica (black
squares, no error) and a paragraph without ``wordWrap='CJK'`` (a line never breaks between Chinese
characters and runs off the page) — are prevented here once, so a document module never builds a
style or a table style of its own.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Protocol
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from workflow.documents.fonts import cjk_font
from workflow.errors import InvalidInput

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
MONO_FONT = "Courier-Bold"
"""Credentials and hashes are ASCII: a fixed-width face makes groups line up and 0/8/B distinct."""

GRID = colors.HexColor("#555555")
SHADE = colors.HexColor("#EEEEEE")


class CheckpointLike(Protocol):
    """What a document prints of a log checkpoint; ``workflow.ledger.note.Checkpoint`` fits as is."""

    @property
    def origin(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def root_hash(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class LogCheckpoint:
    """A checkpoint's three printed facts, for callers that hold them without a ledger object."""

    origin: str
    size: int
    root_hash: bytes

    def __post_init__(self) -> None:
        if not self.origin or self.size < 0 or len(self.root_hash) != 32:
            raise InvalidInput("a checkpoint needs an origin, a size ≥ 0 and a 32-byte root hash")


def root_b64(checkpoint: CheckpointLike) -> str:
    """The root hash spelled as in the checkpoint note (standard base64), so readers can compare."""
    return base64.b64encode(checkpoint.root_hash).decode("ascii")


@dataclass(frozen=True, slots=True)
class Styles:
    """Paragraph styles of one font; every one has ``wordWrap='CJK'``."""

    font: str
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_strong: ParagraphStyle
    mono: ParagraphStyle
    signature: ParagraphStyle


def _style(name: str, font: str, size: float, **extra: Any) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.45)
    return ParagraphStyle(name, fontName=font, fontSize=size, wordWrap="CJK", splitLongWords=1, **extra)


@cache
def styles_for(font: str) -> Styles:
    """Styles for ``font``; cached because a batch of 1,000 pages must not rebuild them per page."""
    return Styles(
        font=font,
        title=_style("title", font, 18, alignment=TA_CENTER, spaceAfter=3 * mm),
        subtitle=_style("subtitle", font, 11, alignment=TA_CENTER, spaceAfter=3 * mm),
        heading=_style("heading", font, 12, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        body=_style("body", font, 10.5, alignment=TA_LEFT, spaceAfter=1.5 * mm),
        small=_style("small", font, 8, textColor=colors.HexColor("#333333")),
        cell=_style("cell", font, 9.5),
        cell_center=_style("cell_center", font, 9.5, alignment=TA_CENTER),
        cell_right=_style("cell_right", font, 9.5, alignment=TA_RIGHT),
        cell_strong=_style("cell_strong", font, 12, alignment=TA_CENTER),
        mono=_style("mono", MONO_FONT, 8, leading=10),
        signature=_style("signature", font, 11, alignment=TA_RIGHT),
    )


def styles() -> Styles:
    """Styles of the process's CJK font (registering it on first use)."""
    return styles_for(cjk_font().name)


def esc(text: str) -> str:
    """Escape text for a reportlab Paragraph (its markup is XML) and keep the caller's line breaks."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain caller text: escaped, so ``<`` or ``&`` in a name cannot break the page."""
    return Paragraph(esc(text), style)


def num(value: Decimal | int | str | None) -> str:
    """A score as people write it: ``10``, ``2.5``, ``-1``; empty for ``None``; strings unchanged."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def date_zh(day: date) -> str:
    """``2025年12月20日``: the form official notices use."""
    return f"{day.year}年{day.month}月{day.day}日"


def table(
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A grid table whose every cell uses the CJK font, header shaded and repeated on each page."""
    font = styles().font
    result = Table(list(map(list, rows)), colWidths=list(widths), repeatRows=header_rows)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    result.setStyle(TableStyle([*commands, *extra]))
    return result


class FooterMark(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Zero-size marker starting a document part (one person's form): sets the footer text and
    restarts the page count, so a batch PDF of 200 forms numbers each form's pages from 1."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._yide_footer = (self.text, self.canv.getPageNumber())


def _draw_footer(canvas: Canvas, doc: Any) -> None:
    """Page-end hook: the current part's footer text and its page number, at the foot of the page."""
    text, first_page = getattr(canvas, "_yide_footer", ("", 1))
    canvas.saveState()
    canvas.setFont(styles().font, 8)
    canvas.setFillColor(colors.HexColor("#444444"))
    canvas.drawString(MARGIN, MARGIN - 2 * mm, text)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 2 * mm, f"第 {doc.page - first_page + 1} 页")
    canvas.restoreState()


def build_pdf(story: Sequence[Flowable], *, title: str, subject: str) -> bytes:
    """Lay ``story`` out on A4 pages with yide's margins and footer and return the PDF bytes.

    ``invariant`` drops the creation time and random file id, so equal input gives equal bytes
    (a printed form can be re-rendered later and compared by hash).
    """
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        subject=subject,
        author="yide",
        creator="yide",
        lang="zh-CN",
        invariant=1,
        initialFontName=styles().font,
    )
    no_padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", **no_padding)
    doc.addPageTemplates([PageTemplate(id="a4", frames=[frame], onPageEnd=_draw_footer)])
    doc.build(list(story))
    return buffer.getvalue()
