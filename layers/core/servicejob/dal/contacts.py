"""Contacts in DynamoDB: `{t}#contact#{id}` / META, listed on GSI1, by name on GSI2, under their account on GSI3."""

from collections.abc import Mapping
from typing import Any

from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import ContactItem
from servicejob.dal.pagination import Page
from servicejob.domain.contacts import Contact
from servicejob.tenancy.context import TenantContext

CONTACT_KIND = EntityKind(
    "contact",
    ContactItem,
    name_field="display_name",
    parent=("account", "account_id"),
    owner_field="responsible_user_id",
)


def _to_contact(item: ContactItem) -> Contact:
    return Contact.model_validate({name: value for name, value in item.attribute_values.items() if value is not None})


class DynamoContactRepository:
    def __init__(self, store: EntityStore[ContactItem]):
        self._store = store

    def get(self, ctx: TenantContext, contact_id: str) -> Contact:
        return _to_contact(self._store.get(ctx, contact_id))

    def add(self, ctx: TenantContext, contact_id: str, fields: Mapping[str, Any]) -> Contact:
        return _to_contact(self._store.create(ctx, contact_id, fields))

    def update(self, ctx: TenantContext, contact_id: str, changes: Mapping[str, Any], expected_version: int) -> Contact:
        return _to_contact(self._store.update(ctx, contact_id, changes, expected_version))

    def delete(self, ctx: TenantContext, contact_id: str, expected_version: int) -> Contact:
        return _to_contact(self._store.soft_delete(ctx, contact_id, expected_version))

    def list(
        self, ctx: TenantContext, limit: int, cursor: str | None, name_prefix: str | None, account_id: str | None
    ) -> Page[Contact]:
        page = self._store.list(ctx, limit, cursor, name_prefix, parent_id=account_id)
        return Page([_to_contact(item) for item in page.items], page.next_cursor)
