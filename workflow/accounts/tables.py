"""Account tables. Passwords are argon2id hashes; sessions are rows so logout really ends them."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from workflow.accounts.roles import Role
from workflow.org.tables import Department, Staff, Unit


class Account(Table):
    id = Serial(primary_key=True)
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100)
    password_hash = Varchar(length=200)
    staff = ForeignKey(Staff, null=True)
    active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    password_changed_at = Timestamptz(default=TimestamptzNow())
    created_at = Timestamptz(default=TimestamptzNow())


class RoleGrant(Table):
    id = Serial(primary_key=True)
    account = ForeignKey(Account)
    role = Varchar(length=32, choices=Role)
    unit = ForeignKey(Unit, null=True)
    department = ForeignKey(Department, null=True)


class AuthSession(Table):
    """A login. The session token carries only this row's id; deleting the row logs it out."""

    id = Serial(primary_key=True)
    token_id = UUID(unique=True)
    account = ForeignKey(Account)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    client = Varchar(length=64, default="")
