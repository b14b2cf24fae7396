"""Export jobs in DynamoDB; their files are multipart uploads through `dal.imports.S3TenantFiles`.

- job: `{t}#export#{id}` / META (EntityStore); the requester's jobs newest first on GSI3
  (`{t}#requester#{actor}#export`), one Query per page. Jobs expire (TTL) with their files, after 7 days.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from servicejob.clock import utc_now
from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import ExportJobItem
from servicejob.dal.pagination import Page
from servicejob.domain.exports import EXPORT_RETENTION_DAYS, StoredExportJob
from servicejob.tenancy.context import TenantContext

EXPORT_JOB_KIND = EntityKind("export", ExportJobItem, parent=("requester", "requested_by"))


def _to_job(item: ExportJobItem) -> StoredExportJob:
    return StoredExportJob.model_validate(
        {name: value for name, value in item.attribute_values.items() if value is not None}
    )


class DynamoExportJobRepository:
    def __init__(self, store: EntityStore[ExportJobItem]):
        self._store = store

    def get(self, ctx: TenantContext, job_id: str) -> StoredExportJob:
        return _to_job(self._store.get(ctx, job_id))

    def add(self, ctx: TenantContext, job_id: str, fields: Mapping[str, Any]) -> StoredExportJob:
        return _to_job(
            self._store.create(ctx, job_id, {**fields, "expiration": utc_now() + timedelta(days=EXPORT_RETENTION_DAYS)})
        )

    def update(
        self, ctx: TenantContext, job_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> StoredExportJob:
        return _to_job(self._store.update(ctx, job_id, changes, expected_version))

    def list_requested_by(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[StoredExportJob]:
        mine = keys.children_pk(ctx.tenant_id, "requester", ctx.actor, EXPORT_JOB_KIND.name)
        page = self._store.list_on_index(ctx, table_spec.GSI3, mine, limit, cursor, forward=False)
        return Page([_to_job(item) for item in page.items], page.next_cursor)
