"""Audit entries in DynamoDB, and the table stream's records read back as entity changes.

An entity's trail lives in its own partition `{t}#audit#{type}#{id}`, sorted by `{at}#{stream eventID}`:
newest first is one Query, and a stream record processed twice overwrites its own entry.
"""

from collections.abc import Mapping
from typing import Any

from servicejob.dal import keys, table_spec
from servicejob.dal.models import AuditItem, EntityItem, Item
from servicejob.dal.pagination import CursorCodec, Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.audit import (
    AUDITED_TYPES,
    AuditedType,
    AuditEntry,
    EntityChange,
    EntitySnapshot,
)
from servicejob.tenancy.context import TenantContext


class DynamoAuditRepository:
    def __init__(self, clients: TenantClients, table_name: str, cursors: CursorCodec):
        self._clients = clients
        self._table = table_name
        self._cursors = cursors

    def record(self, change: EntityChange, entry: AuditEntry) -> None:
        """Written with the tenant's own credentials, so the stream processor cannot cross tenants either."""
        item = AuditItem(
            keys.audit_pk(change.tenant_id, change.audited.type, change.entity_id),
            f"{entry.at}#{change.event_id}",
            entity_type=change.audited.type,
            entity_id=change.entity_id,
            action=entry.action.value,
            actor=entry.actor,
            at=entry.at,
            version=entry.version,
            changes={name: field.model_dump(mode="json") for name, field in entry.changes.items()},
            correlation_id=entry.correlation_id,
        )
        self._clients.dynamodb(change.tenant_id).put_item(TableName=self._table, Item=item.serialize())

    def history(
        self, ctx: TenantContext, audited: AuditedType, entity_id: str, limit: int, cursor: str | None
    ) -> Page[AuditEntry]:
        query_id = f"audit:{audited.type}:{entity_id}"
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": table_spec.PK},
            "ExpressionAttributeValues": {":pk": {"S": keys.audit_pk(ctx.tenant_id, audited.type, entity_id)}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        if start:
            request["ExclusiveStartKey"] = start
        response = self._clients.dynamodb(ctx.tenant_id).query(**request)
        entries = [_to_entry(AuditItem.from_raw_data(raw)) for raw in response.get("Items", [])]
        return Page(entries, self._cursors.encode(ctx.tenant_id, query_id, response.get("LastEvaluatedKey")))


def _to_entry(item: AuditItem) -> AuditEntry:
    return AuditEntry(
        at=item.at,
        actor=item.actor,
        action=item.action,
        version=item.version,
        changes=item.changes,
        correlation_id=item.correlation_id,
    )


def entity_change(stream_record: Mapping[str, Any]) -> EntityChange | None:
    """The change a DynamoDB stream record (Lambda's event shape) makes to an audited entity, else None."""
    images = stream_record.get("dynamodb") or {}
    new_image, old_image = images.get("NewImage"), images.get("OldImage")
    image = new_image or old_image or {}
    audited = AUDITED_TYPES.get(image.get("type", {}).get("S", ""))
    parsed = keys.parse_entity_pk(image.get(table_spec.PK, {}).get("S", ""))
    if audited is None or parsed is None or image.get(table_spec.SK, {}).get("S") != keys.META:
        return None
    tenant_id, entity_type, entity_id = parsed
    if entity_type != audited.type:
        return None
    return EntityChange(
        event_id=stream_record["eventID"],
        tenant_id=tenant_id,
        audited=audited,
        entity_id=entity_id,
        before=_snapshot(audited, old_image),
        after=_snapshot(audited, new_image),
    )


def _snapshot(audited: AuditedType, image: Mapping[str, Any] | None) -> EntitySnapshot | None:
    if not image:
        return None
    item = Item.from_raw_data(dict(image))
    if not isinstance(item, EntityItem):
        raise TypeError(f"A {audited.type} item is not an entity: {type(item).__name__}")
    return EntitySnapshot(
        version=item.version,
        updated_at=item.updated_at,
        updated_by=item.updated_by,
        correlation_id=item.correlation_id,
        deleted_at=item.deleted_at,
        deleted_by=item.deleted_by,
        data=audited.model.model_validate(item.attribute_values).model_dump(mode="json"),
        audience=keys.audience_of(item.GSI4PK) if item.GSI4PK else None,
    )
