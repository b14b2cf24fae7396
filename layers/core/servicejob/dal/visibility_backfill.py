"""The visibility backfill's pages (`EntityStore.tag_missing_audiences`) and its progress item
(`{t}#backfill#visibility` / META), written whole after each page."""

import json
from collections.abc import Sequence

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.visibility_backfill import BackfillProgress, BackfillStatus
from servicejob.tenancy.context import TenantContext


class DynamoVisibilityBackfill:
    def __init__(self, clients: TenantClients, table_name: str, owned_records: Sequence[EntityStore]):
        self._clients = clients
        self._table = table_name
        self._stores = {store.kind.name: store for store in owned_records if store.kind.owner_field}
        self.entity_types = tuple(self._stores)

    def tag_page(
        self, ctx: TenantContext, entity_type: str, limit: int, resume_at: dict | None
    ) -> tuple[int, int, dict | None]:
        return self._stores[entity_type].tag_missing_audiences(ctx, limit, resume_at)

    def progress(self, ctx: TenantContext) -> BackfillProgress | None:
        item = (
            self._clients.dynamodb(ctx.tenant_id)
            .get_item(TableName=self._table, Key=self._key(ctx), ConsistentRead=True)
            .get("Item")
        )
        if item is None:
            return None
        return BackfillProgress(
            status=BackfillStatus(item["status"]["S"]),
            entity_type=item.get("entity_type", {}).get("S"),
            resume_at=json.loads(item["resume_at"]["S"]) if "resume_at" in item else None,
            examined=int(item["examined"]["N"]),
            tagged=int(item["tagged"]["N"]),
            started_at=item["started_at"]["S"],
            updated_at=item["updated_at"]["S"],
        )

    def save_progress(self, ctx: TenantContext, progress: BackfillProgress) -> None:
        item = {
            **self._key(ctx),
            "type": {"S": "visibility-backfill"},
            "status": {"S": progress.status.value},
            "examined": {"N": str(progress.examined)},
            "tagged": {"N": str(progress.tagged)},
            "started_at": {"S": progress.started_at},
            "updated_at": {"S": progress.updated_at},
        }
        if progress.entity_type is not None:
            item["entity_type"] = {"S": progress.entity_type}
        if progress.resume_at is not None:
            item["resume_at"] = {"S": json.dumps(progress.resume_at)}
        self._clients.dynamodb(ctx.tenant_id).put_item(TableName=self._table, Item=item)

    def _key(self, ctx: TenantContext) -> dict:
        return {
            table_spec.PK: {"S": keys.visibility_backfill_pk(ctx.tenant_id)},
            table_spec.SK: {"S": keys.META},
        }
