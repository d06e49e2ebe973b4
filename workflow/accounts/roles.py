"""Roles and the principal a request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workflow.ids import AccountId, DepartmentId, StaffId, UnitId


class Role(StrEnum):
    ORGANIZER = "organizer"  # 卫健委/卫生局 admin
    UNIT_ADMIN = "unit_admin"  # 医院/中心 admin, scoped to a unit
    DEPARTMENT_HEAD = "department_head"  # 科室主任, scoped to a department
    REVIEWER = "reviewer"  # 评审委员会 member / expert
    CREDENTIAL_AUTHORITY = "credential_authority"  # issues voter credentials; never the organizer
    AUDITOR = "auditor"  # reads public and internal logs, exports bundles
    STAFF = "staff"  # a staff member reading their own file


SCOPED_TO_UNIT = frozenset({Role.UNIT_ADMIN})
SCOPED_TO_DEPARTMENT = frozenset({Role.DEPARTMENT_HEAD})
SCOPED_TO_SELF = frozenset({Role.STAFF})

# Roles whose holder must not also hold another listed role (separation of duties).
INCOMPATIBLE = {
    Role.CREDENTIAL_AUTHORITY: frozenset({Role.ORGANIZER}),
    Role.ORGANIZER: frozenset({Role.CREDENTIAL_AUTHORITY}),
    Role.AUDITOR: frozenset({Role.ORGANIZER, Role.UNIT_ADMIN}),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    unit_id: UnitId | None = None
    department_id: DepartmentId | None = None


@dataclass(frozen=True)
class Principal:
    """Who is acting: an account with its grants, loaded once per request."""

    account_id: AccountId
    username: str
    display_name: str
    staff_id: StaffId | None
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def has(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    def units(self, role: Role) -> frozenset[UnitId]:
        return frozenset(g.unit_id for g in self.grants if g.role == role and g.unit_id is not None)

    def departments(self, role: Role) -> frozenset[DepartmentId]:
        return frozenset(
            g.department_id for g in self.grants if g.role == role and g.department_id is not None
        )

    @property
    def is_operator(self) -> bool:
        return self.account_id == OPERATOR_ACCOUNT

    @property
    def ledger_actor(self) -> str:
        """How this principal is named in ledger entries: an opaque account id, never a name."""
        return "operator" if self.is_operator else f"account:{self.account_id}"


OPERATOR_ACCOUNT = AccountId(0)

# Whoever runs the ``yide`` command on the server: acts with organizer rights and is logged as
# "operator", because shell access to the server is outside what accounts can express.
OPERATOR = Principal(OPERATOR_ACCOUNT, "operator", "命令行操作员", None, (Grant(Role.ORGANIZER),))
