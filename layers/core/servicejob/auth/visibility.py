"""Record visibility: which of a tenant's owned records (accounts, contacts, leads, opportunities and
their children) a caller may see. The one policy table; `dal.entity_store` applies it to every read
and write of a kind that declares an owner, so no service function can forget it.

A record belongs to an *audience*: its owner's team, or the owner alone when the owner has no team.
The owner is the record's owner field (responsible_user_id / owner_user_id), or its creator while
that field is empty. A team-scoped caller sees exactly the records of their own audience: their own
records and those of their teammates; anything else answers 404, like another tenant's record.
"""

import unicodedata
from enum import StrEnum

from servicejob.auth.permissions import Role
from servicejob.tenancy.context import PrincipalKind, TenantContext


class Scope(StrEnum):
    ALL = "all"  # every record of the tenant
    TEAM = "team"  # the caller's own records and their team's


# Writes are still governed by permissions: finance reads everything and writes nothing, staff
# write nothing either.
ROLE_SCOPES: dict[Role, Scope] = {
    Role.OWNER: Scope.ALL,
    Role.ADMIN: Scope.ALL,
    Role.PARTNER: Scope.ALL,
    Role.FINANCE: Scope.ALL,
    Role.MANAGER: Scope.TEAM,
    Role.SALES: Scope.TEAM,
    Role.STAFF: Scope.TEAM,
}


def scope_of(ctx: TenantContext) -> Scope:
    """API keys are system integrations of the firm and, like the platform's own processes, see all
    records their scopes allow."""
    if ctx.kind is PrincipalKind.USER:
        return ROLE_SCOPES[ctx.role] if ctx.role is not None else Scope.TEAM
    return Scope.ALL


def team_key(team: str) -> str:
    """Teams are named by people: "Audit HK", "audit hk" and full-width "Ａｕｄｉｔ ＨＫ" are one team."""
    return " ".join(unicodedata.normalize("NFKC", team).casefold().split())


def audience(owner_id: str, owner_team: str | None) -> str:
    return f"team:{team_key(owner_team)}" if owner_team else f"user:{owner_id}"


def audience_team(audience: str) -> str | None:
    """The team key of a team audience; None for an owner without a team."""
    kind, _, name = audience.partition(":")
    return name if kind == "team" and name else None


def caller_audience(ctx: TenantContext) -> str | None:
    """The one audience a team-scoped caller sees; None when the caller sees everything."""
    if scope_of(ctx) is Scope.ALL:
        return None
    return audience(ctx.principal_id, ctx.team)
