"""The texts a campaign publishes: the 公示 notice and the final announcement (公布).

Pure functions of what the service loaded. Each text names the result hash and the log checkpoint
it rests on, so a reader can check that the list they read is the one the ledger committed to.
The SHA-256 of the exact UTF-8 text goes into the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from workflow.selection.common import CHINA_TZ
from workflow.selection.tables import OutcomeType

OUTCOME_ZH = {
    OutcomeType.COMMENDATION: "拟表彰对象",
    OutcomeType.PUBLIC_PRAISE: "拟公开表扬对象",
    OutcomeType.PROMOTION: "拟选树宣传对象",
}


@dataclass(frozen=True)
class Listed:
    """A winner as the notice lists them (names are public in a 公示, never in the ledger)."""

    position: int
    candidate: str
    name: str
    unit: str
    title: str
    combined: str


@dataclass(frozen=True)
class Resolved:
    objection: int
    candidate: str
    decision: str
    disqualified: bool


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y年%m月%d日 %H:%M")


def render_notice(
    *,
    title: str,
    outcome: OutcomeType,
    approval_reference: str,
    winners: Sequence[Listed],
    result_hash: str,
    opens_at: datetime,
    closes_at: datetime,
    checkpoint: str,
    republished: bool,
) -> str:
    lines = [
        f"关于{title}{OUTCOME_ZH[outcome]}的公示",
        "",
        (
            "因异议处理结果，现将调整后的名单重新公示如下："
            if republished
            else f"经单位推荐、资格审查、投票和专家评审，现将{OUTCOME_ZH[outcome]}名单公示如下："
        ),
        "",
    ]
    lines += [f"{w.position}. {w.name}（{w.unit}，{w.title}）综合得分 {w.combined}" for w in winners]
    lines += [
        "",
        f"公示期：{china_time(opens_at)} 至 {china_time(closes_at)}（不含）。",
        "对公示对象有异议的，请在公示期内以实名方式提出（写明本人姓名、工作单位和联系方式），",
        "并提供具体事实。匿名或逾期提出的异议不予受理。",
    ]
    if approval_reference:
        lines.append(f"表彰批准文号：{approval_reference}")
    lines += ["", f"结果哈希（SHA-256）：{result_hash}", "日志检查点：", checkpoint.rstrip("\n"), ""]
    return "\n".join(lines)


def render_announcement(
    *,
    title: str,
    outcome: OutcomeType,
    winners: Sequence[Listed],
    result_hash: str,
    publicity_closed_at: datetime,
    resolutions: Sequence[Resolved],
    checkpoint: str,
) -> str:
    lines = [f"{title}结果公布", "", f"公示期已于 {china_time(publicity_closed_at)} 结束。"]
    if resolutions:
        lines.append("公示期间异议处理情况：")
        for r in resolutions:
            verdict = "异议成立" if r.decision == "uphold" else "异议不成立"
            extra = "，取消其候选资格并重新计票" if r.disqualified else ""
            lines.append(f"- 异议 {r.objection}（候选人 {r.candidate}）：{verdict}{extra}")
    else:
        lines.append("公示期间未收到异议。")
    lines += ["", f"{OUTCOME_ZH[outcome].removeprefix('拟')}名单："]
    lines += [f"{w.position}. {w.name}（{w.unit}，{w.title}）" for w in winners]
    lines += ["", f"最终结果哈希（SHA-256）：{result_hash}", "日志检查点：", checkpoint.rstrip("\n"), ""]
    return "\n".join(lines)
