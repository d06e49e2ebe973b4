"""What the public campaign pages show, read from the services and put in plain Chinese.

The pages are server-rendered so that a voter on a slow phone can read the rules and the candidates
without JavaScript. Deciding what a visitor may see (the vote button, turnout, the objection form,
the result) is the campaign's business, so it is decided here, next to the rules, and the page
handlers only render it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec

from workflow.documents.layout import date_zh
from workflow.errors import NotFound
from workflow.ledger.scopes import campaign_scope
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection import service_results as results
from workflow.selection import service_voting as voting
from workflow.selection.common import CHINA_TZ
from workflow.selection.records import calendar_of, get_campaign
from workflow.selection.rules import (
    CampaignRules,
    LiveResults,
    RevoteMode,
    ScoreMode,
    TieKey,
    TieMethod,
    VoteNormalisation,
    publicity_window,
)
from workflow.selection.states import CampaignState as S

STATE_TONE: dict[str, str] = {
    S.voting_open: "open",
    S.publicized: "notice",
    S.objection_review: "notice",
    S.announced: "done",
    S.archived: "done",
    S.cancelled: "off",
}
"""A colour family per state for the badge (everything else is neutral)."""

NOTICE_STATES = frozenset(results.PUBLISHED)
ANNOUNCED_STATES = frozenset({S.announced, S.archived})
TIE_KEY_ZH = {
    TieKey.EXPERT_SCORE: "专家评分",
    TieKey.VOTE_SCORE: "投票得分",
    TieKey.STAFF_VOTES: "职工得票",
    TieKey.PUBLIC_VOTES: "公众得票",
}


def time_zh(value: str | datetime | None) -> str:
    """``2026年12月4日 16:00`` in Beijing time, the way the public reads times; empty if unset."""
    if value is None:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(CHINA_TZ)
    return f"{date_zh(local.date())} {local:%H:%M}"


@dataclass(frozen=True)
class RuleLine:
    label: str
    text: str


def rules_zh(rules: CampaignRules) -> list[RuleLine]:
    """The rules a voter and an objector care about, one plain sentence each."""
    return [
        RuleLine("当选名额", f"最多 {rules.shortlist_size} 名候选人，评出 {rules.winners} 名"),
        RuleLine("推荐名额", _quota(rules)),
        RuleLine("选票", _ballot(rules)),
        RuleLine("改票", _revote(rules)),
        RuleLine("投票渠道", _channels(rules)),
        RuleLine("计分方式", _scoring(rules)),
        RuleLine("专家评分", _experts(rules)),
        RuleLine("投票期间", _live(rules)),
        RuleLine("公示", f"结果公示 {rules.publicity.working_days} 个工作日（按法定节假日安排计算）"),
        RuleLine("同分处理", _ties(rules)),
    ]


def _quota(rules: CampaignRules) -> str:
    quota = rules.quota
    text = f"每个单位推荐 {quota.per_unit_min}–{quota.per_unit_max} 人"
    return text + (f"，总数不超过 {quota.total_max} 人" if quota.total_max else "")


def _ballot(rules: CampaignRules) -> str:
    shape = rules.ballot
    text = f"每人最多选 {shape.max_choices} 人"
    if shape.min_choices > 1:
        text += f"，至少选 {shape.min_choices} 人"
    return text + ("；允许投空白票" if shape.blank_allowed else "")


def _revote(rules: CampaignRules) -> str:
    revote = rules.revote
    if revote.mode is RevoteMode.FIRST_COUNTS:
        return "每张凭证或每次验证只能投一次，投出后不能更改"
    if revote.mode is RevoteMode.AT_MOST_K:
        return f"投票后最多可改票 {revote.k or 0} 次，以最后一次为准"
    return "投票结束前可以改票，以最后一次为准"


def _channels(rules: CampaignRules) -> str:
    channels, parts = rules.channels, []
    if channels.staff.enabled:
        weighted = f"（按票权计，每人最高 {channels.staff.max_weight} 票）" if channels.staff.weighted else ""
        parts.append(f"职工凭证投票{weighted}，占投票得分 {channels.weights.staff}%")
    if channels.public.enabled:
        public = channels.public
        parts.append(
            f"公众手机验证投票（每个手机号每天 {public.ballots_per_phone_per_day} 票），"
            f"占投票得分 {channels.weights.public}%"
        )
    return "；".join(parts)


def _scoring(rules: CampaignRules) -> str:
    scoring = rules.scoring
    base = (
        "投票得分 = 得票 ÷ 最高得票 × 100"
        if scoring.normalisation is VoteNormalisation.SHARE_OF_MAX
        else "投票得分 = 得票 ÷ 总票数 × 100"
    )
    if scoring.mode is ScoreMode.VOTES_ONLY:
        return f"按投票得分排名（{base}）"
    if scoring.mode is ScoreMode.VOTES_AS_REFERENCE:
        return "按专家评分排名，投票得分一并公布，仅供参考"
    return f"综合得分 = 投票得分 × {scoring.votes_percent}% + 专家评分 × {scoring.experts_percent}%（{base}）"


def _experts(rules: CampaignRules) -> str:
    experts = rules.experts
    criteria = "、".join(f"{c.name_zh} {c.weight}%" for c in experts.criteria)
    drop = (
        f"；评分专家不少于 {experts.min_panel_for_drop} 人时去掉一个最高分和一个最低分"
        if experts.drop_high_low
        else ""
    )
    return f"各项 0–100 分：{criteria}{drop}"


def _live(rules: CampaignRules) -> str:
    if rules.live_results is LiveResults.TURNOUT_ONLY:
        return "只公布参与投票的人数，不公布候选人得票"
    return "不公布任何票数"


def _ties(rules: CampaignRules) -> str:
    tie = rules.tie_break
    keys = "、".join(TIE_KEY_ZH[k] for k in tie.keys)
    order = f"依次比较{keys}；" if keys else ""
    if tie.method is TieMethod.PUBLISHED_SEED:
        return f"{order}仍相同时按事先承诺的公开种子排序（承诺值 {(tie.seed_commitment or '')[:16]}…）"
    return f"{order}仍相同时由评审委员会当众抽签，抽签结果记入公开日志"


# --- what a page shows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    vote: bool
    notice: bool
    result: bool
    log: str


def links_for(campaign_id: int, status: str) -> Links:
    return Links(
        vote=status == S.voting_open,
        notice=status in NOTICE_STATES,
        result=status in ANNOUNCED_STATES,
        log=str(campaign_scope(campaign_id)),
    )


def _summary(view: dict[str, Any]) -> dict[str, Any]:
    schedule = view["schedule"]
    return {
        "id": view["id"],
        "uid": view["uid"],
        "title": view["title"],
        "description": view["description"],
        "issuer": view["issuer"],
        "status": view["status"],
        "state_zh": S(view["status"]).label,
        "tone": STATE_TONE.get(view["status"], "plain"),
        "voting_opens": time_zh(schedule.get("voting_opens_at")),
        "voting_closes": time_zh(schedule.get("voting_closes_at")),
        "publicity_opens": time_zh(view["publicity"].get("opens")),
        "publicity_closes": time_zh(view["publicity"].get("closes")),
        "links": links_for(view["id"], view["status"]),
    }


async def campaign_list() -> list[dict[str, Any]]:
    """Every campaign past its draft, newest first."""
    return [_summary(v) for v in await campaigns.list_campaigns(include_drafts=False)]


async def campaign_page(campaign_id: int) -> dict[str, Any]:
    """A campaign's state, schedule, rules, candidates and, if the rules allow it, turnout."""
    view = await campaigns.public_campaign(campaign_id)
    rules = msgspec.convert(view["rules"], CampaignRules)
    turnout = (
        await voting.turnout(campaign_id) if view["status"] in (S.voting_open, S.voting_paused) else None
    )
    return _summary(view) | {
        "rules": rules_zh(rules),
        "rules_hash": view["rules_hash"],
        "census": view["census"],
        "objection_contact": view["objection_contact"],
        "candidates": await nominations.public_candidates(campaign_id),
        "turnout": turnout if turnout and turnout["shown"] else None,
    }


@dataclass(frozen=True)
class NoticePeriod:
    first_day: str
    last_day: str
    working_days: int
    closes: str
    open_now: bool


async def notice_page(campaign_id: int, now: datetime) -> dict[str, Any]:
    """The 公示: its text, period in working days, contact, and whether objections are taken now."""
    view = await campaigns.public_campaign(campaign_id)
    summary = _summary(view)
    if view["status"] not in NOTICE_STATES:
        return summary | {"notice": None, "period": None, "candidates": []}
    texts = await results.public_texts(campaign_id)
    result = await results.public_result(campaign_id)
    winners = [
        {"candidate": c, **result["names"].get(c, {"name": c, "unit": "", "department": ""})}
        for c in result["result"]["winners"]
    ]
    return summary | {
        "notice": texts,
        "period": await _period(campaign_id, now),
        "objection_contact": view["objection_contact"],
        "candidates": winners,
    }


async def _period(campaign_id: int, now: datetime) -> NoticePeriod:
    row = await get_campaign(campaign_id)
    if row.publicity_started_at is None or row.publicity_closes_at is None:
        raise NotFound("no 公示 notice yet")
    working_days = msgspec.convert(msgspec.json.decode(row.rules), CampaignRules).publicity.working_days
    holidays, workdays = calendar_of(row)
    window = publicity_window(row.publicity_started_at, working_days, holidays=holidays, workdays=workdays)
    taking = row.status in results.PUBLICITY_STATES
    return NoticePeriod(
        first_day=date_zh(window.first_day),
        last_day=date_zh(window.last_day),
        working_days=working_days,
        closes=time_zh(row.publicity_closes_at),
        open_now=taking and row.publicity_started_at <= now.astimezone(UTC) < row.publicity_closes_at,
    )


async def result_page(campaign_id: int) -> dict[str, Any]:
    """The announced result, ranked; before the announcement only the summary (the page says why)."""
    view = await campaigns.public_campaign(campaign_id)
    summary = _summary(view)
    if view["status"] not in ANNOUNCED_STATES:
        return summary | {"result": None}
    published = await results.public_result(campaign_id)
    texts = await results.public_texts(campaign_id)
    rules = msgspec.convert(view["rules"], CampaignRules)
    tally = published["result"]
    rows = [
        c | published["names"].get(c["candidate"], {"name": c["candidate"], "unit": "", "department": ""})
        for c in tally["candidates"]
    ]
    return summary | {
        "result": {
            "rows": rows,
            "winners": len(tally["winners"]),
            "turnout": tally["turnout"],
            "tie_lots": tally["tie_lots"],
            "tie_seed": tally["tie_seed"],
            "result_hash": published["result_hash"],
            "ledger_index": published["ledger_index"],
            "announcement": texts["announcement"],
            "experts": rules.scoring.mode is not ScoreMode.VOTES_ONLY,
            "public": rules.channels.public.enabled,
            "staff": rules.channels.staff.enabled,
            "scoring": _scoring(rules),
        }
    }
