"""Accounts: creation with role grants, login with lockout and throttling, sessions, passwords."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from workflow.accounts.passwords import hash_password, needs_rehash, verify_password
from workflow.accounts.roles import INCOMPATIBLE, Grant, Principal, Role
from workflow.accounts.tables import Account, AuthSession, RoleGrant
from workflow.db import read_transaction, write_transaction
from workflow.errors import Conflict, InvalidInput, NotFound, RateLimited, Unauthenticated
from workflow.ids import AccountId, DepartmentId, StaffId, UnitId
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append, scope_pseudonym
from workflow.org.tables import Department, Staff, Unit
from workflow.pagination import Page, check_limit, decode_cursor, page_of
from workflow.runtime import Runtime
from workflow.throttle import service as throttle

LOGIN_WINDOW_SECONDS = 15 * 60


class AccountLocked(RateLimited):
    code = "account-locked"
    title = "Account temporarily locked"


@dataclass(frozen=True)
class Session:
    token_id: uuid.UUID
    expires_at: datetime
    principal: Principal


async def _validate_grants(grants: Sequence[Grant], staff_id: StaffId | None) -> None:
    roles = [g.role for g in grants]
    if not roles:
        raise InvalidInput("an account needs at least one role", field="roles")
    for role, banned in INCOMPATIBLE.items():
        if role in roles and banned & set(roles):
            raise InvalidInput(
                f"{role} cannot be combined with {', '.join(sorted(banned & set(roles)))} "
                "(separation of duties)",
                field="roles",
            )
    for g in grants:
        if g.role == Role.UNIT_ADMIN:
            if g.unit_id is None or not await Unit.exists().where(Unit.id == g.unit_id):
                raise InvalidInput("a unit admin grant needs an existing unit", field="unit_id")
        elif g.role == Role.DEPARTMENT_HEAD:
            if g.department_id is None or not await Department.exists().where(
                Department.id == g.department_id
            ):
                raise InvalidInput(
                    "a department head grant needs an existing department", field="department_id"
                )
        elif g.unit_id is not None or g.department_id is not None:
            raise InvalidInput(f"the {g.role} role is not scoped to a unit or department", field="roles")
    if Role.STAFF in roles and staff_id is None:
        raise InvalidInput("a staff account must be linked to a staff member", field="staff_id")
    if staff_id is not None and not await Staff.exists().where(Staff.id == staff_id):
        raise InvalidInput("no such staff member", field="staff_id")


async def create_account(
    rt: Runtime,
    *,
    username: str,
    display_name: str,
    password: str,
    grants: Sequence[Grant],
    staff_id: StaffId | None = None,
    actor: str,
) -> AccountId:
    """Create an account with its roles; the org log records it under a pseudonym, not the name."""
    password_hash = hash_password(password)
    async with write_transaction():
        await _validate_grants(grants, staff_id)
        if await Account.exists().where(Account.username == username):
            raise Conflict(f"username {username!r} is taken", field="username")
        if staff_id is not None and await Account.exists().where(Account.staff == staff_id):
            raise Conflict("that staff member already has an account", field="staff_id")
        row = Account(
            username=username, display_name=display_name, password_hash=password_hash, staff=staff_id
        )
        await row.save()
        account_id = AccountId(row.id)
        for g in grants:
            await RoleGrant.insert(
                RoleGrant(account=account_id, role=g.role, unit=g.unit_id, department=g.department_id)
            )
        await append(
            ORG,
            Record(
                EventType.ACCOUNT_CREATED,
                actor,
                {
                    "account": account_id,
                    "username": await scope_pseudonym(ORG, "username", username),
                    "grants": [_grant_json(g) for g in grants],
                },
            ),
            at=rt.clock.now(),
        )
    return account_id


def _grant_json(g: Grant) -> dict[str, object]:
    return {"role": str(g.role), "unit": g.unit_id, "department": g.department_id}


async def _client_blocked(rt: Runtime, client: str, now: datetime) -> bool:
    failures = await throttle.count("login-fail", client, seconds=LOGIN_WINDOW_SECONDS, now=now)
    return failures >= rt.settings.security.login_ip_limit


async def login(rt: Runtime, *, username: str, password: str, client: str) -> Session:
    """Check a password; lock the account after repeated failures; throttle failing clients."""
    now = rt.clock.now()
    security = rt.settings.security
    if await _client_blocked(rt, client, now):
        raise RateLimited(
            "too many failed logins from this address; try again later", retry_after=LOGIN_WINDOW_SECONDS
        )
    account = await Account.objects().where(Account.username == username).first()
    if account is not None and account.locked_until is not None and account.locked_until > now:
        raise AccountLocked(
            "too many wrong passwords; the account is locked for a while",
            retry_after=int((account.locked_until - now).total_seconds()) + 1,
        )
    ok = verify_password(account.password_hash if account else None, password)
    if account is None or not ok or not account.active:
        async with write_transaction():
            await throttle.hit("login-fail", client, seconds=LOGIN_WINDOW_SECONDS, now=now)
            if account is not None and not ok:
                await _count_failure(rt, account.id, now)
        raise Unauthenticated("wrong username or password")
    async with write_transaction():
        updates: dict[object, object] = {Account.failed_logins: 0, Account.locked_until: None}
        if needs_rehash(account.password_hash):
            updates[Account.password_hash] = hash_password(password)
        await Account.update(updates).where(Account.id == account.id)  # type: ignore[arg-type]
        token_id = uuid.uuid4()
        expires = now + timedelta(minutes=security.session_minutes)
        await AuthSession.insert(
            AuthSession(token_id=token_id, account=account.id, expires_at=expires, client=client[:64])
        )
    principal = await _principal(AccountId(account.id))
    return Session(token_id, expires, principal)


async def _count_failure(rt: Runtime, account_id: int, now: datetime) -> None:
    security = rt.settings.security
    rows = (
        await Account.update({Account.failed_logins: Account.failed_logins + 1})
        .where(Account.id == account_id)
        .returning(Account.failed_logins)
    )
    if rows and rows[0]["failed_logins"] >= security.login_max_failures:
        await Account.update(
            {
                Account.locked_until: now + timedelta(minutes=security.lockout_minutes),
                Account.failed_logins: 0,
            }
        ).where(Account.id == account_id)
        await append(ORG, Record(EventType.ACCOUNT_LOCKED, "system", {"account": account_id}), at=now)


async def logout(token_id: uuid.UUID) -> None:
    async with write_transaction():
        await AuthSession.delete().where(AuthSession.token_id == token_id)


async def authenticate(rt: Runtime, *, username: str, password: str) -> Principal:
    """Check a password without opening a session: how the command line acts as an account.

    Locked and disabled accounts are refused like wrong passwords; failures are not counted here
    (whoever runs the command already has shell access to the server).
    """
    account = await Account.objects().where(Account.username == username).first()
    ok = verify_password(account.password_hash if account else None, password)
    if account is None or not ok or not account.active:
        raise Unauthenticated("wrong username or password")
    if account.locked_until is not None and account.locked_until > rt.clock.now():
        raise AccountLocked("the account is locked for a while")
    return await _principal(AccountId(account.id))


async def load_principal(account_id: AccountId) -> Principal:
    """The principal of an account with its grants (for jobs that act as a known account)."""
    return await _principal(account_id)


async def _principal(account_id: AccountId) -> Principal:
    account = await Account.objects().where(Account.id == account_id).first()
    if account is None:
        raise NotFound("no such account")
    grants = await RoleGrant.select().where(RoleGrant.account == account_id).order_by(RoleGrant.id)
    return Principal(
        account_id=account_id,
        username=account.username,
        display_name=account.display_name,
        staff_id=StaffId(account.staff) if account.staff is not None else None,
        grants=tuple(
            Grant(
                Role(g["role"]),
                UnitId(g["unit"]) if g["unit"] is not None else None,
                DepartmentId(g["department"]) if g["department"] is not None else None,
            )
            for g in grants
        ),
    )


async def principal_for_session(rt: Runtime, token_id: uuid.UUID) -> Principal | None:
    """The principal a session token stands for, or None if the session ended or expired."""
    now = rt.clock.now()
    async with read_transaction():
        session = (
            await AuthSession.select(AuthSession.account, AuthSession.expires_at)
            .where(AuthSession.token_id == token_id)
            .first()
        )
        if session is None or session["expires_at"] <= now:
            return None
        account = await Account.select(Account.active).where(Account.id == session["account"]).first()
        if account is None or not account["active"]:
            return None
        return await _principal(AccountId(session["account"]))


async def change_password(rt: Runtime, principal: Principal, *, old_password: str, new_password: str) -> None:
    """Replace the password and end every session of the account, this one included."""
    account = await Account.objects().where(Account.id == principal.account_id).first()
    if account is None or not verify_password(account.password_hash, old_password):
        raise Unauthenticated("the current password is wrong", field="old_password")
    if old_password == new_password:
        raise InvalidInput("the new password must differ from the old one", field="new_password")
    new_hash = hash_password(new_password)
    now = rt.clock.now()
    async with write_transaction():
        await Account.update({Account.password_hash: new_hash, Account.password_changed_at: now}).where(
            Account.id == principal.account_id
        )
        await AuthSession.delete().where(AuthSession.account == principal.account_id)
        await append(
            ORG,
            Record(EventType.PASSWORD_CHANGED, principal.ledger_actor, {"account": principal.account_id}),
            at=now,
        )


async def set_active(rt: Runtime, account_id: AccountId, *, active: bool, actor: str) -> None:
    async with write_transaction():
        rows = (
            await Account.update({Account.active: active})
            .where(Account.id == account_id)
            .returning(Account.id)
        )
        if not rows:
            raise NotFound("no such account")
        if not active:
            await AuthSession.delete().where(AuthSession.account == account_id)
            await append(
                ORG, Record(EventType.ACCOUNT_DISABLED, actor, {"account": account_id}), at=rt.clock.now()
            )


async def unlock(account_id: AccountId) -> None:
    async with write_transaction():
        rows = (
            await Account.update({Account.locked_until: None, Account.failed_logins: 0})
            .where(Account.id == account_id)
            .returning(Account.id)
        )
        if not rows:
            raise NotFound("no such account")


@dataclass(frozen=True)
class AccountView:
    id: AccountId
    username: str
    display_name: str
    staff_id: StaffId | None
    active: bool
    locked: bool
    grants: tuple[Grant, ...]


async def list_accounts(rt: Runtime, *, cursor: str | None, limit: int) -> Page[AccountView]:
    now = rt.clock.now()
    async with read_transaction():
        rows = list(
            await Account.select(
                Account.id,
                Account.username,
                Account.display_name,
                Account.staff,
                Account.active,
                Account.locked_until,
            )
            .where(Account.id > decode_cursor(cursor))
            .order_by(Account.id)
            .limit(check_limit(limit) + 1)
        )
        page = page_of(rows, limit, key=lambda r: int(r["id"]))
        ids = [r["id"] for r in page.items]
        grants: dict[int, list[Grant]] = {i: [] for i in ids}
        if ids:
            for g in await RoleGrant.select().where(RoleGrant.account.is_in(ids)).order_by(RoleGrant.id):
                grants[g["account"]].append(Grant(Role(g["role"]), g["unit"], g["department"]))
    return Page(
        [
            AccountView(
                id=r["id"],
                username=r["username"],
                display_name=r["display_name"],
                staff_id=r["staff"],
                active=r["active"],
                locked=r["locked_until"] is not None and r["locked_until"] > now,
                grants=tuple(grants[r["id"]]),
            )
            for r in page.items
        ],
        page.next_cursor,
    )
