"""The contacts domain service and the account references, against in-memory repositories (no HTTP, no DynamoDB)."""

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import ValidationError
from ulid import ULID

from servicejob.auth.permissions import Role
from servicejob.dal.pagination import Page
from servicejob.domain import accounts, contacts
from servicejob.domain.accounts import Account, AccountInput, AccountPatch
from servicejob.domain.contacts import Contact, ContactInput, ContactPatch
from servicejob.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from servicejob.tenancy.context import TenantContext


class InMemoryRecords:
    """Versioned records per (tenant, id), with the contract of the Dynamo repositories built on EntityStore."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.writes = 0

    def get(self, ctx: TenantContext, record_id: str) -> Any:
        if (ctx.tenant_id, record_id) not in self.rows:
            raise NotFound(f"No record with id {record_id}.")
        return self.model.model_validate(self.rows[(ctx.tenant_id, record_id)])

    def add(self, ctx: TenantContext, record_id: str, fields: Mapping[str, Any]) -> Any:
        self.writes += 1
        stamp = {"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
        row = {**fields, **stamp, "id": record_id, "version": 1, "created_by": ctx.actor, "updated_by": ctx.actor}
        self.rows[(ctx.tenant_id, record_id)] = row
        return self.model.model_validate(row)

    def update(self, ctx: TenantContext, record_id: str, changes: Mapping[str, Any], expected_version: int) -> Any:
        self.writes += 1
        row = self.rows[(ctx.tenant_id, record_id)]
        if row["version"] != expected_version:
            raise VersionConflict("stale", current_version=row["version"])
        for name, value in changes.items():
            if value is None:
                row.pop(name, None)
            else:
                row[name] = value
        row["version"] += 1
        return self.model.model_validate(row)

    def delete(self, ctx: TenantContext, record_id: str, expected_version: int) -> Any:
        self.writes += 1
        return self.model.model_validate(self.rows.pop((ctx.tenant_id, record_id)))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None, account_id: str | None):
        rows = [row for (tenant, _), row in self.rows.items() if tenant == ctx.tenant_id]
        rows = [row for row in rows if account_id is None or row["account_id"] == account_id]
        return Page([self.model.model_validate(row) for row in rows[:limit]], None)


class KnownUsers:
    def __init__(self, *user_ids: str) -> None:
        self.user_ids = set(user_ids)

    def find(self, ctx: TenantContext, user_id: str) -> str | None:
        return user_id if user_id in self.user_ids else None


@pytest.fixture
def world(user_ctx, tenant_id):
    account_repository = InMemoryRecords(Account)
    owner = user_ctx(Role.OWNER, tenant_id)
    account = accounts.create_account(owner, account_repository, KnownUsers(), AccountInput(name="客戶有限公司"))
    return owner, account_repository, InMemoryRecords(Contact), account


def test_display_name_is_the_english_name_else_the_chinese_and_follows_patches(world):
    owner, account_repository, repository, account = world
    # Given a contact with both names
    contact = contacts.create_contact(
        owner,
        repository,
        account_repository,
        KnownUsers(),
        ContactInput(account_id=account.id, name_zh="陳大文", name_en="Peter"),
    )
    assert contact.display_name == "Peter"
    # When the English name is cleared / Then the Chinese name is displayed
    patched = contacts.update_contact(owner, repository, KnownUsers(), contact.id, ContactPatch(name_en=None), 1)
    assert patched.display_name == "陳大文"
    # When the last name is cleared too / Then it is refused and nothing is written
    writes = repository.writes
    with pytest.raises(ValidationFailed):
        contacts.update_contact(owner, repository, KnownUsers(), contact.id, ContactPatch(name_zh=None), 2)
    assert repository.writes == writes


def test_a_contact_needs_an_account_of_the_callers_tenant(world, user_ctx):
    owner, account_repository, repository, account = world
    # When another tenant's user names the account
    stranger = user_ctx(Role.OWNER)
    with pytest.raises(ValidationFailed) as refused:
        contacts.create_contact(
            stranger, repository, account_repository, KnownUsers(), ContactInput(account_id=account.id, name_en="X")
        )
    # Then the account_id is named and nothing is written
    assert [error.field for error in refused.value.errors] == ["account_id"] and repository.writes == 0
    # And listing that account's contacts is a 404, not an empty page
    with pytest.raises(NotFound):
        contacts.list_account_contacts(stranger, repository, account_repository, account.id, 10, None)


@pytest.mark.parametrize("role", [Role.FINANCE, Role.STAFF])
def test_read_only_roles_cannot_write_contacts(world, user_ctx, tenant_id, role):
    owner, account_repository, repository, account = world
    reader = user_ctx(role, tenant_id)
    with pytest.raises(Forbidden):
        contacts.create_contact(
            reader, repository, account_repository, KnownUsers(), ContactInput(account_id=account.id, name_en="X")
        )
    assert repository.writes == 0


@pytest.mark.parametrize(
    "body",
    [
        {"name_zh": None},  # no name at all
        {"name_en": "A", "roles": ["boss"]},
        {"name_en": "A", "phones": [{"kind": "mobile", "number": "call me"}]},
        {"name_en": "A", "next_call_at": "2026-01-01T09:00:00"},  # no time zone
        {"name_en": "A", "tenant_id": "T"},
    ],
)
def test_invalid_contact_input_is_refused(body):
    with pytest.raises(ValidationError):
        ContactInput.model_validate({"account_id": str(ULID())} | body)


def test_responsible_user_and_ap_contact_are_checked(world):
    owner, account_repository, repository, account = world
    user_id = str(ULID())
    users = KnownUsers(user_id)
    # Given a contact of the account, made the responsible user's
    contact = contacts.create_contact(
        owner,
        repository,
        account_repository,
        users,
        ContactInput(account_id=account.id, name_en="AP", responsible_user_id=user_id),
    )
    # When an unknown user is made responsible for the account / Then it is refused naming the field
    with pytest.raises(ValidationFailed) as refused:
        accounts.update_account(
            owner, account_repository, users, repository, account.id, AccountPatch(responsible_user_id=str(ULID())), 1
        )
    assert [error.field for error in refused.value.errors] == ["responsible_user_id"]
    # When the account's own contact becomes its AP contact / Then it is kept
    updated = accounts.update_account(
        owner, account_repository, users, repository, account.id, AccountPatch(ap_contact_id=contact.id), 1
    )
    assert updated.ap_contact_id == contact.id


def test_account_patch_cannot_clear_name_or_status():
    for field in ("name", "status"):
        with pytest.raises(ValidationError):
            AccountPatch.model_validate({field: None})
