"""Every endpoint declares exactly one access rule; the app refuses to start otherwise.

A rule is a Litestar guard. ``create_app`` walks every route handler, checks that it carries exactly
one :class:`Access` among its guards, and marks public handlers so the authentication middleware lets
anonymous callers through. The role-matrix test reads the same rules to prove every denial.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from workflow.accounts.roles import Principal, Role
from workflow.errors import DomainError, ErrorKind

EXCLUDE_FROM_AUTH = "exclude_from_auth"


class RoleRequired(DomainError):
    kind = ErrorKind.FORBIDDEN
    code = "role-required"
    title = "Your role may not do this"


@dataclass(frozen=True)
class Access:
    """Who may call an endpoint: anyone, any signed-in account, or holders of given roles."""

    public: bool = False
    roles: frozenset[Role] | None = None  # None with public=False: any authenticated account

    def __call__(self, connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
        if self.public or self.roles is None:
            return  # authentication itself (or its absence) is the middleware's job
        principal = connection.user
        if not isinstance(principal, Principal) or not principal.has(*self.roles):
            raise RoleRequired(
                "this action needs one of the roles: " + ", ".join(sorted(self.roles)),
                required_roles=sorted(self.roles),
            )

    def allows(self, roles: Iterable[Role] | None) -> bool:
        """Whether a caller holding ``roles`` (None: anonymous) passes this rule."""
        if self.public:
            return True
        if roles is None:
            return False
        return self.roles is None or bool(self.roles & set(roles))

    def describe(self) -> str:
        if self.public:
            return "public"
        return "any account" if self.roles is None else " | ".join(sorted(self.roles))


PUBLIC = Access(public=True)
SIGNED_IN = Access()


def roles(*allowed: Role) -> Access:
    if not allowed:
        raise ValueError("name at least one role")
    return Access(roles=frozenset(allowed))


def access_of(handler: BaseRouteHandler) -> Access:
    declared = [g for layer in handler.ownership_layers for g in (layer.guards or ())]
    rules = [g for g in declared if isinstance(g, Access)]
    if len(rules) != 1:
        raise RuntimeError(f"{handler} must declare exactly one access rule, has {len(rules)}")
    return rules[0]
