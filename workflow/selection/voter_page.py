"""What a voter page needs to know about a campaign, looked up by the uid printed on credential sheets.

The credential sheet's QR code holds ``<public_url>/vote/<campaign uid>``: the uid, not the numeric
id, because the uid is also what the voter's key is derived from (docs/selection-rules.md §3). The
page must decide before showing a form whether a ballot can be cast at all, so that a voter whose
campaign is closed reads that plainly instead of filling in a form the server would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.documents.qr import qr_svg
from workflow.errors import InvalidInput, NotFound
from workflow.runtime import Runtime
from workflow.selection import service_nominations as nominations
from workflow.selection.common import HEX_SHA256_PATTERN, is_campaign_uid
from workflow.selection.public_pages import time_zh
from workflow.selection.records import rules_of, voting_window
from workflow.selection.rules import RevoteMode
from workflow.selection.states import CampaignState as S
from workflow.selection.tables import Campaign

_TRACKING = re.compile(HEX_SHA256_PATTERN)

_NOT_YET = {S.draft, S.nomination_open, S.nomination_closed, S.under_review, S.shortlist_frozen}
_OVER = {S.voting_closed, S.sealed, S.tallied, S.publicized, S.objection_review, S.announced, S.archived}


@dataclass(frozen=True)
class ClosedReason:
    heading: str
    text: str


def closed_reason(row: Campaign, now: datetime) -> ClosedReason | None:
    """Why no ballot can be cast now, in Chinese; None while voting is open and inside its window."""
    status = S(row.status)
    opens, closes = voting_window(row)
    if status in _NOT_YET:
        return ClosedReason("投票尚未开始", "本评选还没有进入投票阶段，请留意主办单位的通知。")
    if status is S.voting_paused:
        return ClosedReason("投票已暂停", "主办单位暂停了投票，恢复后即可继续投票。")
    if status is S.cancelled:
        return ClosedReason("评选已取消", "本评选已由主办单位取消，不再接受投票。")
    if status in _OVER or now >= closes:
        return ClosedReason(
            "投票已结束", f"投票已于 {time_zh(closes)} 截止。" if now >= closes else "投票已截止。"
        )
    if now < opens:
        return ClosedReason("投票尚未开始", f"投票将于 {time_zh(opens)} 开始。")
    return None


def _revote_allowed(mode: RevoteMode, k: int | None) -> int:
    """How many further ballots one credential may cast after its first (the page shows 修改投票)."""
    if mode is RevoteMode.FIRST_COUNTS:
        return 0
    if mode is RevoteMode.AT_MOST_K:
        return k or 0
    return 1_000_000


async def _row_by_uid(uid: str) -> Campaign:
    row = await Campaign.objects().where(Campaign.uid == uid).first() if is_campaign_uid(uid) else None
    if row is None or row.status == S.draft:
        raise NotFound("no such campaign")
    return row


async def ballot_page(rt: Runtime, uid: str) -> dict[str, Any]:
    """The campaign as the staff and phone voter pages show it, with whether each channel is open."""
    row = await _row_by_uid(uid)
    rules = rules_of(row)
    closed = closed_reason(row, rt.clock.now())
    _, closes = voting_window(row)
    candidates = [c for c in await nominations.public_candidates(row.id) if not c["disqualified"]]
    return {
        "id": row.id,
        "uid": row.uid,
        "title": row.title,
        "issuer": row.issuer,
        "status": row.status,
        "rules_hash": row.rules_hash,
        "min_choices": rules.ballot.min_choices,
        "max_choices": min(rules.ballot.max_choices, max(len(candidates), 1)),
        "revotes": _revote_allowed(rules.revote.mode, rules.revote.k),
        "staff_enabled": rules.channels.staff.enabled,
        "public_enabled": rules.channels.public.enabled,
        "per_phone_per_day": rules.channels.public.ballots_per_phone_per_day,
        "closed": {"heading": closed.heading, "text": closed.text} if closed else None,
        "closes_at": time_zh(closes) if row.voting_closes_at else None,
        "candidates": candidates,
    }


def find_my_ballot_link(rt: Runtime, campaign_id: int, tracking_code: str) -> str:
    """The address a receipt's QR code holds: the find-my-ballot page, prefilled."""
    return f"{rt.settings.server.public_url}/verify?campaign={campaign_id}&code={tracking_code}"


async def receipt_qr(rt: Runtime, uid: str, tracking_code: str) -> bytes:
    """SVG QR code of the find-my-ballot link (the code is not looked up: a receipt may be printed
    before anyone checks it, and the link itself reveals nothing the receipt does not)."""
    if not _TRACKING.fullmatch(tracking_code):
        raise InvalidInput("a tracking code is 64 lowercase hex digits", field="code")
    row = await _row_by_uid(uid)
    return qr_svg(find_my_ballot_link(rt, row.id, tracking_code), scale=5)


@dataclass(frozen=True)
class DemoVoter:
    name: str
    unit: str
    link: str
    """``/vote/<uid>#cred=<credential>``: what the voter's credential sheet QR code opens."""


@dataclass(frozen=True)
class DemoVoting:
    title: str
    phone_link: str
    voters: list[DemoVoter]


async def demo_voting(rt: Runtime, count: int = 6) -> DemoVoting | None:
    """A few demo voters' links for the home page, so ``yide demo`` opens on something to vote with.

    Only the demo's own printed credentials (written at seeding) are listed; a real deployment has
    no demo campaign and so shows nothing.
    """
    from workflow import demo  # noqa: PLC0415 - the demo seeds through this package

    campaign = await demo.demo_campaign(rt)
    if campaign is None:
        return None
    row = await Campaign.select(Campaign.uid).where(Campaign.id == campaign.id).first()
    if row is None:
        return None
    base = f"/vote/{row['uid']}"
    voters = [
        DemoVoter(c.name, c.unit, f"{base}#cred={c.credential.replace('-', '')}")
        for c in campaign.credentials[:count]
    ]
    return DemoVoting(campaign.title, f"{base}/phone", voters)
