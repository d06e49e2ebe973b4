from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from api.access import roles
from api.schemas.accounts import AccountIn, AccountOut, GrantOut
from api.schemas.common import IdParam, LimitParam, Page
from workflow.accounts import service as accounts
from workflow.accounts.roles import Grant, Principal, Role
from workflow.ids import AccountId, DepartmentId, StaffId, UnitId
from workflow.pagination import DEFAULT_LIMIT
from workflow.runtime import Runtime


def _out(a: accounts.AccountView) -> AccountOut:
    return AccountOut(
        id=a.id,
        username=a.username,
        display_name=a.display_name,
        staff_id=a.staff_id,
        active=a.active,
        locked=a.locked,
        grants=[GrantOut(g.role, g.unit_id, g.department_id) for g in a.grants],
    )


class AccountController(Controller):
    path = "/api/accounts"
    tags = ["accounts"]

    @get("/", guards=[roles(Role.ORGANIZER, Role.AUDITOR)], operation_id="ListAccounts")
    async def list_accounts(
        self,
        rt: NamedDependency[Runtime],
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> Page[AccountOut]:
        page = await accounts.list_accounts(rt, cursor=cursor, limit=limit)
        return Page([_out(a) for a in page.items], page.next_cursor)

    @post("/", guards=[roles(Role.ORGANIZER)], operation_id="CreateAccount")
    async def create_account(
        self, data: JSONBody[AccountIn], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> dict[str, int]:
        """Create an account with its role grants (the password is hashed with argon2id)."""
        account_id = await accounts.create_account(
            rt,
            username=data.username,
            display_name=data.display_name,
            password=data.password,
            grants=[
                Grant(
                    g.role,
                    UnitId(g.unit_id) if g.unit_id else None,
                    DepartmentId(g.department_id) if g.department_id else None,
                )
                for g in data.grants
            ],
            staff_id=StaffId(data.staff_id) if data.staff_id else None,
            actor=principal.ledger_actor,
        )
        return {"id": account_id}

    @post(
        "/{account_id:int}/disable",
        guards=[roles(Role.ORGANIZER)],
        operation_id="DisableAccount",
        status_code=204,
    )
    async def disable(
        self,
        account_id: FromPath[IdParam],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        """Disable an account and end its sessions."""
        await accounts.set_active(rt, AccountId(account_id), active=False, actor=principal.ledger_actor)

    @post(
        "/{account_id:int}/enable",
        guards=[roles(Role.ORGANIZER)],
        operation_id="EnableAccount",
        status_code=204,
    )
    async def enable(
        self,
        account_id: FromPath[IdParam],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> None:
        await accounts.set_active(rt, AccountId(account_id), active=True, actor=principal.ledger_actor)

    @post(
        "/{account_id:int}/unlock",
        guards=[roles(Role.ORGANIZER)],
        operation_id="UnlockAccount",
        status_code=204,
    )
    async def unlock(self, account_id: FromPath[IdParam]) -> None:
        """Lift a lockout caused by wrong passwords."""
        await accounts.unlock(AccountId(account_id))
