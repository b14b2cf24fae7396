"""The role table, role grants, and TenantContext checks for users and API keys."""

import pytest
from ulid import ULID

from servicejob.auth.permissions import (
    API_KEY_SCOPES,
    ROLE_RANK,
    Permission,
    Role,
    check_role_grant,
    permissions_for_role,
)
from servicejob.errors import Forbidden
from servicejob.tenancy.context import PrincipalKind, TenantContext, system_context


def new_id() -> str:
    return str(ULID())


# ---- check_role_grant ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", list(Role))
def test_nobody_changes_their_own_role(role):
    # Given any actor, even the owner
    actor = new_id()
    # When they change their own role (even to a lower one)
    # Then it is refused
    with pytest.raises(Forbidden, match="own role"):
        check_role_grant(role, actor, actor, role, Role.STAFF)


@pytest.mark.parametrize(
    ("actor", "new"),
    [
        (Role.ADMIN, Role.OWNER),
        (Role.MANAGER, Role.PARTNER),
        (Role.STAFF, Role.SALES),
        (Role.SALES, Role.FINANCE),
    ],
)
def test_granting_above_own_rank_is_refused(actor, new):
    with pytest.raises(Forbidden, match="cannot grant"):
        check_role_grant(actor, new_id(), new_id(), Role.STAFF, new)


@pytest.mark.parametrize(("actor", "target"), [(Role.ADMIN, Role.OWNER), (Role.MANAGER, Role.PARTNER)])
def test_changing_a_higher_ranked_user_is_refused(actor, target):
    # Given a target who outranks the actor
    # When the actor demotes them to staff (a role the actor may grant)
    # Then it is refused
    with pytest.raises(Forbidden, match="cannot change the role"):
        check_role_grant(actor, new_id(), new_id(), target, Role.STAFF)


@pytest.mark.parametrize(
    ("actor", "target", "new"),
    [
        (Role.OWNER, Role.STAFF, Role.OWNER),  # an owner may make another owner
        (Role.OWNER, Role.ADMIN, Role.STAFF),
        (Role.ADMIN, Role.STAFF, Role.ADMIN),  # equal rank may be granted
        (Role.ADMIN, Role.ADMIN, Role.MANAGER),
        (Role.MANAGER, None, Role.SALES),  # a new user has no current role
    ],
)
def test_allowed_grants_pass(actor, target, new):
    check_role_grant(actor, new_id(), new_id(), target, new)  # does not raise


def test_every_role_has_a_rank_and_permissions():
    assert set(ROLE_RANK) == set(Role)
    assert all(permissions_for_role(role) for role in Role)
    assert permissions_for_role(Role.OWNER) == frozenset(Permission)


def test_api_key_scopes_never_include_administration():
    assert not API_KEY_SCOPES & {
        Permission.USERS_MANAGE,
        Permission.API_KEYS_MANAGE,
        Permission.TENANT_MANAGE,
    }


# ---- TenantContext ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "can_write"),
    [
        (Role.OWNER, True),
        (Role.ADMIN, True),
        (Role.PARTNER, True),
        (Role.MANAGER, True),
        (Role.SALES, True),
        (Role.FINANCE, False),
        (Role.STAFF, False),
    ],
)
def test_user_permissions_follow_the_role(role, can_write, user_ctx):
    ctx = user_ctx(role)
    assert ctx.can(Permission.ACCOUNTS_READ)
    assert ctx.can(Permission.ACCOUNTS_WRITE) is can_write


def test_only_owner_manages_the_tenant_and_only_admins_manage_users(user_ctx):
    assert user_ctx(Role.OWNER).can(Permission.TENANT_MANAGE)
    assert not user_ctx(Role.ADMIN).can(Permission.TENANT_MANAGE)
    assert user_ctx(Role.ADMIN).can(Permission.USERS_MANAGE)
    assert not user_ctx(Role.PARTNER).can(Permission.USERS_MANAGE)


def test_require_raises_forbidden_naming_the_permission(user_ctx):
    ctx = user_ctx(Role.STAFF)
    ctx.require(Permission.ACCOUNTS_READ)  # allowed: does not raise
    with pytest.raises(Forbidden, match="accounts:write"):
        ctx.require(Permission.ACCOUNTS_WRITE)


def test_api_key_acts_with_its_scopes_only(key_ctx):
    # Given a key with read scope only
    ctx = key_ctx({Permission.ACCOUNTS_READ})
    # Then it reads but cannot write, and has no role-derived permissions
    assert ctx.can(Permission.ACCOUNTS_READ)
    assert not ctx.can(Permission.ACCOUNTS_WRITE)
    assert not ctx.can(Permission.USERS_READ)
    with pytest.raises(Forbidden):
        ctx.require(Permission.ACCOUNTS_WRITE)
    assert ctx.actor == f"apikey:{ctx.principal_id}"


def test_api_key_with_a_role_still_uses_only_its_scopes():
    # A role smuggled into a key's context grants nothing
    ctx = TenantContext(
        tenant_id=new_id(),
        principal_id=new_id(),
        kind=PrincipalKind.API_KEY,
        role=Role.OWNER,
        scopes=frozenset(),
    )
    assert not ctx.can(Permission.ACCOUNTS_READ)


def test_user_without_role_can_do_nothing():
    ctx = TenantContext(tenant_id=new_id(), principal_id=new_id(), kind=PrincipalKind.USER)
    assert not any(ctx.can(permission) for permission in Permission)


def test_system_context_may_do_everything_for_its_tenant():
    tenant = new_id()
    ctx = system_context(tenant, "onboarding", correlation_id="c-1")
    assert all(ctx.can(permission) for permission in Permission)
    assert (ctx.tenant_id, ctx.actor, ctx.correlation_id) == (tenant, "system:onboarding", "c-1")
