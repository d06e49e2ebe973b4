from __future__ import annotations

from typing import Annotated

import msgspec

from api.schemas.common import Id, Name, Password, Struct, Username
from workflow.accounts.roles import Principal, Role


class LoginIn(Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Password


class PasswordChangeIn(Struct):
    old_password: Password
    new_password: Password


class GrantIn(Struct):
    role: Role
    unit_id: Id | None = None
    department_id: Id | None = None


class AccountIn(Struct):
    username: Username
    display_name: Name
    password: Password
    grants: Annotated[list[GrantIn], msgspec.Meta(min_length=1, max_length=20)]
    staff_id: Id | None = None


class GrantOut(msgspec.Struct):
    role: Role
    unit_id: int | None
    department_id: int | None


class MeOut(msgspec.Struct):
    account_id: int
    username: str
    display_name: str
    staff_id: int | None
    roles: list[Role]
    grants: list[GrantOut]

    @classmethod
    def of(cls, p: Principal) -> MeOut:
        return cls(
            account_id=p.account_id,
            username=p.username,
            display_name=p.display_name,
            staff_id=p.staff_id,
            roles=sorted(p.roles),
            grants=[GrantOut(g.role, g.unit_id, g.department_id) for g in p.grants],
        )


class AccountOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    staff_id: int | None
    active: bool
    locked: bool
    grants: list[GrantOut]
