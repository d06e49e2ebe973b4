"""The rules as the public reads them: every setting that changes how a vote counts is said plainly."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from workflow.selection.public_pages import rules_zh, time_zh
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    RevoteMode,
    RevotePolicy,
    ScoreMode,
    Scoring,
    TieBreak,
    TieMethod,
)
from workflow.selection.states import CampaignState


def _text(rules: CampaignRules) -> dict[str, str]:
    return {line.label: line.text for line in rules_zh(rules)}


def test_ballot_revote_and_publicity_are_spelled_out() -> None:
    rules = CampaignRules(ballot=BallotShape(min_choices=2, max_choices=5, blank_allowed=True))
    text = _text(rules)
    assert text["选票"] == "每人最多选 5 人，至少选 2 人；允许投空白票"
    assert "以最后一次为准" in text["改票"]
    assert text["公示"].startswith("结果公示 5 个工作日")
    assert "综合得分 = 投票得分 × 30% + 专家评分 × 70%" in text["计分方式"]
    assert "抽签" in text["同分处理"]
    first = _text(msgspec.structs.replace(rules, revote=RevotePolicy(mode=RevoteMode.FIRST_COUNTS)))
    assert "不能更改" in first["改票"]
    k = _text(msgspec.structs.replace(rules, revote=RevotePolicy(mode=RevoteMode.AT_MOST_K, k=2)))
    assert "最多可改票 2 次" in k["改票"]


def test_seed_and_votes_only_rules() -> None:
    rules = CampaignRules(
        scoring=Scoring(mode=ScoreMode.VOTES_ONLY, votes_percent=100, experts_percent=0),
        tie_break=TieBreak(method=TieMethod.PUBLISHED_SEED, seed_commitment="ab" * 32),
    )
    text = _text(rules)
    assert text["计分方式"].startswith("按投票得分排名")
    assert "abababababababab…" in text["同分处理"]


def test_states_and_times_in_chinese() -> None:
    assert CampaignState.publicized.label == "公示中"
    assert all(s.label != s for s in CampaignState)
    assert time_zh(datetime(2026, 12, 4, 16, 0, tzinfo=UTC)) == "2026年12月5日 00:00"
    assert time_zh(None) == ""
