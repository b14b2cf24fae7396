"""The accounts domain service against an in-memory repository: permission checks per role and key scope,
tenant separation, versions and input rules — no HTTP, no DynamoDB."""

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import ValidationError
from ulid import ULID

from servicejob.auth.permissions import Permission, Role
from servicejob.dal.pagination import Page
from servicejob.domain import accounts
from servicejob.domain.accounts import Account, AccountInput, AccountPatch, AccountRepository
from servicejob.errors import Forbidden, NotFound, VersionConflict
from servicejob.tenancy.context import TenantContext

WRITERS = [Role.OWNER, Role.ADMIN, Role.PARTNER, Role.MANAGER, Role.SALES]
READ_ONLY = [Role.FINANCE, Role.STAFF]


class NoRecords:
    """A user or contact lookup that knows no one: these tests set no references."""

    def find(self, ctx: TenantContext, record_id: str) -> None:
        return None

    def get(self, ctx: TenantContext, record_id: str) -> Any:
        raise NotFound(f"No record with id {record_id}.")


NO_USERS = NO_CONTACTS = NoRecords()


class InMemoryAccounts:
    """Implements AccountRepository with the same contract as DynamoAccountRepository."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls = 0

    def get(self, ctx: TenantContext, account_id: str) -> Account:
        self.calls += 1
        return Account.model_validate(self._live(ctx, account_id))

    def add(self, ctx: TenantContext, account_id: str, fields: Mapping[str, Any]) -> Account:
        self.calls += 1
        row = {
            **fields,
            "id": account_id,
            "version": 1,
            "created_at": "2026-01-01T00:00:00.000Z",
            "created_by": ctx.actor,
            "updated_at": "2026-01-01T00:00:00.000Z",
            "updated_by": ctx.actor,
        }
        self.rows[(ctx.tenant_id, account_id)] = row
        return Account.model_validate(row)

    def update(self, ctx: TenantContext, account_id: str, changes: Mapping[str, Any], expected_version: int) -> Account:
        self.calls += 1
        row = self._live(ctx, account_id)
        if row["version"] != expected_version:
            raise VersionConflict("stale", current_version=row["version"])
        for name, value in changes.items():
            if value is None:
                row.pop(name, None)
            else:
                row[name] = value
        row.update(version=row["version"] + 1, updated_by=ctx.actor)
        return Account.model_validate(row)

    def delete(self, ctx: TenantContext, account_id: str, expected_version: int) -> Account:
        self.calls += 1
        row = self._live(ctx, account_id)
        if row["version"] != expected_version:
            raise VersionConflict("stale", current_version=row["version"])
        row.update(deleted=True, version=row["version"] + 1)
        return Account.model_validate(row)

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Account]:
        self.calls += 1
        rows = [
            row
            for (tenant, _), row in sorted(self.rows.items(), reverse=True)
            if tenant == ctx.tenant_id
            and not row.get("deleted")
            and (name_prefix is None or row["name"].casefold().startswith(name_prefix.casefold()))
        ]
        start = int(cursor or 0)
        more = start + limit < len(rows)
        return Page(
            [Account.model_validate(r) for r in rows[start : start + limit]],
            str(start + limit) if more else None,
        )

    def _live(self, ctx: TenantContext, account_id: str) -> dict[str, Any]:
        row = self.rows.get((ctx.tenant_id, account_id))
        if row is None or row.get("deleted"):
            raise NotFound(f"No account with id {account_id}.")
        return row


def _conforms(repository: AccountRepository) -> AccountRepository:
    return repository  # type-checks the fake against the protocol


@pytest.fixture
def repository() -> InMemoryAccounts:
    return InMemoryAccounts()


@pytest.fixture
def tenant(tenant_id) -> str:
    return tenant_id


def seeded(repository, tenant, user_ctx, name="Seed Co") -> Account:
    return accounts.create_account(
        user_ctx(Role.OWNER, tenant), _conforms(repository), NO_USERS, AccountInput(name=name)
    )


# ---- permission checks per role -----------------------------------------------------------------------
@pytest.mark.parametrize("role", WRITERS)
def test_writers_create_update_and_delete(repository, tenant, user_ctx, role):
    ctx = user_ctx(role, tenant)
    # When a writer creates, renames and deletes an account
    created = accounts.create_account(ctx, repository, NO_USERS, AccountInput(name="  Acme  "))
    updated = accounts.update_account(
        ctx, repository, NO_USERS, NO_CONTACTS, created.id, AccountPatch(name="Acme 2"), 1
    )
    accounts.delete_account(ctx, repository, created.id, 2)
    # Then each step took effect, recorded as that user
    assert (created.name, created.version, created.created_by) == ("Acme", 1, ctx.actor)
    assert (updated.name, updated.version) == ("Acme 2", 2)
    with pytest.raises(NotFound):
        accounts.get_account(ctx, repository, created.id)


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_read_but_never_reach_the_repository_for_writes(repository, tenant, user_ctx, role):
    account = seeded(repository, tenant, user_ctx)
    ctx = user_ctx(role, tenant)
    assert accounts.get_account(ctx, repository, account.id).id == account.id
    assert [a.id for a in accounts.list_accounts(ctx, repository, 10, None, None).items] == [account.id]
    calls_before = repository.calls
    with pytest.raises(Forbidden):
        accounts.create_account(ctx, repository, NO_USERS, AccountInput(name="Nope"))
    with pytest.raises(Forbidden):
        accounts.update_account(ctx, repository, NO_USERS, NO_CONTACTS, account.id, AccountPatch(name="Nope"), 1)
    with pytest.raises(Forbidden):
        accounts.delete_account(ctx, repository, account.id, 1)
    # The refusal happens before any storage call
    assert repository.calls == calls_before
    assert accounts.get_account(ctx, repository, account.id).name == "Seed Co"


def test_api_key_scopes_govern_access(repository, tenant, user_ctx, key_ctx):
    account = seeded(repository, tenant, user_ctx)
    reader = key_ctx({Permission.ACCOUNTS_READ}, tenant)
    assert accounts.get_account(reader, repository, account.id).id == account.id
    with pytest.raises(Forbidden):
        accounts.create_account(reader, repository, NO_USERS, AccountInput(name="Nope"))
    writer_only = key_ctx({Permission.ACCOUNTS_WRITE}, tenant)
    with pytest.raises(Forbidden):
        accounts.get_account(writer_only, repository, account.id)
    created = accounts.create_account(writer_only, repository, NO_USERS, AccountInput(name="By key"))
    assert created.created_by == writer_only.actor


# ---- tenants, versions, lists ---------------------------------------------------------------------------
def test_another_tenant_sees_nothing(repository, tenant, user_ctx):
    account = seeded(repository, tenant, user_ctx)
    stranger = user_ctx(Role.OWNER)
    with pytest.raises(NotFound):
        accounts.get_account(stranger, repository, account.id)
    assert accounts.list_accounts(stranger, repository, 50, None, None).items == []


def test_stale_version_is_a_conflict_with_the_current_version(repository, tenant, user_ctx):
    account = seeded(repository, tenant, user_ctx)
    ctx = user_ctx(Role.MANAGER, tenant)
    accounts.update_account(ctx, repository, NO_USERS, NO_CONTACTS, account.id, AccountPatch(notes="first"), 1)
    with pytest.raises(VersionConflict) as conflict:
        accounts.update_account(ctx, repository, NO_USERS, NO_CONTACTS, account.id, AccountPatch(notes="second"), 1)
    assert conflict.value.current_version == 2


def test_patch_changes_only_the_fields_sent(repository, tenant, user_ctx):
    ctx = user_ctx(Role.OWNER, tenant)
    account = accounts.create_account(
        ctx, repository, NO_USERS, AccountInput(name="Keep", phone="+852 2111 2222", tags=["a"])
    )
    updated = accounts.update_account(ctx, repository, NO_USERS, NO_CONTACTS, account.id, AccountPatch(phone=None), 1)
    assert (updated.name, updated.phone, updated.tags) == ("Keep", None, ["a"])


def test_empty_search_means_no_filter(repository, tenant, user_ctx):
    seeded(repository, tenant, user_ctx, "Alpha")
    seeded(repository, tenant, user_ctx, "Beta")
    ctx = user_ctx(Role.STAFF, tenant)
    assert len(accounts.list_accounts(ctx, repository, 50, None, "").items) == 2
    assert [a.name for a in accounts.list_accounts(ctx, repository, 50, None, "be").items] == ["Beta"]


def test_ids_are_distinct_ulids(repository, tenant, user_ctx):
    ids = {seeded(repository, tenant, user_ctx, f"N{n}").id for n in range(20)}
    assert len(ids) == 20
    assert all(str(ULID.from_str(i)) == i for i in ids)


# ---- input rules ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 201},
        {"name": "ok", "tenant_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"},
        {"name": "ok", "website": "javascript:alert(1)"},
        {"name": "ok", "email": "not-an-email"},
        {"name": "ok", "tags": ["t"] * 21},
    ],
)
def test_invalid_input_is_refused(body):
    with pytest.raises(ValidationError):
        AccountInput.model_validate(body)


def test_patch_cannot_clear_the_name():
    with pytest.raises(ValidationError):
        AccountPatch.model_validate({"name": None})
    assert AccountPatch.model_validate({"notes": None}).model_dump(exclude_unset=True) == {"notes": None}
