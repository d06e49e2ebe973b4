"""Drive selection campaigns through HTTP: a team of accounts, rules, ballots built with the pure core."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import msgspec

from tests.support.factories import Org, login, make_account, make_org
from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR, Role
from workflow.accounts.tables import AuthSession
from workflow.clock import Clock
from workflow.ids import AccountId, UnitId
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection import service_voting as voting
from workflow.selection.ballot import make_staff_ballot
from workflow.selection.credentials import Census, VoterEntry, derive_signer, generate_census
from workflow.selection.nomination import NomineeFacts
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    Channels,
    ChannelWeights,
    PublicChannel,
    StaffChannel,
)
from workflow.selection.service_campaigns import declared_eligibility

_ips = itertools.count(1)


def client_for(app: Any, ip: str | None = None) -> httpx.AsyncClient:
    """A client with its own cookie jar and its own source address."""
    n = next(_ips)
    address = ip or f"10.{50 + n // 60000 % 100}.{n // 250 % 240}.{n % 250 + 1}"
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@dataclass
class Team:
    app: Any
    clock: Clock
    org: Org
    organizers: list[httpx.AsyncClient]
    reviewers: list[httpx.AsyncClient]
    unit_admins: dict[UnitId, httpx.AsyncClient]
    authority: httpx.AsyncClient
    auditor: httpx.AsyncClient
    public: httpx.AsyncClient
    usernames: dict[int, str] = field(default_factory=dict)
    account_ids: dict[str, int] = field(default_factory=dict)

    @property
    def organizer(self) -> httpx.AsyncClient:
        return self.organizers[0]

    @property
    def reviewer(self) -> httpx.AsyncClient:
        return self.reviewers[0]

    def all_clients(self) -> list[httpx.AsyncClient]:
        return [*self.organizers, *self.reviewers, *self.unit_admins.values(), self.authority, self.auditor]

    async def relogin(self) -> None:
        """Sessions end 8 hours after login by the (moved) clock; keep the team's open for a year.

        Logging in again would work too, but argon2 makes each login cost 0.2 s on purpose.
        """
        far = self.clock.now() + timedelta(days=365)
        await AuthSession.update({AuthSession.expires_at: far}, force=True)

    async def close(self) -> None:
        for client in [*self.all_clients(), self.public]:
            await client.aclose()


async def make_team(
    rt: Runtime, app: Any, *, units: int = 3, staff_per_unit: int = 4, organizers: int = 1, reviewers: int = 3
) -> Team:
    org = await make_org(rt, units=units, staff_per_unit=staff_per_unit)
    account_ids: dict[str, int] = {}

    async def account(name: str, role: Role, unit: UnitId | None = None) -> httpx.AsyncClient:
        account_ids[name] = await make_account(rt, name, role, unit=unit)
        return await login(client_for(app), name)

    team = Team(
        app=app,
        clock=rt.clock,
        org=org,
        organizers=[await account(f"org{i}", Role.ORGANIZER) for i in range(organizers)],
        reviewers=[await account(f"rev{i}", Role.REVIEWER) for i in range(reviewers)],
        unit_admins={u: await account(f"ua{u}", Role.UNIT_ADMIN, u) for u in org.units},
        authority=await account("ca", Role.CREDENTIAL_AUTHORITY),
        auditor=await account("aud", Role.AUDITOR),
        public=client_for(app),
    )
    team.account_ids = account_ids
    team.usernames = {v: k for k, v in account_ids.items()}
    await team.relogin()
    return team


def small_rules(**changes: Any) -> CampaignRules:
    """Rules for tests: every fact declared, a short ballot, both channels."""
    base = CampaignRules(
        shortlist_size=4,
        winners=2,
        ballot=BallotShape(min_choices=1, max_choices=2),
        channels=Channels(
            staff=StaffChannel(enabled=True),
            public=PublicChannel(enabled=True, ballots_per_phone_per_day=1, ballots_per_ip_per_day=5),
            weights=ChannelWeights(staff=60, public=40),
        ),
    )
    base = msgspec.structs.replace(base, eligibility=declared_eligibility(base.eligibility))
    return msgspec.structs.replace(base, **changes)


def rules_json(rules: CampaignRules) -> dict[str, Any]:
    return msgspec.to_builtins(rules)  # type: ignore[no-any-return]


GOOD_FACTS: dict[str, Any] = {
    "has_licence": True,
    "service_start": "2010-09-01",
    "medical_accidents": [],
    "discipline_actions": [],
    "ethics_grades": [{"year": y, "grade": "good"} for y in range(2018, 2031)],
}


async def ok(response: httpx.Response, status: int | tuple[int, ...] = (200, 201)) -> Any:
    expected = (status,) if isinstance(status, int) else status
    assert response.status_code in expected, f"{response.status_code}: {response.text}"
    return response.json()


async def review(
    client: httpx.AsyncClient, nomination: dict[str, Any], action: str, **extra: Any
) -> dict[str, Any]:
    body = {"action": action, "version": nomination["version"], **extra}
    return await ok(await client.post(f"/api/nominations/{nomination['id']}/review", json=body), 200)  # type: ignore[no-any-return]


async def shortlist_all(client: httpx.AsyncClient, nominations: list[dict[str, Any]]) -> None:
    for nomination in nominations:
        approved = await review(client, nomination, "approve", confirm_declarations=True)
        recommended = await review(client, approved, "recommend")
        await review(client, recommended, "shortlist")


async def campaign(client: httpx.AsyncClient, campaign_id: int) -> dict[str, Any]:
    return await ok(await client.get(f"/api/campaigns/{campaign_id}"), 200)  # type: ignore[no-any-return]


async def act(
    client: httpx.AsyncClient, campaign_id: int, action: str, *, note: str = "", expect: int = 200
) -> dict[str, Any]:
    version = (await campaign(client, campaign_id))["version"]
    response = await client.post(
        f"/api/campaigns/{campaign_id}/actions", json={"action": action, "version": version, "note": note}
    )
    return await ok(response, expect)  # type: ignore[no-any-return]


def census(uid: str, voters: int, *, weight: int = 1) -> Census:
    return generate_census(uid, [VoterEntry(f"v{i:04d}", weight) for i in range(voters)], max_weight=weight)


def signed_ballot(
    credential: str, uid: str, rules_hash: str, choices: list[str], nonce: bytes | None = None
) -> dict[str, str]:
    ballot = make_staff_ballot(
        derive_signer(credential, uid),
        campaign=uid,
        rules_digest=bytes.fromhex(rules_hash),
        choices=choices,
        nonce=nonce,
    )
    return {"payload": ballot.payload, "signature": ballot.signature}


def iso(moment: datetime) -> str:
    return moment.isoformat()


def day(value: str) -> date:
    return date.fromisoformat(value)


def later(moment: datetime, **delta: float) -> datetime:
    return moment + timedelta(**delta)


@dataclass(frozen=True)
class Voting:
    """A campaign open for voting, built through the services (fast; HTTP tests use it as a start)."""

    id: int
    uid: str
    rules_hash: str
    candidates: list[str]
    census: Census
    nominations: list[int]


async def voting_campaign(
    rt: Runtime,
    *,
    rules: CampaignRules | None = None,
    voters: int = 5,
    units: int = 2,
    per_unit: int = 2,
    org: Org | None = None,
) -> Voting:
    """Org, campaign, nominations reviewed and shortlisted, frozen, credentials published, vote open."""
    org = org or await make_org(rt, units=units, staff_per_unit=max(per_unit, 1))
    reviewer = await accounts.load_principal(AccountId(await make_account(rt, "svc-rev", Role.REVIEWER)))
    authority = await accounts.load_principal(
        AccountId(await make_account(rt, "svc-ca", Role.CREDENTIAL_AUTHORITY))
    )
    view = await campaigns.create_campaign(
        rt, OPERATOR, campaigns.CampaignSpec(title="测试评选", rules=rules or small_rules())
    )
    cid = view["id"]

    async def step(action: str) -> None:
        version = (await campaigns.campaign_view(cid))["version"]
        await campaigns.act(rt, OPERATOR, cid, action=action, expected_version=version)

    await step("open_nominations")
    facts = msgspec.convert(GOOD_FACTS, NomineeFacts)
    for unit in org.units:
        for person in org.staff[unit][:per_unit]:
            await nominations.submit_nomination(
                rt, OPERATOR, cid, staff_id=person, deeds="事迹", declared=facts
            )
    await step("close_nominations")
    await step("start_review")
    ids = []
    for n in await nominations.list_nominations(OPERATOR, cid):
        v = await nominations.review(
            rt, reviewer, n["id"], action="approve", expected_version=n["version"], confirm_declarations=True
        )
        v = await nominations.review(rt, reviewer, n["id"], action="recommend", expected_version=v["version"])
        await nominations.review(rt, reviewer, n["id"], action="shortlist", expected_version=v["version"])
        ids.append(n["id"])
    await step("freeze_shortlist")
    view = await campaigns.campaign_view(cid)
    the_census = census(view["uid"], voters)
    await voting.publish_credentials(rt, authority, cid, list(the_census.public))
    await step("open_voting")
    return Voting(cid, view["uid"], view["rules_hash"], view["candidates"], the_census, ids)
