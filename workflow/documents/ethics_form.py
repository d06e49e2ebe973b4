"""The per-person 医德考评表 (annual medical-ethics evaluation form) as a printable A4 PDF.

What it holds (domain-rules §1.2–1.7, §2; 江苏 form): who (year, unit, department, name, gender,
title, staff number); the seven national content items with their deductions, praise and item score;
the totals and the grade (优秀/良好/一般/较差) with any 一票否决 reason; the approved praise and penalty
records that produced them; patient satisfaction; an excerpt of the yearly self-summary; the
department's and the unit's comments; lines for the signatures and dates that the paper file still
needs; and a verification footer with the checkpoint of the cycle's internal log, so an auditor can
match the paper against the log.

The form prints what the ethics rules computed (``workflow.ethics.rules.Score``) and never scores by
itself: one calculation, many renderings. A form that does not fit one page continues on the next
with the table header repeated; pages are numbered per person, so a batch for a whole department
(:func:`ethics_forms_pdf`) can be printed and split without mixing people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Final

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from workflow.documents.fonts import cjk_font, warn_missing
from workflow.documents.layout import (
    FRAME_WIDTH,
    CheckpointLike,
    FooterMark,
    build_pdf,
    date_zh,
    esc,
    num,
    para,
    root_b64,
    styles,
    table,
)
from workflow.documents.qr import QrFlowable
from workflow.errors import InvalidInput

GRADE_LABELS: Final = {"excellent": "优秀", "good": "良好", "fair": "一般", "poor": "较差"}
"""Grade codes of ``workflow.ethics`` and the labels printed; either spelling is accepted."""

SELF_SUMMARY_EXCERPT_CHARS = 600
"""The form carries an excerpt; the full summary stays in the file (一人一档)."""

RECORD_LINES_SHOWN = 10
"""Praise or penalty lines listed per kind; the rest are counted, so a form stays 1–2 pages."""


def grade_label(grade: str) -> str:
    """``优秀`` for ``优秀`` or ``excellent``; anything else is a caller bug worth stopping for."""
    if grade in GRADE_LABELS.values():
        return grade
    if grade in GRADE_LABELS:
        return GRADE_LABELS[grade]
    raise InvalidInput("unknown grade", grade=grade, allowed=sorted(GRADE_LABELS.values()))


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffHeader:
    """The person as the file (一人一档) records them at the time of the evaluation."""

    name: str
    gender: str
    title: str
    """专业技术职务/职称, e.g. ``主治医师``."""
    staff_number: str
    unit: str
    department: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemLine:
    """One of the content items (the 7 national ones by default) and what the year did to it."""

    code: str
    title: str
    max_score: Decimal
    deductions: Decimal = Decimal(0)
    """Deductions taken off this item (already limited to its maximum by the rules)."""
    praise: Decimal = Decimal(0)
    """Praise points recorded under this item; they count in the capped bonus, not here."""
    score: Decimal | None = None
    """The item's score; ``max_score − deductions`` when not given."""

    @property
    def item_score(self) -> Decimal:
        return self.score if self.score is not None else self.max_score - self.deductions


class RecordKind(StrEnum):
    PRAISE = "表扬"
    PENALTY = "扣分"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordLine:
    """An approved daily record (表扬 + / 批评、投诉、处罚 −); only approved records reach the form."""

    day: date
    kind: RecordKind
    item: str
    """Content item title or code it was booked under."""
    points: Decimal
    """Positive magnitude; ``kind`` gives the sign."""
    description: str
    veto: bool = False
    """The record carries a 一票否决 condition."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Satisfaction:
    """Patient feedback of the year (SMS follow-up 满意/基本满意/不满意, inpatient evaluations)."""

    satisfied: int
    fairly_satisfied: int
    dissatisfied: int
    rate: str | None = None
    """As the rules computed it, e.g. ``96.2%``; (满意+基本满意)/有效回复 when not given."""
    note: str = ""
    """E.g. ``回复不足30份，不计入评分`` or the inpatient evaluation summary."""

    @property
    def replies(self) -> int:
        return self.satisfied + self.fairly_satisfied + self.dissatisfied

    def rate_text(self) -> str:
        if self.rate is not None:
            return self.rate
        if not self.replies:
            return "—"
        share = Decimal(100 * (self.satisfied + self.fairly_satisfied)) / Decimal(self.replies)
        return f"{share.quantize(Decimal('0.1'))}%"


@dataclass(frozen=True, slots=True, kw_only=True)
class Opinion:
    """A comment at one step (self, department, unit) with its grade and electronic signature."""

    text: str
    grade: str | None = None
    signer: str = ""
    """Who signed in yide; the printed line is left for the handwritten signature regardless."""
    signed_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """Where the form's content is anchored: the cycle log's checkpoint and a page to check it."""

    checkpoint: CheckpointLike
    url: str
    """Verification page; the QR code holds exactly this."""
    entry_hash: str = ""
    """Hex hash of the log entry that recorded this grade, when there is one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EthicsForm:
    """Everything one person's 医德考评表 prints for one year."""

    year: int
    staff: StaffHeader
    items: Sequence[ItemLine]
    base: Decimal
    deductions: Decimal
    bonus: Decimal
    """Bonus counted in the total (after the cap)."""
    total: Decimal
    grade: str
    """``优秀``/``良好``/``一般``/``较差`` or the ``workflow.ethics`` code (``excellent`` …)."""
    raw_bonus: Decimal | None = None
    """Praise before the cap; printed when it differs from ``bonus``."""
    feedback_adjustment: Decimal = Decimal(0)
    grade_note: str = ""
    """E.g. ``优秀须经单位比例核定`` or ``按优秀比例调整为良好``."""
    vetoes: Sequence[str] = field(default_factory=tuple)
    """一票否决 reasons in words; any reason forces 较差 and is printed prominently."""
    praise: Sequence[RecordLine] = field(default_factory=tuple)
    penalties: Sequence[RecordLine] = field(default_factory=tuple)
    satisfaction: Satisfaction | None = None
    self_summary: str = ""
    self_evaluation: Opinion | None = None
    department: Opinion | None = None
    unit: Opinion | None = None
    explanation: Sequence[str] = field(default_factory=tuple)
    """The rules' "why" lines (which rule applied to which records), printed small."""
    verification: Verification | None = None

    def __post_init__(self) -> None:
        grade_label(self.grade)
        for opinion in (self.self_evaluation, self.department, self.unit):
            if opinion is not None and opinion.grade is not None:
                grade_label(opinion.grade)
        if not self.items:
            raise InvalidInput("a form needs its content items", field="items")
        if self.vetoes and grade_label(self.grade) != "较差":
            raise InvalidInput("a 一票否决 forces 较差", field="grade", grade=self.grade)

    def texts(self) -> list[str]:
        """Every caller string the PDF prints, for the missing-glyph check."""
        opinions = [o for o in (self.self_evaluation, self.department, self.unit) if o is not None]
        records = [*self.praise, *self.penalties]
        return [
            *vars_of(self.staff),
            *(i.title for i in self.items),
            *self.vetoes,
            self.grade_note,
            *(f"{r.item}{r.description}" for r in records),
            self.self_summary,
            *(f"{o.text}{o.signer}" for o in opinions),
            *self.explanation,
        ]


def vars_of(staff: StaffHeader) -> list[str]:
    return [staff.name, staff.gender, staff.title, staff.staff_number, staff.unit, staff.department]


# --- sections --------------------------------------------------------------------------------------


def _header(form: EthicsForm) -> list[Flowable]:
    s = styles()
    staff = form.staff
    label = s.cell_center

    def pair(name: str, value: str) -> list[Flowable]:
        return [Paragraph(esc(name), label), para(value, s.cell)]

    rows = [
        [*pair("单位", staff.unit), *pair("科室", staff.department)],
        [*pair("姓名", staff.name), *pair("性别", staff.gender)],
        [*pair("职称", staff.title), *pair("工号", staff.staff_number)],
    ]
    widths = [w * FRAME_WIDTH for w in (0.12, 0.38, 0.12, 0.38)]
    shade = [("BACKGROUND", (c, 0), (c, -1), colors.HexColor("#EEEEEE")) for c in (0, 2)]
    return [
        para(f"{form.year}年度医务人员医德考评表", s.title),
        table(rows, widths, header_rows=0, extra=shade),
    ]


def _items(form: EthicsForm) -> list[Flowable]:
    s = styles()
    header = [Paragraph(h, s.cell_center) for h in ("序号", "考评内容", "分值", "扣分", "加分记录", "得分")]
    rows: list[list[Flowable]] = [header]
    for index, item in enumerate(form.items, start=1):
        rows.append(
            [
                Paragraph(str(index), s.cell_center),
                para(item.title, s.cell),
                Paragraph(num(item.max_score), s.cell_center),
                Paragraph(_signed(-item.deductions), s.cell_center),
                Paragraph(_signed(item.praise), s.cell_center),
                Paragraph(num(item.item_score), s.cell_center),
            ]
        )
    widths = [w * FRAME_WIDTH for w in (0.07, 0.53, 0.09, 0.1, 0.11, 0.1)]
    return [para("一、考评内容与得分", s.heading), table(rows, widths)]


def _signed(value: Decimal) -> str:
    """``+2``, ``-3``; an empty cell for zero, so the eye finds the items that moved."""
    if not value:
        return ""
    return ("+" if value > 0 else "") + num(value)


def _totals(form: EthicsForm) -> list[Flowable]:
    s = styles()
    bonus = _signed(form.bonus) or "0"
    if form.raw_bonus is not None and form.raw_bonus != form.bonus:
        bonus += f"（记录 {num(form.raw_bonus)}，超出上限部分不计）"
    labels = ["基础分", "扣分合计", "加分计入", "患者评价", "总分", "等次"]
    values = [
        num(form.base),
        _signed(-form.deductions) or "0",
        bonus,
        _signed(form.feedback_adjustment) or "0",
        num(form.total),
        grade_label(form.grade),
    ]
    widths = [w * FRAME_WIDTH for w in (0.13, 0.14, 0.29, 0.14, 0.13, 0.17)]
    value_cells = [para(v, s.cell_center) for v in values[:-1]]
    grid = table(
        [[Paragraph(x, s.cell_center) for x in labels], [*value_cells, para(values[-1], s.cell_strong)]],
        widths,
    )
    parts: list[Flowable] = [Spacer(1, 2 * mm), grid]
    if form.grade_note:
        parts.append(para(f"说明：{form.grade_note}", s.small))
    if form.vetoes:
        parts += [Spacer(1, 1.5 * mm), _veto_box(form.vetoes)]
    return parts


def _veto_box(vetoes: Sequence[str]) -> Flowable:
    s = styles()
    lines = [Paragraph("一票否决（等次定为较差）", s.cell), *(para(f"· {v}", s.cell) for v in vetoes)]
    return table(
        [[lines]],
        [FRAME_WIDTH],
        header_rows=0,
        extra=[
            ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#B00000")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FBEAEA")),
        ],
    )


def _records(form: EthicsForm) -> list[Flowable]:
    s = styles()
    praise = sum((r.points for r in form.praise), Decimal(0))
    penalty = sum((r.points for r in form.penalties), Decimal(0))
    summary = (
        f"表扬 {len(form.praise)} 条，加分 {num(praise)}；"
        f"批评、投诉、处罚 {len(form.penalties)} 条，扣分 {num(penalty)}（均为已审核记录）。"
    )
    parts: list[Flowable] = [para("二、奖惩记录", s.heading), para(summary, s.body)]
    lines = [*form.praise[:RECORD_LINES_SHOWN], *form.penalties[:RECORD_LINES_SHOWN]]
    if lines:
        header = [Paragraph(h, s.cell_center) for h in ("日期", "类别", "考评内容", "分值", "事由")]
        rows: list[list[Flowable]] = [header]
        for record in lines:
            sign = 1 if record.kind is RecordKind.PRAISE else -1
            kind = record.kind.value + ("（否决）" if record.veto else "")
            rows.append(
                [
                    Paragraph(record.day.isoformat(), s.cell_center),
                    Paragraph(kind, s.cell_center),
                    para(record.item, s.cell),
                    Paragraph(_signed(sign * record.points), s.cell_center),
                    para(record.description, s.cell),
                ]
            )
        widths = [w * FRAME_WIDTH for w in (0.13, 0.09, 0.3, 0.08, 0.4)]
        parts.append(table(rows, widths))
    hidden = max(0, len(form.praise) - RECORD_LINES_SHOWN) + max(0, len(form.penalties) - RECORD_LINES_SHOWN)
    if hidden:
        parts.append(para(f"另有 {hidden} 条记录未列出，详见本人医德档案。", s.small))
    return parts


def _satisfaction(form: EthicsForm) -> list[Flowable]:
    s = styles()
    heading = para("三、患者评价", s.heading)
    feedback = form.satisfaction
    if feedback is None:
        return [heading, para("本年度无患者评价数据。", s.body)]
    labels = ["满意", "基本满意", "不满意", "有效回复", "满意率"]
    values = [feedback.satisfied, feedback.fairly_satisfied, feedback.dissatisfied, feedback.replies]
    cells = [*(str(v) for v in values), feedback.rate_text()]
    grid = table(
        [[Paragraph(x, s.cell_center) for x in labels], [Paragraph(esc(c), s.cell_center) for c in cells]],
        [FRAME_WIDTH / 5] * 5,
    )
    parts: list[Flowable] = [heading, grid]
    if feedback.note:
        parts.append(para(feedback.note, s.small))
    return parts


def excerpt(text: str, limit: int = SELF_SUMMARY_EXCERPT_CHARS) -> str:
    """The first ``limit`` characters, marked as an excerpt when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + "……（节选，全文见本人医德档案）"


def _opinion(number: str, title: str, opinion: Opinion | None, signer_label: str) -> list[Flowable]:
    """A comment section: text, grade, the electronic signature, and a line for the wet one."""
    s = styles()
    parts: list[Flowable] = [para(f"{number}、{title}", s.heading)]
    if opinion is None or not opinion.text.strip():
        parts.append(para("（未填写）", s.body))
    else:
        parts.append(para(opinion.text, s.body))
    facts = []
    if opinion is not None and opinion.grade:
        facts.append(f"评价等次：{grade_label(opinion.grade)}")
    if opinion is not None and opinion.signer:
        when = f"，{date_zh(opinion.signed_on)}" if opinion.signed_on else ""
        facts.append(f"系统签署：{opinion.signer}{when}")
    if facts:
        parts.append(para("　　".join(facts), s.small))
    parts.append(_signature_line(signer_label))
    return [KeepTogether(parts)]


def _signature_line(label: str) -> Flowable:
    s = styles()
    text = f"{label}：＿＿＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"
    return Paragraph(text, s.signature)


def _self_section(form: EthicsForm) -> list[Flowable]:
    summary = excerpt(form.self_summary) if form.self_summary.strip() else ""
    own = form.self_evaluation
    text = "\n".join(t for t in (summary, own.text if own else "") if t)
    opinion = Opinion(
        text=text,
        grade=own.grade if own else None,
        signer=own.signer if own else "",
        signed_on=own.signed_on if own else None,
    )
    return _opinion("四", "个人年度总结与自我评价（节选）", opinion, "本人签字")


def _explanation(form: EthicsForm) -> list[Flowable]:
    if not form.explanation:
        return []
    s = styles()
    return [para("评分说明", s.heading), *(para(f"· {line}", s.small) for line in form.explanation)]


def _verification(form: EthicsForm) -> list[Flowable]:
    if form.verification is None:
        return []
    s = styles()
    check = form.verification
    lines = [
        "核验：本表内容已记入本考评周期的内部审计日志。扫描二维码或访问核验网址可核对。",
        f"日志来源：{check.checkpoint.origin}　条目数：{check.checkpoint.size}",
        f"根哈希（base64）：{root_b64(check.checkpoint)}",
    ]
    if check.entry_hash:
        lines.append(f"条目哈希：{check.entry_hash}")
    lines.append(f"核验网址：{check.url}")
    qr_size = 26 * mm
    block = table(
        [[QrFlowable(check.url, qr_size), [para(line, s.small) for line in lines]]],
        [qr_size + 4 * mm, FRAME_WIDTH - qr_size - 4 * mm],
        header_rows=0,
        extra=[("GRID", (0, 0), (-1, -1), 0, colors.white), ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)],
    )
    return [Spacer(1, 4 * mm), KeepTogether([block])]


def _story(form: EthicsForm) -> list[Flowable]:
    footer = f"{form.staff.name}（{form.staff.staff_number}）· {form.staff.unit} · {form.year}年度医德考评表"
    return [
        FooterMark(footer),
        *_header(form),
        *_items(form),
        *_totals(form),
        *_records(form),
        *_satisfaction(form),
        *_self_section(form),
        *_opinion("五", "科室评价", form.department, "科室负责人签字"),
        *_opinion("六", "单位评价", form.unit, "单位（盖章）"),
        *_opinion("七", "本人确认", Opinion(text="本人已阅知上述考评结果。"), "本人签字"),
        *_explanation(form),
        *_verification(form),
    ]


def ethics_form_pdf(form: EthicsForm) -> bytes:
    """One person's form as an A4 PDF (usually two pages) with the CJK font embedded."""
    return ethics_forms_pdf([form])


def ethics_forms_pdf(forms: Sequence[EthicsForm]) -> bytes:
    """Many forms in one PDF, each starting on a new page and numbering its own pages from 1."""
    if not forms:
        raise InvalidInput("no forms to print")
    warn_missing(cjk_font(), [text for form in forms for text in form.texts()])
    story: list[Flowable] = []
    for index, form in enumerate(forms):
        if index:
            story.append(PageBreak())
        story.extend(_story(form))
    first = forms[0]
    title = f"{first.year}年度医德考评表" + (
        f" · {first.staff.name}" if len(forms) == 1 else f"（{len(forms)}份）"
    )
    return build_pdf(story, title=title, subject="医德考评表")
