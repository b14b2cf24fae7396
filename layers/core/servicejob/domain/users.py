"""Users of a tenant, their roles, and invitations (the same path for the owner at signup and for users
an owner or admin invites).

Status: `invited` until the user's first GET /v1/me after signing in, then `active`; `disabled` when an
owner/admin disables them (Cognito disabled and signed out too). The authorizer reads role, status and
locale from the user record on every token.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
)

from servicejob.auth.permissions import ROLE_RANK, Permission, Role, check_role_grant
from servicejob.auth.user_directory import DirectoryUserExists, UserDirectory, generate_temporary_password
from servicejob.dal.pagination import Page
from servicejob.domain.tenants import Locale, PersonName, Tenant
from servicejob.errors import Conflict, Forbidden, VersionConflict
from servicejob.notify.invitations import invitation_email
from servicejob.notify.mailer import Mailer
from servicejob.tenancy.context import PrincipalKind, TenantContext

UserStatus = Literal["invited", "active", "disabled"]
TeamName = Annotated[str, Field(min_length=1, max_length=80)]
_EMAIL_UNAVAILABLE = "This e-mail address cannot be invited; use another address."


class UserInvite(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: EmailStr = Field(max_length=254)
    name: PersonName
    role: Role
    locale: Locale | None = Field(default=None, description="Language of the invitation; the tenant's by default")

    @field_validator("email")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: Role | None = None
    status: Literal["active", "disabled"] | None = None
    name: PersonName | None = None
    team: TeamName | None = Field(
        default=None,
        description="The user's team, e.g. Audit HK; sales, managers and staff see their team's records. "
        "null removes the user from their team.",
    )

    @model_validator(mode="after")
    def _no_nulls(self) -> "UserPatch":
        for name in self.model_fields_set - {"team"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class MePatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    locale: Locale | None = None
    name: PersonName | None = None


class User(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    email: str
    name: str
    role: Role
    status: UserStatus
    locale: Locale
    team: str | None = None
    version: int
    created_at: str
    updated_at: str


class UserLookup(Protocol):
    def find(self, ctx: TenantContext, user_id: str) -> User | None: ...


class UserRepository(Protocol):
    def get(self, ctx: TenantContext, user_id: str) -> User: ...
    def find(self, ctx: TenantContext, user_id: str) -> User | None: ...
    def add(self, ctx: TenantContext, user_id: str, fields: Mapping[str, Any]) -> User: ...
    def update(self, ctx: TenantContext, user_id: str, changes: Mapping[str, Any], expected_version: int) -> User: ...
    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[User]: ...
    def invitation_sent(self, ctx: TenantContext, user_id: str) -> bool: ...
    def mark_invitation_sent(self, ctx: TenantContext, user_id: str) -> None: ...
    def count_enabled_owners(self, ctx: TenantContext) -> int: ...


class AlreadyInvited(Conflict):
    """The e-mail already belongs to a user of this tenant who got their invitation."""

    def __init__(self, user: User):
        super().__init__(_EMAIL_UNAVAILABLE)
        self.user = user


class EmailUnavailable(Conflict):
    """The e-mail belongs to another tenant's user; callers get the same answer as for AlreadyInvited."""

    def __init__(self) -> None:
        super().__init__(_EMAIL_UNAVAILABLE)


@dataclass
class Invitations:
    users: UserRepository
    directory: UserDirectory
    mailer: Mailer
    sign_in_url: str
    validity_days: int

    def invite(self, ctx: TenantContext, tenant: Tenant, email: str, name: str, role: Role, locale: str) -> User:
        """Creates the Cognito user with a fresh temporary password and e-mails it; safe to retry.

        The password lives only in this call: Cognito gets it, the e-mail carries it, nothing returns it.
        """
        temporary_password = generate_temporary_password()
        try:
            user_id = self.directory.create_user(email, name, locale, ctx.tenant_id, temporary_password)
        except DirectoryUserExists as exists:
            if exists.existing.tenant_id != ctx.tenant_id:
                raise EmailUnavailable() from None
            user_id = exists.existing.user_id
            existing = self.users.find(ctx, user_id)
            if existing is not None and self.users.invitation_sent(ctx, user_id):
                raise AlreadyInvited(existing) from None
            # An earlier attempt stopped before the e-mail: the password it set was never seen by anyone.
            self.directory.reset_temporary_password(email, temporary_password)
        user = self.users.find(ctx, user_id) or self.users.add(
            ctx,
            user_id,
            {"email": email, "name": name, "role": role.value, "status": "invited", "locale": locale},
        )
        content = invitation_email(
            locale=locale,
            firm_name=tenant.name,
            user_name=name,
            role=role.value,
            email=email,
            temporary_password=temporary_password,
            sign_in_url=self.sign_in_url,
            validity_days=self.validity_days,
        )
        self.mailer.send(email, content)
        self.users.mark_invitation_sent(ctx, user_id)
        return user


def invite_user(ctx: TenantContext, invitations: Invitations, tenant: Tenant, data: UserInvite) -> User:
    ctx.require(Permission.USERS_MANAGE)
    check_role_grant(_actor_role(ctx), ctx.principal_id, "", None, data.role)
    return invitations.invite(ctx, tenant, data.email, data.name, data.role, data.locale or tenant.locale)


def get_user(ctx: TenantContext, users: UserRepository, user_id: str) -> User:
    ctx.require(Permission.USERS_READ)
    return users.get(ctx, user_id)


def list_users(ctx: TenantContext, users: UserRepository, limit: int, cursor: str | None) -> Page[User]:
    ctx.require(Permission.USERS_READ)
    return users.list(ctx, limit, cursor)


def update_user(
    ctx: TenantContext,
    users: UserRepository,
    directory: UserDirectory,
    user_id: str,
    patch: UserPatch,
    expected_version: int,
) -> User:
    ctx.require(Permission.USERS_MANAGE)
    actor_role = _actor_role(ctx)
    target = users.get(ctx, user_id)
    if target.version != expected_version:
        raise VersionConflict(
            f"The user is at version {target.version}, not {expected_version}; reload it and try again.",
            current_version=target.version,
        )
    changes: dict[str, Any] = {}
    if patch.name is not None and patch.name != target.name:
        changes["name"] = patch.name
    losing_owner = False
    if patch.role is not None and patch.role != target.role:
        check_role_grant(actor_role, ctx.principal_id, user_id, target.role, patch.role)
        changes["role"] = patch.role.value
        losing_owner = target.role is Role.OWNER
    if "team" in patch.model_fields_set and patch.team != target.team:
        if user_id != ctx.principal_id and ROLE_RANK[target.role] > ROLE_RANK[actor_role]:
            raise Forbidden(f"A {actor_role} cannot change the team of a {target.role}.")
        changes["team"] = patch.team
    enabling = disabling = False
    if patch.status is not None and (patch.status == "disabled") != (target.status == "disabled"):
        if user_id == ctx.principal_id:
            raise Forbidden("You cannot disable or enable yourself.")
        if ROLE_RANK[target.role] > ROLE_RANK[actor_role]:
            raise Forbidden(f"A {actor_role} cannot disable or enable a {target.role}.")
        disabling, enabling = patch.status == "disabled", patch.status == "active"
        changes["status"] = patch.status
        losing_owner = losing_owner or (disabling and target.role is Role.OWNER)
    if losing_owner and users.count_enabled_owners(ctx) <= 1:
        raise Conflict("A firm needs at least one enabled owner; make someone else owner first.")
    if not changes:
        return target
    updated = users.update(ctx, user_id, changes, expected_version)
    # The record is authoritative (the authorizer refuses disabled users); Cognito follows it.
    if disabling:
        directory.disable(target.email)
    elif enabling:
        directory.enable(target.email)
    return updated


def _actor_role(ctx: TenantContext) -> Role:
    if ctx.kind is not PrincipalKind.USER or ctx.role is None:
        raise Forbidden("Only a signed-in user can manage users.")
    return ctx.role


class MeTenant(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    name: str
    time_zone: str
    base_currency: str
    locale: Locale
    status: str


class MeView(BaseModel):
    kind: PrincipalKind
    user: User | None
    tenant: MeTenant
    role: Role | None
    permissions: list[str]
    locale: Locale


def me(ctx: TenantContext, users: UserRepository, tenant: Tenant) -> MeView:
    """Who the caller is; a user's first call marks them active (they have signed in)."""
    user = None
    locale = tenant.locale
    if ctx.kind is PrincipalKind.USER:
        user = users.get(ctx, ctx.principal_id)
        if user.status == "invited":
            try:
                user = users.update(ctx, user.id, {"status": "active"}, user.version)
            except VersionConflict:
                user = users.get(ctx, ctx.principal_id)
        locale = user.locale
    return MeView(
        kind=ctx.kind,
        user=user,
        tenant=MeTenant.model_validate(tenant.model_dump()),
        role=ctx.role if ctx.kind is PrincipalKind.USER else None,
        permissions=sorted(permission.value for permission in ctx.permissions),
        locale=locale,
    )


def update_me(ctx: TenantContext, users: UserRepository, patch: MePatch) -> User:
    if ctx.kind is not PrincipalKind.USER:
        raise Forbidden("Only a signed-in user has a profile to change.")
    current = users.get(ctx, ctx.principal_id)
    changes = patch.model_dump(exclude_none=True)
    if not changes:
        return current
    return users.update(ctx, current.id, changes, current.version)
