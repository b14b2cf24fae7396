"""Accounts in DynamoDB: `{t}#account#{id}` / META, listed on GSI1, searched by name on GSI2."""

from collections.abc import Mapping
from typing import Any

from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import AccountItem
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import Account
from servicejob.tenancy.context import TenantContext

ACCOUNT_KIND = EntityKind("account", AccountItem, name_field="name", owner_field="responsible_user_id")


def _to_account(item: AccountItem) -> Account:
    return Account.model_validate(item.attribute_values)


class DynamoAccountRepository:
    def __init__(self, store: EntityStore[AccountItem]):
        self._store = store

    def get(self, ctx: TenantContext, account_id: str) -> Account:
        return _to_account(self._store.get(ctx, account_id))

    def add(self, ctx: TenantContext, account_id: str, fields: Mapping[str, Any]) -> Account:
        return _to_account(self._store.create(ctx, account_id, fields))

    def update(self, ctx: TenantContext, account_id: str, changes: Mapping[str, Any], expected_version: int) -> Account:
        return _to_account(self._store.update(ctx, account_id, changes, expected_version))

    def delete(self, ctx: TenantContext, account_id: str, expected_version: int) -> Account:
        return _to_account(self._store.soft_delete(ctx, account_id, expected_version))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Account]:
        page = self._store.list(ctx, limit, cursor, name_prefix)
        return Page([_to_account(item) for item in page.items], page.next_cursor)
