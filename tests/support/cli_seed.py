"""Prepare a campaign for the command-line tests, in the CLI's own database (run as a subprocess).

``python -m tests.support.cli_seed frozen``: an organisation, a credential authority ``ca``, and a
campaign with a frozen shortlist, ready for ``yide credentials generate``; ``open``: open its vote.
Environment (YIDE_DATA_DIR …) comes from the caller, as for ``yide`` itself.
"""

from __future__ import annotations

import asyncio
import sys

import msgspec

from tests.support.factories import PASSWORD, make_account, make_org
from tests.support.selection import GOOD_FACTS, small_rules
from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR, Role
from workflow.accounts.tables import Account
from workflow.db import start_pool
from workflow.ids import AccountId
from workflow.migrate import migrate
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection.nomination import NomineeFacts
from workflow.settings import get_settings


async def frozen(rt: Runtime) -> None:
    await migrate(at=rt.clock.now())
    org = await make_org(rt, units=2, staff_per_unit=3)
    await make_account(rt, "ca", Role.CREDENTIAL_AUTHORITY)
    reviewer = await accounts.load_principal(AccountId(await make_account(rt, "rev", Role.REVIEWER)))
    view = await campaigns.create_campaign(
        rt, OPERATOR, campaigns.CampaignSpec(title="命令行测试评选", rules=small_rules(), issuer="测试卫健委")
    )
    cid = view["id"]
    await campaigns.act(rt, OPERATOR, cid, action="open_nominations", expected_version=view["version"])
    facts = msgspec.convert(GOOD_FACTS, NomineeFacts)
    for unit in org.units:
        await nominations.submit_nomination(
            rt, OPERATOR, cid, staff_id=org.staff[unit][0], deeds="事迹", declared=facts
        )
    for action in ("close_nominations", "start_review"):
        version = (await campaigns.campaign_view(cid))["version"]
        await campaigns.act(rt, OPERATOR, cid, action=action, expected_version=version)
    for n in await nominations.list_nominations(OPERATOR, cid):
        view = await nominations.review(
            rt, reviewer, n["id"], action="approve", expected_version=n["version"], confirm_declarations=True
        )
        view = await nominations.review(
            rt, reviewer, n["id"], action="recommend", expected_version=view["version"]
        )
        await nominations.review(rt, reviewer, n["id"], action="shortlist", expected_version=view["version"])
    version = (await campaigns.campaign_view(cid))["version"]
    await campaigns.act(rt, OPERATOR, cid, action="freeze_shortlist", expected_version=version)
    assert await Account.exists().where(Account.username == "ca"), PASSWORD


async def open_vote(rt: Runtime) -> None:
    version = (await campaigns.campaign_view(1))["version"]
    await campaigns.act(rt, OPERATOR, 1, action="open_voting", expected_version=version)


async def main(step: str) -> None:
    await start_pool(2)
    rt = Runtime.production(get_settings())
    await {"frozen": frozen, "open": open_vote}[step](rt)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
