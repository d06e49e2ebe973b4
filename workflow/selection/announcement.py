"""The final announcement (公布) of a campaign; the 公示 notice itself is :mod:`workflow.documents.notice`.

A pure function of what the service loaded. The text names the final result hash, every resolution
of an objection and the end of the 公示 window, and the log checkpoint it rests on, so a reader can
check that the list they read is the one the ledger committed to. Its SHA-256 goes into the ledger.
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
    """A winner as the announcement lists them (names are public here, never in the ledger)."""

    position: int
    candidate: str
    name: str
    unit: str
    combined: str


@dataclass(frozen=True)
class Resolved:
    objection: int
    candidate: str
    decision: str
    disqualified: bool


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA_TZ).strftime("%Y年%m月%d日 %H:%M")


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
    lines += [f"{w.position}. {w.name}（{w.unit}）" for w in winners]
    lines += ["", f"最终结果哈希（SHA-256）：{result_hash}", "日志检查点：", checkpoint.rstrip("\n"), ""]
    return "\n".join(lines)
