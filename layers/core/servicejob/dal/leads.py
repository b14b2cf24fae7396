"""Leads in DynamoDB: `{t}#lead#{id}` / META, listed on GSI1, searched by company name on GSI2, with their
duplicate-match keys (company name, phone, e-mail domain; `dal.match_keys`) written in the same transaction."""

from collections.abc import Mapping
from typing import Any

from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.match_keys import LEAD_MATCH_KEYS
from servicejob.dal.models import LeadItem
from servicejob.dal.pagination import Page
from servicejob.domain.leads import Lead
from servicejob.tenancy.context import TenantContext

LEAD_KIND = EntityKind("lead", LeadItem, name_field="company_name", owner_field="owner_user_id")


def _to_lead(item: LeadItem) -> Lead:
    return Lead.model_validate(item.attribute_values)


class DynamoLeadRepository:
    def __init__(self, store: EntityStore[LeadItem]):
        self._store = store

    def get(self, ctx: TenantContext, lead_id: str) -> Lead:
        return _to_lead(self._store.get(ctx, lead_id))

    def add(self, ctx: TenantContext, lead_id: str, fields: Mapping[str, Any]) -> Lead:
        return _to_lead(self._store.create(ctx, lead_id, fields, LEAD_MATCH_KEYS.on_create(ctx, lead_id, fields)))

    def update(self, ctx: TenantContext, lead_id: str, changes: Mapping[str, Any], expected_version: int) -> Lead:
        writes = LEAD_MATCH_KEYS.on_update(ctx, self._store, lead_id, changes)
        return _to_lead(self._store.update(ctx, lead_id, changes, expected_version, writes))

    def delete(self, ctx: TenantContext, lead_id: str, expected_version: int) -> Lead:
        current = self._store.get(ctx, lead_id).attribute_values
        writes = LEAD_MATCH_KEYS.on_delete(ctx, current, lead_id)
        return _to_lead(self._store.soft_delete(ctx, lead_id, expected_version, writes))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None) -> Page[Lead]:
        page = self._store.list(ctx, limit, cursor, name_prefix)
        return Page([_to_lead(item) for item in page.items], page.next_cursor)
