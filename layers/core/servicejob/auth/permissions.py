"""Roles and permissions: the one table that says who may do what.

API keys carry a subset of permissions as scopes; users carry a role. Every check goes through
`TenantContext.can`, and role changes through `check_role_grant`.
"""

from enum import StrEnum

from servicejob.errors import Forbidden


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    PARTNER = "partner"
    MANAGER = "manager"
    FINANCE = "finance"
    SALES = "sales"
    STAFF = "staff"


class Permission(StrEnum):
    ACCOUNTS_READ = "accounts:read"
    ACCOUNTS_WRITE = "accounts:write"
    CONTACTS_READ = "contacts:read"
    CONTACTS_WRITE = "contacts:write"
    OPPORTUNITIES_READ = "opportunities:read"
    OPPORTUNITIES_WRITE = "opportunities:write"
    LEADS_READ = "leads:read"
    LEADS_WRITE = "leads:write"
    ACTIVITIES_READ = "activities:read"
    ACTIVITIES_WRITE = "activities:write"
    QUOTES_READ = "quotes:read"
    QUOTES_WRITE = "quotes:write"
    SALES_SETTINGS_MANAGE = "sales-settings:manage"
    REPORTS_READ = "reports:read"
    AUDIT_READ = "audit:read"
    USERS_READ = "users:read"
    USERS_MANAGE = "users:manage"
    API_KEYS_MANAGE = "api-keys:manage"
    TENANT_MANAGE = "tenant:manage"


# Higher rank may grant any role of equal or lower rank; nobody grants above their own.
ROLE_RANK: dict[Role, int] = {
    Role.OWNER: 100,
    Role.ADMIN: 90,
    Role.PARTNER: 70,
    Role.MANAGER: 60,
    Role.FINANCE: 50,
    Role.SALES: 40,
    Role.STAFF: 30,
}

_READ_ALL = {
    Permission.ACCOUNTS_READ,
    Permission.CONTACTS_READ,
    Permission.OPPORTUNITIES_READ,
    Permission.LEADS_READ,
    Permission.ACTIVITIES_READ,
    Permission.QUOTES_READ,
    Permission.USERS_READ,
}
_SELL = {
    Permission.ACCOUNTS_WRITE,
    Permission.CONTACTS_WRITE,
    Permission.OPPORTUNITIES_WRITE,
    Permission.LEADS_WRITE,
    Permission.ACTIVITIES_WRITE,
    Permission.QUOTES_WRITE,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(Permission) - {Permission.TENANT_MANAGE},
    Role.PARTNER: frozenset(
        _READ_ALL | _SELL | {Permission.AUDIT_READ, Permission.SALES_SETTINGS_MANAGE, Permission.REPORTS_READ}
    ),
    Role.MANAGER: frozenset(_READ_ALL | _SELL | {Permission.AUDIT_READ, Permission.REPORTS_READ}),
    Role.FINANCE: frozenset(_READ_ALL | {Permission.AUDIT_READ, Permission.REPORTS_READ}),
    # Sales read reports of their own records only (domain/reports.py forces the owner filter).
    Role.SALES: frozenset(_READ_ALL | _SELL | {Permission.REPORTS_READ}),
    Role.STAFF: frozenset(_READ_ALL),
}

# What an API key may be granted: data access only, never administration of people or keys.
API_KEY_SCOPES: frozenset[Permission] = frozenset(
    {
        Permission.ACCOUNTS_READ,
        Permission.ACCOUNTS_WRITE,
        Permission.CONTACTS_READ,
        Permission.CONTACTS_WRITE,
        Permission.OPPORTUNITIES_READ,
        Permission.OPPORTUNITIES_WRITE,
        Permission.LEADS_READ,
        Permission.LEADS_WRITE,
        Permission.ACTIVITIES_READ,
        Permission.ACTIVITIES_WRITE,
        Permission.QUOTES_READ,
        Permission.QUOTES_WRITE,
        Permission.AUDIT_READ,
        Permission.REPORTS_READ,
    }
)


def permissions_for_role(role: Role) -> frozenset[Permission]:
    return ROLE_PERMISSIONS[role]


def check_role_grant(actor_role: Role, actor_id: str, target_id: str, target_current: Role | None, new: Role) -> None:
    """Refuse self-promotion, granting above one's own rank, and changing someone who outranks the actor."""
    if actor_id == target_id:
        raise Forbidden("You cannot change your own role.")
    if ROLE_RANK[new] > ROLE_RANK[actor_role]:
        raise Forbidden(f"A {actor_role} cannot grant the {new} role.")
    if target_current is not None and ROLE_RANK[target_current] > ROLE_RANK[actor_role]:
        raise Forbidden(f"A {actor_role} cannot change the role of a {target_current}.")
