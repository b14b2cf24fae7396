"""Opportunities in DynamoDB: `{t}#opportunity#{id}` / META, listed on GSI1, under their account on GSI3."""

from collections.abc import Mapping
from typing import Any

from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import OpportunityItem
from servicejob.dal.pagination import Page
from servicejob.domain.opportunities import Opportunity
from servicejob.tenancy.context import TenantContext

OPPORTUNITY_KIND = EntityKind(
    "opportunity",
    OpportunityItem,
    name_field="name",
    parent=("account", "account_id"),
    owner_field="owner_user_id",
)


def _to_opportunity(item: OpportunityItem) -> Opportunity:
    return Opportunity.model_validate(item.attribute_values)


class DynamoOpportunityRepository:
    def __init__(self, store: EntityStore[OpportunityItem]):
        self._store = store

    def get(self, ctx: TenantContext, opportunity_id: str) -> Opportunity:
        return _to_opportunity(self._store.get(ctx, opportunity_id))

    def add(self, ctx: TenantContext, opportunity_id: str, fields: Mapping[str, Any]) -> Opportunity:
        return _to_opportunity(self._store.create(ctx, opportunity_id, fields))

    def update(
        self, ctx: TenantContext, opportunity_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Opportunity:
        return _to_opportunity(self._store.update(ctx, opportunity_id, changes, expected_version))

    def delete(self, ctx: TenantContext, opportunity_id: str, expected_version: int) -> Opportunity:
        return _to_opportunity(self._store.soft_delete(ctx, opportunity_id, expected_version))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, account_id: str | None) -> Page[Opportunity]:
        page = self._store.list(ctx, limit, cursor, parent_id=account_id)
        return Page([_to_opportunity(item) for item in page.items], page.next_cursor)
