"""Printed voter credential sheets (PDF) and the same list as CSV, for the credential authority.

Each staff voter receives their credential on paper: the campaign, their name and unit (so the sheet
reaches the right person), the credential in five groups of five large fixed-width characters, a QR
code of ``<public_url>/vote/<campaign>#cred=<credential>`` and the fingerprint of the key the
credential yields, which the voting page shows too. The credential sits in the URL *fragment*: a
browser never sends the part after ``#``, so it cannot reach the server's or a proxy's access log.

The sheets join private census rows (who) with credentials (what), so they are the most sensitive
thing yide prints: callers render them for the credential authority only and never store the bytes.

Two layouts: one voter per A4 page (to fold or put in an envelope), or three cut-out slips per page
(a third of the paper for a large hospital). Pages are drawn straight on the canvas, not through
platypus, because the layout is fixed and a census of 1,000 must print in seconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from workflow.documents.fonts import cjk_font, warn_missing
from workflow.documents.layout import MARGIN, MONO_FONT, PAGE_HEIGHT, PAGE_WIDTH, Styles, para, styles
from workflow.documents.qr import draw_qr
from workflow.errors import InvalidInput
from workflow.selection.common import is_campaign_uid
from workflow.selection.credentials import CredentialSheetRow, format_credential, normalise_credential


class SheetLayout(StrEnum):
    PAGE = "page"
    """One voter per A4 page, large type: for envelopes and for voters with poor eyesight."""
    SLIPS = "slips"
    """Three slips per A4 page with dashed cut lines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialCampaign:
    """The campaign as printed on every sheet."""

    uid: str
    """Public campaign uid, as in the URL and the key derivation (e.g. ``campaign-12``)."""
    title: str
    """E.g. ``2026年“最美医生”评选职工投票``."""
    public_url: str
    """``YIDE_PUBLIC_URL``: scheme and host (and path prefix) the voter's phone opens."""
    issuer: str = ""
    """Who hands out the sheets and reissues lost ones (the credential authority's office)."""
    voting_period: str = ""
    """Free text, e.g. ``2026年7月10日9:00至7月16日17:00``; left out when empty."""

    def __post_init__(self) -> None:
        if not is_campaign_uid(self.uid):
            raise InvalidInput("malformed campaign uid", field="uid")
        if not self.public_url.startswith(("https://", "http://")):
            raise InvalidInput("public_url must start with https:// or http://", field="public_url")
        if not self.title.strip():
            raise InvalidInput("a campaign title is required", field="title")

    @property
    def vote_page(self) -> str:
        """The voting page without a credential (printed for people who type it in)."""
        return f"{self.public_url.rstrip('/')}/vote/{self.uid}"


@dataclass(frozen=True, slots=True, kw_only=True)
class VoterCredential:
    """One private census row joined with the voter's credential."""

    voter_ref: str
    """The census reference (e.g. staff number), printed small so returned sheets can be matched."""
    name: str
    unit: str
    credential: str
    """Printed or compact form; checked (typos, check character) when the sheet is made."""
    fingerprint: str
    """``workflow.selection.credentials.fingerprint`` of the voter's public key."""
    department: str = ""
    weight: int = 1

    def __post_init__(self) -> None:
        normalise_credential(self.credential)
        if not self.name.strip():
            raise InvalidInput("a voter name is required", field="name", voter_ref=self.voter_ref)

    @classmethod
    def from_row(
        cls, row: CredentialSheetRow, *, name: str, unit: str, department: str = ""
    ) -> VoterCredential:
        """Join a row of ``generate_census`` with the person it was issued to."""
        return cls(
            voter_ref=row.voter_ref,
            name=name,
            unit=unit,
            department=department,
            credential=row.credential,
            fingerprint=row.fingerprint,
            weight=row.weight,
        )

    @property
    def printed(self) -> str:
        """Five hyphenated groups of five, upper case: the form people read and type."""
        return format_credential(normalise_credential(self.credential))


def vote_url(campaign: CredentialCampaign, credential: str) -> str:
    """``<public_url>/vote/<campaign>#cred=<25 characters>``: what the QR code holds.

    The compact credential (no hyphens) keeps the code small; the page accepts both spellings.
    """
    return f"{campaign.vote_page}#cred={normalise_credential(credential)}"


INSTRUCTIONS = (
    "用手机扫描二维码，即可打开投票页面并自动填入凭证；也可在浏览器中打开上方网址，"
    "手工输入凭证（不区分大小写，连字符可省略；凭证中没有字母 I、L、O、U）。",
    "投票前请核对：投票页面显示的密钥指纹应与本页所印一致。选票在您自己的手机或电脑上签名，"
    "服务器只保存公开密钥，无法得知选票出自何人。",
    "投票成功后请保存回执中的追踪码，可在公开日志中核验您的选票已被计入。",
    "本凭证仅限本人使用，请勿转借、拍照转发。如有遗失，请联系发放单位作废后补发。",
)
SLIP_INSTRUCTIONS = (
    "扫码或打开网址输入凭证投票；核对页面显示的密钥指纹与本条一致。",
    "仅限本人使用，请勿转借、拍照转发；遗失请联系发放单位补发。",
)


def credential_sheets_pdf(
    campaign: CredentialCampaign,
    voters: Sequence[VoterCredential],
    layout: SheetLayout = SheetLayout.PAGE,
) -> bytes:
    """The printable A4 PDF: one page per voter, or three slips per page, in census order."""
    if not voters:
        raise InvalidInput("no voters to print")
    font = cjk_font()
    warn_missing(
        font, [campaign.title, campaign.issuer, *(f"{v.name}{v.unit}{v.department}" for v in voters)]
    )
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        initialFontName=font.name,
        lang="zh-CN",
    )
    canvas.setTitle(f"{campaign.title} 投票凭证")
    canvas.setAuthor("yide")
    canvas.setCreator("yide")
    pen = _Pen(canvas, styles())
    if layout is SheetLayout.PAGE:
        for voter in voters:
            _draw_page(pen, campaign, voter)
            canvas.showPage()
    else:
        for start in range(0, len(voters), SLIPS_PER_PAGE):
            page = voters[start : start + SLIPS_PER_PAGE]
            for slot, voter in enumerate(page):
                _draw_slip(pen, campaign, voter, slot)
            _draw_cut_lines(canvas, len(page))
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- one voter per page -----------------------------------------------------------------------------

PAGE_QR = 62 * mm


def _draw_page(pen: _Pen, campaign: CredentialCampaign, voter: VoterCredential) -> None:
    """Title, who, credential, QR code with the URL, instructions, fingerprint, reference."""
    canvas, s = pen.canvas, pen.styles
    width = PAGE_WIDTH - 2 * MARGIN
    y = PAGE_HEIGHT - MARGIN
    y = pen.text(campaign.title, s.title, x=MARGIN, top=y, width=width)
    y = pen.text("职工投票凭证（本人专用，请妥善保管）", s.subtitle, x=MARGIN, top=y, width=width)
    y -= 2 * mm
    who = [("姓名", voter.name), ("单位", voter.unit)]
    if voter.department:
        who.append(("科室", voter.department))
    for label, value in who:
        y = pen.text(f"{label}：{value}", s.heading, x=MARGIN, top=y, width=width)
    y -= 6 * mm
    canvas.setFont(s.font, 11)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, "投票凭证")
    y -= 14 * mm
    _credential_box(canvas, voter.printed, PAGE_WIDTH / 2, y, 24)
    y -= 10 * mm
    draw_qr(canvas, vote_url(campaign, voter.credential), (PAGE_WIDTH - PAGE_QR) / 2, y - PAGE_QR, PAGE_QR)
    y -= PAGE_QR + 3 * mm
    canvas.setFont(MONO_FONT, 10)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, campaign.vote_page)
    y -= 6 * mm
    canvas.setFont(s.font, 11)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, "密钥指纹")
    canvas.setFont(MONO_FONT, 14)
    canvas.drawCentredString(PAGE_WIDTH / 2, y - 7 * mm, voter.fingerprint)
    y -= 14 * mm
    if campaign.voting_period:
        y = pen.text(f"投票时间：{campaign.voting_period}", s.body, x=MARGIN, top=y, width=width)
    for number, text in enumerate(INSTRUCTIONS, start=1):
        y = pen.text(f"{number}. {text}", s.body, x=MARGIN, top=y, width=width)
    _reference_line(canvas, campaign, voter, s, x=MARGIN, y=MARGIN)


def _credential_box(canvas: Canvas, printed: str, centre_x: float, baseline: float, size: float) -> None:
    """The credential in a light box, fixed-width, so every group of five lines up by eye."""
    text_width = canvas.stringWidth(printed, MONO_FONT, size)
    pad = size * 0.45
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#F2F2F2"))
    canvas.setStrokeColor(colors.HexColor("#888888"))
    canvas.roundRect(
        centre_x - text_width / 2 - pad, baseline - pad, text_width + 2 * pad, size + pad, 3, fill=1
    )
    canvas.setFillColor(colors.black)
    canvas.setFont(MONO_FONT, size)
    canvas.drawCentredString(centre_x, baseline + size * 0.12, printed)
    canvas.restoreState()


def _reference_line(
    canvas: Canvas, campaign: CredentialCampaign, voter: VoterCredential, s: Styles, *, x: float, y: float
) -> None:
    issuer = f"发放单位：{campaign.issuer}　" if campaign.issuer else ""
    canvas.setFont(s.font, 8)
    canvas.setFillColor(colors.HexColor("#444444"))
    canvas.drawString(x, y, f"{issuer}编号：{voter.voter_ref}　活动：{campaign.uid}")
    canvas.setFillColor(colors.black)


# --- three slips per page ---------------------------------------------------------------------------

SLIPS_PER_PAGE = 3
SLIP_HEIGHT = PAGE_HEIGHT / SLIPS_PER_PAGE
SLIP_QR = 48 * mm


def _draw_slip(pen: _Pen, campaign: CredentialCampaign, voter: VoterCredential, slot: int) -> None:
    """A slip: QR code on the left; title, who, credential, URL, fingerprint and notes on the right."""
    canvas, s = pen.canvas, pen.styles
    top = PAGE_HEIGHT - slot * SLIP_HEIGHT - 10 * mm
    left = MARGIN
    text_x = left + SLIP_QR + 6 * mm
    text_width = PAGE_WIDTH - MARGIN - text_x
    draw_qr(canvas, vote_url(campaign, voter.credential), left, top - SLIP_QR - 2 * mm, SLIP_QR)
    y = pen.text(campaign.title, s.body, x=text_x, top=top, width=text_width, max_lines=2)
    who = "　".join(part for part in (voter.name, voter.unit, voter.department) if part)
    y = pen.text(who, s.heading, x=text_x, top=y, width=text_width, max_lines=2)
    y -= 11 * mm
    _credential_box(canvas, voter.printed, text_x + text_width / 2, y, 18)
    y -= 9 * mm
    canvas.setFont(MONO_FONT, 8.5)
    canvas.drawString(text_x, y, campaign.vote_page)
    y -= 5 * mm
    canvas.setFont(s.font, 9)
    canvas.drawString(text_x, y, "密钥指纹")
    canvas.setFont(MONO_FONT, 10)
    canvas.drawString(text_x + 15 * mm, y, voter.fingerprint)
    y -= 2 * mm
    notes = list(SLIP_INSTRUCTIONS)
    if campaign.voting_period:
        notes.insert(0, f"投票时间：{campaign.voting_period}")
    for text in notes:
        y = pen.text(text, s.small, x=text_x, top=y, width=text_width)
    _reference_line(canvas, campaign, voter, s, x=left, y=top - SLIP_HEIGHT + 18 * mm)


def _draw_cut_lines(canvas: Canvas, slips: int) -> None:
    """Dashed lines under each used slip but the last one of a full page (that is the page edge)."""
    canvas.saveState()
    canvas.setDash(4, 3)
    canvas.setStrokeColor(colors.HexColor("#999999"))
    canvas.setLineWidth(0.5)
    for slot in range(1, min(slips + 1, SLIPS_PER_PAGE)):
        y = PAGE_HEIGHT - slot * SLIP_HEIGHT
        canvas.line(8 * mm, y, PAGE_WIDTH - 8 * mm, y)
    canvas.restoreState()


class _Pen:
    """The canvas and styles of one PDF, with wrapped paragraphs cached for that PDF.

    Why a cache: the title and the instructions repeat on every sheet, and wrapping Chinese is the
    costliest step after encoding the QR code; a wrapped paragraph can be drawn many times. The
    cache lives only as long as one document, so concurrent requests never share a paragraph.
    """

    def __init__(self, canvas: Canvas, styles: Styles) -> None:
        self.canvas = canvas
        self.styles = styles
        self._wrapped: dict[tuple[str, str, float, int], tuple[Paragraph, float]] = {}

    def text(
        self, text: str, style: ParagraphStyle, *, x: float, top: float, width: float, max_lines: int = 3
    ) -> float:
        """Draw wrapped text with its top at ``top``; return where the next line starts.

        The layout is fixed, so text longer than ``max_lines`` is cut and ends in "…" rather than
        running into the next slip; the CSV always carries the full text.
        """
        key = (text, style.name, width, max_lines)
        if key not in self._wrapped:
            self._wrapped[key] = _fit(text, style, width, max_lines)
        paragraph, height = self._wrapped[key]
        paragraph.drawOn(self.canvas, x, top - height)
        return float(top - height - style.spaceAfter)


def _fit(text: str, style: ParagraphStyle, width: float, max_lines: int) -> tuple[Paragraph, float]:
    """The longest prefix of ``text`` (plus "…") that wraps into ``max_lines`` lines, wrapped."""
    limit = max_lines * style.leading + 0.1
    paragraph = para(text, style)
    height = paragraph.wrap(width, PAGE_HEIGHT)[1]
    if height <= limit:
        return paragraph, height
    low, high = 0, len(text)  # invariant: text[:low] + "…" fits
    while low < high:
        middle = (low + high + 1) // 2
        if para(text[:middle] + "…", style).wrap(width, PAGE_HEIGHT)[1] <= limit:
            low = middle
        else:
            high = middle - 1
    paragraph = para(text[:low] + "…", style)
    return paragraph, paragraph.wrap(width, PAGE_HEIGHT)[1]


# --- CSV -------------------------------------------------------------------------------------------

CSV_COLUMNS = ("编号", "姓名", "单位", "科室", "权重", "投票凭证", "密钥指纹", "投票链接")
"""编号 = voter_ref; 投票凭证 printed form (hyphenated); 投票链接 = the URL in the QR code."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP): a name like ``=HYPERLINK(…)`` stays text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def credential_sheets_csv(campaign: CredentialCampaign, voters: Sequence[VoterCredential]) -> bytes:
    """The same sheets as CSV for a mail merge: UTF-8 with BOM (Excel detects it), CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for voter in voters:
        writer.writerow(
            [
                _cell(voter.voter_ref),
                _cell(voter.name),
                _cell(voter.unit),
                _cell(voter.department),
                voter.weight,
                voter.printed,
                voter.fingerprint,
                vote_url(campaign, voter.credential),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
