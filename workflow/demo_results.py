"""Two finished demo campaigns: one in its 公示, one announced, so every public page has real data.

``workflow.demo.seed_campaign`` leaves a campaign open for voting; the pages for the notice, the
objection form and the result need campaigns that went further. These are run through the same
services with a clock set to the days the steps would have happened on (as the ethics demo does), and
their ballots are signed with credentials of their own census, never the demo voters' sheets.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import msgspec

from workflow.accounts.roles import OPERATOR, Principal
from workflow.clock import FixedClock
from workflow.demo import DEEDS, _principal_of, portrait_png
from workflow.ethics.service_feedback import ward_link
from workflow.ethics.tables import Ward
from workflow.ledger.checkpoints import checkpoint_now
from workflow.ledger.note import Checkpoint, cosign, parse_note
from workflow.ledger.store import scope_head
from workflow.ledger.witness_client import create_witness_key
from workflow.ledger.witnesses import add_witness_key, submit_cosignature
from workflow.org.tables import Staff, Unit
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection import service_results as results
from workflow.selection import service_voting as voting
from workflow.selection.ballot import make_staff_ballot
from workflow.selection.credentials import VoterEntry, derive_signer, generate_census
from workflow.selection.nomination import GradeRecord, NomineeFacts
from workflow.selection.records import nomination_id_of, scope_of
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    Channels,
    ChannelWeights,
    EthicsGrade,
    LiveResults,
    Publicity,
    RevoteMode,
    RevotePolicy,
    StaffChannel,
)
from workflow.selection.schedule import Schedule
from workflow.selection.service_campaigns import declared_eligibility
from workflow.selection.tables import Campaign, FileKind

PUBLICIZED_TITLE = "2026年顺义区“医德标兵”评选（演示·公示中）"
ANNOUNCED_TITLE = "2025年顺义区“最美医生”评选（演示·已公布）"
ISSUER = "北京市顺义区卫生健康委员会"


@dataclass(frozen=True)
class Plan:
    """One finished campaign: who is nominated, how the staff vote and the experts score."""

    title: str
    rules: CampaignRules
    skip: int
    """Staff of each unit passed over before nominating (the open demo campaign takes the first two)."""
    votes: tuple[tuple[int, ...], ...]
    """One tuple of candidate positions per ballot."""
    expert: tuple[int, ...]
    """The expert's score (every criterion) per candidate position."""


def _rules(*, winners: int, max_choices: int, revote: RevotePolicy, live: LiveResults) -> CampaignRules:
    rules = CampaignRules(
        shortlist_size=5,
        winners=winners,
        ballot=BallotShape(min_choices=1, max_choices=max_choices),
        revote=revote,
        channels=Channels(staff=StaffChannel(enabled=True), weights=ChannelWeights(staff=100, public=0)),
        live_results=live,
        publicity=Publicity(working_days=5),
    )
    return msgspec.structs.replace(rules, eligibility=declared_eligibility(rules.eligibility))


PUBLICIZED = Plan(
    title=PUBLICIZED_TITLE,
    rules=_rules(
        winners=2,
        max_choices=2,
        revote=RevotePolicy(mode=RevoteMode.LAST_COUNTS),
        live=LiveResults.TURNOUT_ONLY,
    ),
    skip=2,
    votes=((0, 1), (0, 2), (0,), (1, 3), (0, 1), (2,), (1, 4), (0, 3), (1,)),
    expert=(92, 88, 80, 76, 70),
)
ANNOUNCED = Plan(
    title=ANNOUNCED_TITLE,
    rules=_rules(
        winners=3, max_choices=3, revote=RevotePolicy(mode=RevoteMode.FIRST_COUNTS), live=LiveResults.NONE
    ),
    skip=3,
    votes=((0, 1, 2), (0, 1, 3), (0, 2), (1, 2, 3), (0,), (1,), (0, 3, 4), (2, 3), (0, 1), (4,)),
    expert=(95, 85, 82, 82, 60),
)
"""Candidates 2 and 3 tie on both scores for the last place: the committee draws lots (as logged)."""


class _Run:
    """A campaign driven step by step on its own clock."""

    def __init__(self, rt: Runtime, start: datetime) -> None:
        self.clock = FixedClock(start)
        self.rt = replace(rt, clock=self.clock)
        self.cid = 0

    def later(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    async def act(self, p: Principal, action: str) -> None:
        version = (await campaigns.campaign_view(self.cid))["version"]
        await campaigns.act(self.rt, p, self.cid, action=action, expected_version=version)


async def _nominees(skip: int) -> list[int]:
    chosen: list[int] = []
    for unit in await Unit.select(Unit.id).order_by(Unit.id):
        people = await Staff.select(Staff.id).where(Staff.unit == unit["id"]).order_by(Staff.id)
        chosen += [p["id"] for p in people[skip : skip + 2]]
    return chosen[:5]


async def _through_tally(run: _Run, plan: Plan, organizer: Principal) -> list[str]:
    """Create, nominate (with photos), review, vote, score, close, seal and tally."""
    rt, reviewer = run.rt, await _principal_of("demo-reviewer")
    view = await campaigns.create_campaign(
        rt,
        organizer,
        campaigns.CampaignSpec(
            title=plan.title,
            description="各单位推荐、评审委员会审核、职工凭证投票、专家评分，公示后公布。",
            issuer=ISSUER,
            objection_office="区卫健委人事科",
            objection_phone="010-69400000",
            objection_address="顺义区府前街1号",
            rules=plan.rules,
            schedule=Schedule(voting_closes_at=run.clock.now() + timedelta(hours=20)),
        ),
    )
    run.cid = view["id"]
    await run.act(organizer, "open_nominations")
    facts = NomineeFacts(
        has_licence=True,
        service_start=date(2008, 9, 1),
        medical_accidents=(),
        discipline_actions=(),
        ethics_grades=tuple(GradeRecord(year, EthicsGrade.GOOD) for year in range(2018, 2027)),
    )
    for index, staff_id in enumerate(await _nominees(plan.skip)):
        made = await nominations.submit_nomination(
            rt,
            OPERATOR,
            run.cid,
            staff_id=staff_id,
            deeds=DEEDS[(index + plan.skip) % len(DEEDS)],
            declared=facts,
        )
        await nominations.add_file(
            rt,
            OPERATOR,
            made["id"],
            kind=FileKind.PHOTO,
            filename="照片.png",
            data=portrait_png(index + plan.skip),
        )
    await run.act(organizer, "close_nominations")
    await run.act(organizer, "start_review")
    for n in await nominations.list_nominations(reviewer, run.cid):
        step = await nominations.review(
            rt, reviewer, n["id"], action="approve", expected_version=n["version"], confirm_declarations=True
        )
        step = await nominations.review(
            rt, reviewer, n["id"], action="recommend", expected_version=step["version"]
        )
        await nominations.review(rt, reviewer, n["id"], action="shortlist", expected_version=step["version"])
    await run.act(organizer, "freeze_shortlist")
    view = await campaigns.campaign_view(run.cid)
    census = generate_census(view["uid"], [VoterEntry(f"demo-{run.cid}-{i:03d}") for i in range(12)])
    await voting.publish_credentials(
        rt, await _principal_of("demo-credentials"), run.cid, list(census.public)
    )
    await run.act(organizer, "open_voting")
    candidates: list[str] = view["candidates"]
    ballots = [
        make_staff_ballot(
            derive_signer(row.credential, view["uid"]),
            campaign=view["uid"],
            rules_digest=bytes.fromhex(view["rules_hash"]),
            choices=[candidates[p] for p in positions],
        )
        for row, positions in zip(census.private_rows, plan.votes, strict=False)
    ]
    run.later(hours=2)
    # cast together: the sequencer commits them as one batch, as it would a morning rush
    await asyncio.gather(*(voting.cast_staff_ballot(rt, run.cid, ballot) for ballot in ballots))
    for candidate, score in zip(candidates, plan.expert, strict=True):
        every = {"ethics": score, "skill": score, "deeds": score}
        await nominations.submit_scores(rt, reviewer, nomination_id_of(candidate), scores=every)
    run.later(days=1)
    for action in ("close_voting", "seal"):
        await run.act(organizer, action)
    return candidates


async def seed_publicized(rt: Runtime) -> int:
    """A campaign whose result went up for 公示 an hour ago; objections can be lodged now."""
    run = _Run(rt, rt.clock.now() - timedelta(days=3))
    organizer = await _principal_of("demo-organizer")
    await _through_tally(run, PUBLICIZED, organizer)
    run.clock.set(rt.clock.now() - timedelta(hours=1))
    await run.act(organizer, "tally")
    await run.act(organizer, "publish_result")
    return run.cid


async def seed_announced(rt: Runtime) -> int:
    """Last year's campaign: voted, a tie broken by lots, noticed for five working days, announced."""
    run = _Run(rt, rt.clock.now() - timedelta(days=45))
    organizer = await _principal_of("demo-organizer")
    candidates = await _through_tally(run, ANNOUNCED, organizer)
    run.later(hours=2)
    await results.record_tie_break(run.rt, organizer, run.cid, lots=[candidates[3], candidates[2]], seed=None)
    await run.act(organizer, "tally")
    await run.act(organizer, "publish_result")
    run.later(days=14)
    await run.act(organizer, "announce")
    return run.cid


DEMO_WITNESS = "jiwei.shunyi.demo"
"""The demo's witness: the district discipline inspection office (纪委监委), which keeps its own key."""


async def witness_announced(rt: Runtime, campaign_id: int) -> None:
    """The demo witness cosigns the announced campaign's final checkpoint, as a real one would after
    checking the log only grew (``yide witness cosign``), so the log pages show a verified witness.
    Its key lives beside the demo data, like a witness's own key file on its own machine."""
    identity, _ = create_witness_key(rt.settings.data_dir / "demo-witness.key", DEMO_WITNESS)
    await add_witness_key(rt, identity.vkey.encode(), actor="demo")
    scope = scope_of(campaign_id)
    signed = await checkpoint_now(rt, scope)
    checkpoint = Checkpoint.parse(parse_note(signed.note).body)
    line = cosign(checkpoint, identity.signer, identity.name, int(rt.clock.now().timestamp()))
    await submit_cosignature(rt, await scope_head(scope), signed.size, line.line())


async def seed_finished_campaigns(rt: Runtime) -> tuple[int, int]:
    """Both finished demo campaigns: (the one in 公示, the announced one, witnessed)."""
    announced = await seed_announced(rt)
    await witness_announced(rt, announced)
    publicized = await seed_publicized(rt)
    return publicized, announced


async def finished_campaigns() -> dict[str, int]:
    """Ids of the finished demo campaigns present in this database, by title."""
    rows = await Campaign.select(Campaign.id, Campaign.title).where(
        Campaign.title.is_in([PUBLICIZED_TITLE, ANNOUNCED_TITLE])
    )
    return {r["title"]: r["id"] for r in rows}


async def demo_ward_link(rt: Runtime) -> str | None:
    """The inpatient evaluation link of the first active demo ward (what its QR code holds)."""
    row = await Ward.select(Ward.token).where(Ward.active.eq(True)).order_by(Ward.id).first()
    return ward_link(rt, row["token"]) if row else None
