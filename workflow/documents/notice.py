"""The 公示 notice of a selection's result: Markdown, plain text and an A4 PDF from one data object.

What a notice must say (domain-rules §4): who is proposed, in what order and with which scores; the
publicity period; that objections are taken only within it, only under a real name (units: with the
seal), by which office and how to reach it. yide adds what makes the result checkable by anyone: the
campaign log's checkpoint (origin, size, root hash) at the time of the notice, a QR code to the public
log page, and the SHA-256 of the tally result, so a reader with the offline verifier can re-derive the
table from the log and compare.

Dates and contacts come from the caller (the working-day calendar and the office are the workflow's
business); this module only lays them out. Scores are printed exactly as given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from workflow.documents.fonts import cjk_font, warn_missing
from workflow.documents.layout import (
    FRAME_WIDTH,
    CheckpointLike,
    FooterMark,
    build_pdf,
    date_zh,
    esc,
    para,
    root_b64,
    styles,
    table,
)
from workflow.documents.qr import QrFlowable
from workflow.errors import InvalidInput
from workflow.ledger.note import VerifierKey
from workflow.selection.credentials import fingerprint
from workflow.selection.tally import TallyResult

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeRow:
    """One line of the result table."""

    rank: int
    name: str
    unit: str
    department: str
    votes: int
    """Weighted votes over all channels (staff weights + public ballots)."""
    expert_score: str | None
    """Printed as given; ``None`` prints a dash (no expert panel, or votes only)."""
    combined: str
    """The combined score that ranked the candidate, printed as given."""
    winner: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectionContact:
    """Where real-name objections go during the period (domain-rules §4)."""

    office: str
    """E.g. ``市卫生健康委员会人事科``."""
    phone: str = ""
    email: str = ""
    address: str = ""
    """Postal address for letters (judged by postmark date)."""

    def lines(self) -> list[str]:
        parts = [f"受理部门：{self.office}"]
        if self.phone:
            parts.append(f"联系电话：{self.phone}")
        if self.email:
            parts.append(f"电子邮箱：{self.email}")
        if self.address:
            parts.append(f"通信地址：{self.address}")
        return parts


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicityNotice:
    """Everything a 公示 notice prints; build it from the tally, the calendar and the ledger."""

    title: str
    """E.g. ``关于2026年“最美医生”评选结果的公示``."""
    campaign_title: str
    campaign_uid: str
    issuer: str
    """Who publishes the notice, printed as the signature (落款)."""
    issued_on: date
    period_start: date
    period_end: date
    """Last day on which objections are accepted (inclusive)."""
    rows: Sequence[NoticeRow]
    objection: ObjectionContact
    checkpoint: CheckpointLike
    log_url: str
    """The public log page of the campaign; the QR code holds exactly this."""
    result_hash: str
    """Lower-case hex SHA-256 of the encoded tally result (``selection.tally.result_hash``)."""
    log_keys: Sequence[str] = ()
    """The vkeys that sign the log's checkpoints, printed with their fingerprints: what a voter
    compares with the find-my-ballot page and an auditor passes to ``yide verify --log-key``."""
    period_note: str = ""
    """E.g. ``5个工作日``; printed after the dates when given."""
    preamble: str = ""
    """Opening paragraph; a standard one naming the campaign is used when empty."""
    footnotes: Sequence[str] = field(default_factory=tuple)
    """E.g. how the combined score is weighted; printed under the table."""

    def __post_init__(self) -> None:
        if self.period_end < self.period_start:
            raise InvalidInput("the publicity period ends before it starts", field="period_end")
        if not _HEX64.fullmatch(self.result_hash):
            raise InvalidInput("result_hash must be 64 lower-case hex digits", field="result_hash")
        if not self.rows:
            raise InvalidInput("a notice needs at least one result row", field="rows")

    @property
    def marks_winners(self) -> bool:
        """Whether the table mixes proposed winners and others, so needs a 拟表彰 column."""
        return not all(row.winner for row in self.rows)

    def intro(self) -> str:
        return self.preamble or (
            f"{self.campaign_title}已完成推荐、资格审查、投票和专家评审，现将评选结果予以公示。"
            "投票、计票全过程已记入公开日志，任何人均可下载核验。"
        )

    def period(self) -> str:
        note = f"（{self.period_note}）" if self.period_note else ""
        return f"{date_zh(self.period_start)}至{date_zh(self.period_end)}{note}"

    def objection_rules(self) -> str:
        return (
            "公示期间，如对公示对象有异议，请以书面、电话或电子邮件方式向受理部门实名反映。"
            "个人反映须署真实姓名，并注明工作单位、通信地址和联系电话；单位反映须加盖公章并注明联系人。"
            "反映情况应客观真实，不得捏造事实、诬告陷害。匿名或超过公示期限的异议不予受理"
            "（信函以邮戳日期为准）。"
        )

    def verification(self) -> list[str]:
        return [
            f"日志来源：{self.checkpoint.origin}",
            f"日志条目数：{self.checkpoint.size}",
            f"根哈希（base64）：{root_b64(self.checkpoint)}",
            f"计票结果哈希（SHA-256）：{self.result_hash}",
            f"公开日志：{self.log_url}",
            *self._key_lines(),
        ]

    def _key_lines(self) -> list[str]:
        lines = []
        for vkey in self.log_keys:
            key = VerifierKey.parse(vkey)
            lines += [f"日志签名公钥指纹：{fingerprint(key.public_key)}", f"日志签名公钥（vkey）：{vkey}"]
        return lines


HEADERS = ("名次", "姓名", "单位", "科室", "得票", "专家评分", "综合得分")


def _cells(notice: PublicityNotice, row: NoticeRow) -> list[str]:
    cells = [
        str(row.rank),
        row.name,
        row.unit,
        row.department,
        str(row.votes),
        row.expert_score if row.expert_score is not None else "—",
        row.combined,
    ]
    if notice.marks_winners:
        cells.append("是" if row.winner else "")
    return cells


def _headers(notice: PublicityNotice) -> list[str]:
    return [*HEADERS, "拟表彰"] if notice.marks_winners else list(HEADERS)


# --- Markdown and plain text ------------------------------------------------------------------------


def _md(text: str) -> str:
    """Escape what Markdown would read as markup in a table cell or line."""
    return re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", text).replace("\n", " ")


def notice_markdown(notice: PublicityNotice) -> str:
    """The notice as Markdown (for the public page and the WeChat article editor)."""
    headers = _headers(notice)
    lines = [
        f"# {_md(notice.title)}",
        "",
        _md(notice.intro()),
        "",
        f"评选活动：{_md(notice.campaign_title)}（编号 `{notice.campaign_uid}`）",
        "",
        "| " + " | ".join(headers) + " |",
        "|"
        + "|".join("---:" if h in {"名次", "得票", "专家评分", "综合得分"} else "---" for h in headers)
        + "|",
    ]
    lines += ["| " + " | ".join(_md(c) for c in _cells(notice, row)) + " |" for row in notice.rows]
    lines += ["", *(f"注：{_md(n)}" for n in notice.footnotes)]
    lines += ["", "## 公示期", "", notice.period(), "", "## 异议受理", "", notice.objection_rules(), ""]
    lines += [f"- {_md(line)}" for line in notice.objection.lines()]
    lines += ["", "## 核验", "", "公示时本次评选公开日志的检查点：", ""]
    lines += [f"- {_md(line)}" for line in notice.verification()]
    lines += ["", f"{_md(notice.issuer)}  ", date_zh(notice.issued_on), ""]
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Terminal/monospace columns: Chinese characters and full-width punctuation take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def notice_text(notice: PublicityNotice) -> str:
    """The notice as plain text with a column-aligned table (SMS gateways, e-mail, notice boards)."""
    headers = _headers(notice)
    rows = [_cells(notice, row) for row in notice.rows]
    widths = [max(display_width(c) for c in column) for column in zip(headers, *rows, strict=True)]
    table_lines = [
        "  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip() for line in (headers, *rows)
    ]
    lines = [
        notice.title,
        "",
        notice.intro(),
        "",
        f"评选活动：{notice.campaign_title}（编号 {notice.campaign_uid}）",
        "",
    ]
    lines += [*table_lines, "", *(f"注：{n}" for n in notice.footnotes)]
    lines += ["", f"公示期：{notice.period()}", "", notice.objection_rules(), *notice.objection.lines()]
    lines += ["", "核验：公示时本次评选公开日志的检查点", *notice.verification()]
    lines += ["", notice.issuer, date_zh(notice.issued_on), ""]
    return "\n".join(lines)


# --- PDF -------------------------------------------------------------------------------------------

_COLUMN_SHARES = (0.07, 0.12, 0.31, 0.16, 0.1, 0.12, 0.12)


def _result_table(notice: PublicityNotice) -> Flowable:
    s = styles()
    shares = _COLUMN_SHARES if not notice.marks_winners else (*(w * 0.91 for w in _COLUMN_SHARES), 0.09)
    widths = [share * FRAME_WIDTH for share in shares]
    header = [Paragraph(esc(h), s.cell_center) for h in _headers(notice)]
    body = [
        [
            Paragraph(esc(c), s.cell_center if i in {0, 1, 7} else s.cell if i in {2, 3} else s.cell_right)
            for i, c in enumerate(_cells(notice, row))
        ]
        for row in notice.rows
    ]
    return table([header, *body], widths)


def _verification_block(notice: PublicityNotice) -> Flowable:
    s = styles()
    text = [
        Paragraph(
            "核验：公示时本次评选公开日志的检查点。扫描二维码或访问公开日志，可下载日志并用离线核验工具复算结果。",
            s.small,
        ),
        *(para(line, s.small) for line in notice.verification()),
    ]
    qr_size = 32 * mm
    return table(
        [[QrFlowable(notice.log_url, qr_size), text]],
        [qr_size + 4 * mm, FRAME_WIDTH - qr_size - 4 * mm],
        header_rows=0,
        extra=[("GRID", (0, 0), (-1, -1), 0, "white"), ("BOX", (0, 0), (-1, -1), 0.5, "#555555")],
    )


def notice_pdf(notice: PublicityNotice) -> bytes:
    """The notice as an A4 PDF with the CJK font embedded; long tables continue with their header."""
    s = styles()
    warn_missing(
        cjk_font(),
        [
            notice.title,
            notice.campaign_title,
            notice.issuer,
            *notice.objection.lines(),
            *(f"{r.name}{r.unit}{r.department}" for r in notice.rows),
            *notice.footnotes,
        ],
    )
    story: list[Flowable] = [
        FooterMark(f"{notice.campaign_title} · 公示"),
        para(notice.title, s.title),
        para(notice.intro(), s.body),
        para(f"评选活动：{notice.campaign_title}（编号 {notice.campaign_uid}）", s.body),
        Spacer(1, 2 * mm),
        _result_table(notice),
        Spacer(1, 2 * mm),
        *(para(f"注：{n}", s.small) for n in notice.footnotes),
        para("公示期", s.heading),
        para(notice.period(), s.body),
        para("异议受理", s.heading),
        para(notice.objection_rules(), s.body),
        *(para(line, s.body) for line in notice.objection.lines()),
        Spacer(1, 4 * mm),
        # The issuer and date never stand alone on a page: they sign the block above them.
        KeepTogether(
            [
                _verification_block(notice),
                Spacer(1, 6 * mm),
                para(notice.issuer, s.signature),
                para(date_zh(notice.issued_on), s.signature),
            ]
        ),
    ]
    return build_pdf(story, title=notice.title, subject=f"{notice.campaign_uid} 公示")


# --- from the tally --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidatePerson:
    """Who a candidate id stands for, loaded by the caller from the nomination."""

    name: str
    unit: str
    department: str = ""


def round_score(text: str, places: int) -> str:
    """A tally score string (six places) rounded half-to-even for print, e.g. ``87.333333`` → ``87.33``."""
    return str(Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))


def rows_from_tally(
    result: TallyResult,
    people: Mapping[str, CandidatePerson],
    *,
    places: int = 2,
    winners_only: bool = False,
) -> list[NoticeRow]:
    """Notice rows from a tally result in rank order; ``votes`` sums staff (weighted) and public votes.

    Scores are rounded to ``places`` for print; the exact values stay in the result the hash covers.
    """
    missing = sorted(c.candidate for c in result.candidates if c.candidate not in people)
    if missing:
        raise InvalidInput("no person for some candidates", candidates=missing)
    rows = []
    for c in sorted(result.candidates, key=lambda c: c.position):
        if winners_only and not c.winner:
            continue
        person = people[c.candidate]
        rows.append(
            NoticeRow(
                rank=c.rank,
                name=person.name,
                unit=person.unit,
                department=person.department,
                votes=c.staff_votes + c.public_votes,
                expert_score=round_score(c.expert_score, places) if c.expert_score is not None else None,
                combined=round_score(c.combined, places),
                winner=c.winner,
            )
        )
    return rows
