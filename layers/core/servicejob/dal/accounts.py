"""Accounts in DynamoDB: `{t}#account#{id}` / META, listed on GSI1, searched by name on GSI2, with their
duplicate-match keys (`dal.match_keys`) written in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.match_keys import ACCOUNT_MATCH_KEYS
from servicejob.dal.models import AccountItem
from servicejob.dal.pagination import Page
from servicejob.domain.accounts import Account
from servicejob.domain.scorecard import AccountScorecard, Tier
from servicejob.tenancy.context import TenantContext

ACCOUNT_KIND = EntityKind("account", AccountItem, name_field="name", owner_field="responsible_user_id")


def _to_account(item: AccountItem) -> Account:
    return Account.model_validate(item.attribute_values)


def _scorecard(item: AccountItem) -> AccountScorecard | None:
    return AccountScorecard.model_validate(item.scorecard) if item.scorecard else None


class DynamoAccountRepository:
    def __init__(self, store: EntityStore[AccountItem]):
        self._store = store

    def get(self, ctx: TenantContext, account_id: str) -> Account:
        return _to_account(self._store.get(ctx, account_id))

    def add(self, ctx: TenantContext, account_id: str, fields: Mapping[str, Any]) -> Account:
        writes = ACCOUNT_MATCH_KEYS.on_create(ctx, account_id, fields)
        return _to_account(self._store.create(ctx, account_id, fields, writes))

    def update(self, ctx: TenantContext, account_id: str, changes: Mapping[str, Any], expected_version: int) -> Account:
        writes = ACCOUNT_MATCH_KEYS.on_update(ctx, self._store, account_id, changes)
        return _to_account(self._store.update(ctx, account_id, changes, expected_version, writes))

    def delete(self, ctx: TenantContext, account_id: str, expected_version: int) -> Account:
        current = self._store.get(ctx, account_id).attribute_values
        writes = ACCOUNT_MATCH_KEYS.on_delete(ctx, current, account_id)
        return _to_account(self._store.soft_delete(ctx, account_id, expected_version, writes))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Account]:
        page = self._store.list(ctx, limit, cursor, name_prefix)
        return Page([_to_account(item) for item in page.items], page.next_cursor)

    # ---- scorecard ---------------------------------------------------------------------------
    def get_scorecard(self, ctx: TenantContext, account_id: str) -> tuple[AccountScorecard | None, int]:
        item = self._store.get(ctx, account_id)
        return _scorecard(item), item.version

    def set_scorecard(
        self, ctx: TenantContext, account_id: str, scorecard: AccountScorecard, expected_version: int
    ) -> Account:
        """Stores the scorecard and places the account on the tier/score index (GSI3), or off it when unscored."""
        changes: dict[str, Any] = {"scorecard": scorecard.model_dump(mode="json"), "GSI3PK": None, "GSI3SK": None}
        if scorecard.score is not None and scorecard.tier is not None:
            tenths = int(scorecard.score * 10)
            changes["GSI3PK"] = keys.score_index_pk(ctx.tenant_id)
            changes["GSI3SK"] = keys.score_index_sk(scorecard.tier, tenths, account_id)
        return _to_account(self._store.update(ctx, account_id, changes, expected_version))

    def list_by_score(
        self, ctx: TenantContext, limit: int, cursor: str | None, tier: Tier | None, descending: bool
    ) -> Page[Account]:
        page = self._store.list_on_index(
            ctx,
            table_spec.GSI3,
            keys.score_index_pk(ctx.tenant_id),
            limit,
            cursor,
            sort_prefix=keys.tier_prefix(tier) if tier else None,
            forward=descending,  # the sort key orders best first
        )
        return Page([_to_account(item) for item in page.items], page.next_cursor)

    def scored_page(
        self, ctx: TenantContext, limit: int, start_key: dict | None
    ) -> tuple[list[tuple[str, int, AccountScorecard | None]], dict | None]:
        items, last_key = self._store.page_on_index(
            ctx, table_spec.GSI1, keys.type_list_pk(ctx.tenant_id, "account"), limit, start_key
        )
        return [(item.id, item.version, _scorecard(item)) for item in items], last_key
