"""Users and roles: who may invite whom, role changes, disabling, the last owner, and /v1/me."""

import pytest
from test_invitations import InMemoryUsers, tenant
from ulid import ULID

from servicejob.auth.permissions import Permission, Role
from servicejob.auth.user_directory import FakeUserDirectory
from servicejob.domain.tenants import TenantStatus
from servicejob.domain.users import (
    Invitations,
    MePatch,
    UserInvite,
    UserPatch,
    invite_user,
    me,
    update_me,
    update_user,
)
from servicejob.errors import Conflict, Forbidden, VersionConflict
from servicejob.notify.mailer import FakeMailer
from servicejob.tenancy.context import PrincipalKind, TenantContext


class Firm:
    """One tenant with users of the given roles, each with a directory entry."""

    def __init__(self):
        self.tenant_id = str(ULID())
        self.users = InMemoryUsers()
        self.directory = FakeUserDirectory()
        self.invitations = Invitations(self.users, self.directory, FakeMailer(), "https://c/", 7)

    def add(self, role: Role, status: str = "active") -> str:
        email = f"{role}-{ULID()}@example.com".lower()
        user_id = self.directory.create_user(email, role.value, "en", self.tenant_id, "Temp-Pass-123")
        ctx = TenantContext(self.tenant_id, "seed", PrincipalKind.SYSTEM)
        self.users.add(
            ctx, user_id, {"email": email, "name": "N", "role": role.value, "status": status, "locale": "en"}
        )
        return user_id

    def as_user(self, user_id: str) -> TenantContext:
        role = self.users.get(TenantContext(self.tenant_id, "x", PrincipalKind.SYSTEM), user_id).role
        return TenantContext(self.tenant_id, user_id, PrincipalKind.USER, role=role)

    def change(self, actor_id: str, target_id: str, **patch):
        target = self.users.get(self.as_user(actor_id), target_id)
        return update_user(
            self.as_user(actor_id), self.users, self.directory, target_id, UserPatch(**patch), target.version
        )


@pytest.fixture
def firm() -> Firm:
    return Firm()


def invite(firm: Firm, actor_id: str, role: Role):
    data = UserInvite(email=f"new-{ULID()}@example.com", name="New", role=role)
    return invite_user(firm.as_user(actor_id), firm.invitations, tenant(firm.tenant_id, "zh-Hans"), data)


@pytest.mark.parametrize(
    ("actor", "granted", "allowed"),
    [
        (Role.OWNER, Role.OWNER, True),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.OWNER, False),
        (Role.MANAGER, Role.STAFF, False),  # no users:manage at all
    ],
)
def test_nobody_invites_above_their_own_role(firm, actor, granted, allowed):
    # Given a user of role `actor`
    actor_id = firm.add(actor)
    # When they invite someone as `granted` / Then it is allowed only up to their own rank
    if allowed:
        user = invite(firm, actor_id, granted)
        assert user.role is granted and user.locale == "zh-Hans"  # the tenant's language by default
    else:
        with pytest.raises(Forbidden):
            invite(firm, actor_id, granted)
        assert firm.invitations.mailer.sent == []


def test_an_api_key_cannot_invite_even_with_every_scope(firm):
    key = TenantContext(firm.tenant_id, str(ULID()), PrincipalKind.API_KEY, scopes=frozenset(Permission))
    with pytest.raises(Forbidden):
        invite_user(
            key,
            firm.invitations,
            tenant(firm.tenant_id),
            UserInvite(email="k@example.com", name="K", role=Role.STAFF),
        )


def test_nobody_changes_their_own_role(firm):
    admin = firm.add(Role.ADMIN)
    with pytest.raises(Forbidden):
        firm.change(admin, admin, role=Role.OWNER)


def test_an_admin_cannot_promote_to_owner_nor_touch_an_owner(firm):
    owner, admin, staff = firm.add(Role.OWNER), firm.add(Role.ADMIN), firm.add(Role.STAFF)
    with pytest.raises(Forbidden):
        firm.change(admin, staff, role=Role.OWNER)
    with pytest.raises(Forbidden):
        firm.change(admin, owner, role=Role.STAFF)
    with pytest.raises(Forbidden):
        firm.change(admin, owner, status="disabled")
    assert firm.directory.find_user(firm.users.items[(firm.tenant_id, owner)]["email"]).enabled


def test_an_admin_changes_a_lower_role_and_the_version_moves(firm):
    admin, staff = firm.add(Role.ADMIN), firm.add(Role.STAFF)
    updated = firm.change(admin, staff, role=Role.MANAGER, name="Renamed")
    assert (updated.role, updated.name, updated.version) == (Role.MANAGER, "Renamed", 2)


def test_a_stale_version_is_refused(firm):
    admin, staff = firm.add(Role.ADMIN), firm.add(Role.STAFF)
    with pytest.raises(VersionConflict):
        update_user(firm.as_user(admin), firm.users, firm.directory, staff, UserPatch(role=Role.SALES), 7)


def test_disabling_disables_and_signs_out_in_the_directory_and_enabling_reverses_it(firm):
    # Given an admin and a staff member
    admin, staff = firm.add(Role.ADMIN), firm.add(Role.STAFF)
    email = firm.users.items[(firm.tenant_id, staff)]["email"]
    # When the admin disables them
    disabled = firm.change(admin, staff, status="disabled")
    # Then record and directory agree, and their sessions are revoked
    assert disabled.status == "disabled"
    assert not firm.directory.find_user(email).enabled and firm.directory.users[email].signed_out
    # When re-enabled / Then they may sign in again
    assert firm.change(admin, staff, status="active").status == "active"
    assert firm.directory.find_user(email).enabled


def test_one_of_two_owners_can_be_demoted(firm):
    first, second = firm.add(Role.OWNER), firm.add(Role.OWNER)
    assert firm.change(first, second, role=Role.ADMIN).role is Role.ADMIN


@pytest.mark.parametrize("patch", [{"role": Role.ADMIN}, {"status": "disabled"}])
def test_the_last_enabled_owner_can_be_neither_demoted_nor_disabled(firm, patch):
    # Given one enabled owner, and a co-owner whose account is disabled (a session still in flight)
    owner, disabled_owner = firm.add(Role.OWNER), firm.add(Role.OWNER, status="disabled")
    # When that co-owner tries to demote or disable the last enabled owner
    with pytest.raises(Conflict):
        firm.change(disabled_owner, owner, **patch)
    # Then the owner is unchanged
    assert firm.users.items[(firm.tenant_id, owner)]["role"] == "owner"
    assert firm.users.items[(firm.tenant_id, owner)]["status"] == "active"


def test_me_marks_an_invited_user_active_and_lists_sorted_permissions(firm):
    # Given an invited finance user signing in for the first time
    user_id = firm.add(Role.FINANCE, status="invited")
    ctx = firm.as_user(user_id)
    the_tenant = tenant(firm.tenant_id, "zh-Hant").model_copy(update={"status": TenantStatus.ACTIVE})
    # When they ask who they are
    view = me(ctx, firm.users, the_tenant)
    # Then they are active, with their role's permissions, sorted
    assert view.user.status == "active" and firm.users.get(ctx, user_id).status == "active"
    assert view.role is Role.FINANCE
    assert view.permissions == sorted(view.permissions) and "users:manage" not in view.permissions
    assert view.tenant.id == firm.tenant_id and view.tenant.status == "active"


def test_me_for_an_api_key_shows_the_tenant_and_scopes_without_a_user(firm):
    key = TenantContext(
        firm.tenant_id,
        str(ULID()),
        PrincipalKind.API_KEY,
        scopes=frozenset({Permission.ACCOUNTS_WRITE, Permission.ACCOUNTS_READ}),
    )
    view = me(key, firm.users, tenant(firm.tenant_id, "zh-Hans"))
    assert view.user is None and view.kind is PrincipalKind.API_KEY and view.role is None
    assert view.permissions == ["accounts:read", "accounts:write"] and view.locale == "zh-Hans"


def test_update_me_saves_the_language(firm):
    user_id = firm.add(Role.STAFF)
    updated = update_me(firm.as_user(user_id), firm.users, MePatch(locale="zh-Hant"))
    assert updated.locale == "zh-Hant" and updated.version == 2


def test_an_admin_puts_a_user_in_a_team_and_takes_them_out(firm):
    admin, sales = firm.add(Role.ADMIN), firm.add(Role.SALES)
    assert firm.change(admin, sales, team="Audit HK").team == "Audit HK"
    assert firm.change(admin, sales, team=None).team is None


def test_a_manager_cannot_change_teams_and_an_admin_not_an_owners(firm):
    owner, admin, manager, sales = (
        firm.add(Role.OWNER),
        firm.add(Role.ADMIN),
        firm.add(Role.MANAGER),
        firm.add(Role.SALES),
    )
    with pytest.raises(Forbidden):
        firm.change(manager, sales, team="Tax")
    with pytest.raises(Forbidden):
        firm.change(admin, owner, team="Tax")
    assert firm.change(owner, admin, team="Tax").team == "Tax"
