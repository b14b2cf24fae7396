"""Import jobs, their row errors and saved column mappings in DynamoDB; the uploaded files (and the
exports' files) in S3; the runs in Step Functions.

- job: `{t}#import#{id}` / META (EntityStore, listed newest first on GSI1)
- row errors of a job: `{t}#import#{id}#errors` / `{line:08d}`, one item per invalid row, one Query per page
- mapping: `{t}#import_mapping#{id}` / META (EntityStore)
- file: s3://{documents bucket}/{t}/imports/{id}.csv, written by the browser through a presigned PUT
"""

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from servicejob.clock import now_iso
from servicejob.dal import keys
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.match_keys import ACCOUNT_MATCH_KEYS, LEAD_MATCH_KEYS
from servicejob.dal.models import ImportJobItem, ImportMappingItem, ImportRowErrorsItem
from servicejob.dal.pagination import CursorCodec, Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.unit_of_work import MAX_TRANSACTION_ITEMS, UnitOfWork
from servicejob.domain.column_maps import ImportEntity, ImportMapping
from servicejob.domain.imports import ImportStatus, RowErrors, StoredImportJob
from servicejob.errors import Conflict, FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext

_MATCH_KEYED = {ImportEntity.ACCOUNTS: ACCOUNT_MATCH_KEYS, ImportEntity.LEADS: LEAD_MATCH_KEYS}
IMPORT_JOB_KIND = EntityKind("import", ImportJobItem)
IMPORT_MAPPING_KIND = EntityKind("import_mapping", ImportMappingItem)
_BATCH_WRITE_LIMIT = 25
_BATCH_GET_LIMIT = 100


def _to_job(item: ImportJobItem) -> StoredImportJob:
    return StoredImportJob.model_validate(
        {name: value for name, value in item.attribute_values.items() if value is not None}
    )


class DynamoImportJobRepository:
    def __init__(
        self,
        store: EntityStore[ImportJobItem],
        record_stores: Mapping[ImportEntity, EntityStore],
        clients: TenantClients,
        table_name: str,
        cursors: CursorCodec,
    ):
        self._store = store
        self._record_stores = record_stores
        self._clients = clients
        self._table = table_name
        self._cursors = cursors

    def get(self, ctx: TenantContext, job_id: str) -> StoredImportJob:
        return _to_job(self._store.get(ctx, job_id))

    def add(self, ctx: TenantContext, job_id: str, fields: Mapping[str, Any]) -> StoredImportJob:
        return _to_job(self._store.create(ctx, job_id, fields))

    def update(
        self, ctx: TenantContext, job_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> StoredImportJob:
        return _to_job(self._store.update(ctx, job_id, changes, expected_version))

    # ---- row errors ---------------------------------------------------------------------------------------
    def save_row_errors(self, ctx: TenantContext, job_id: str, rows: list[RowErrors]) -> None:
        pk = keys.import_errors_pk(ctx.tenant_id, job_id)
        requests = [
            {
                "PutRequest": {
                    "Item": ImportRowErrorsItem(
                        pk, keys.import_error_sk(row.line), line=row.line, errors=row.model_dump(mode="json")["errors"]
                    ).serialize()
                }
            }
            for row in rows
        ]
        self._batch_write(ctx, requests)

    def row_errors(self, ctx: TenantContext, job_id: str, limit: int, cursor: str | None) -> Page[RowErrors]:
        query_id = f"import:{job_id}:errors"
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": keys.import_errors_pk(ctx.tenant_id, job_id)}},
            "Limit": limit,
        }
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        if start:
            request["ExclusiveStartKey"] = start
        response = self._clients.dynamodb(ctx.tenant_id).query(**request)
        items = [ImportRowErrorsItem.from_raw_data(raw) for raw in response.get("Items", [])]
        return Page(
            [RowErrors(line=int(item.line), errors=item.errors) for item in items],
            self._cursors.encode(ctx.tenant_id, query_id, response.get("LastEvaluatedKey")),
        )

    # ---- commit ------------------------------------------------------------------------------------------
    def existing_ids(self, ctx: TenantContext, entity: ImportEntity, record_ids: list[str]) -> set[str]:
        """Which of these records exist already (written by an earlier attempt): one BatchGetItem per 100."""
        kind = self._record_stores[entity].kind.name
        client = self._clients.dynamodb(ctx.tenant_id)
        found: set[str] = set()
        for start in range(0, len(record_ids), _BATCH_GET_LIMIT):
            keys_wanted = [
                {"PK": {"S": keys.entity_pk(ctx.tenant_id, kind, record_id)}, "SK": {"S": keys.META}}
                for record_id in record_ids[start : start + _BATCH_GET_LIMIT]
            ]
            pending = {self._table: {"Keys": keys_wanted, "ProjectionExpression": "id", "ConsistentRead": True}}
            while pending:
                response = client.batch_get_item(RequestItems=pending)
                found.update(item["id"]["S"] for item in response["Responses"].get(self._table, []))
                pending = response.get("UnprocessedKeys") or {}
        return found

    def write_records(self, ctx: TenantContext, entity: ImportEntity, records: list[tuple[str, dict]]) -> None:
        """New records, as their entity's create writes them: each with its duplicate-match keys (accounts,
        leads) in the same TransactWriteItems, as many rows to a transaction as fit in its 100 items."""
        store = self._record_stores[entity]
        keyed = _MATCH_KEYED.get(entity)
        work = UnitOfWork(self._clients, ctx)
        for record_id, fields in records:
            companions = keyed.on_create(ctx, record_id, fields) if keyed else None
            items = 1 + (len(companions.puts) if companions else 0)
            if work.size + items > MAX_TRANSACTION_ITEMS:
                work.commit()
                work = UnitOfWork(self._clients, ctx)
            work.create(record_id, store, record_id, fields, companions)
        if work.size:
            work.commit()

    def advance(self, ctx: TenantContext, job: StoredImportJob, through_line: int, rows: int) -> StoredImportJob:
        """Records the chunk as committed, if the job is still committing from where this chunk started."""
        committed = job.rows_committed + rows
        try:
            self._clients.dynamodb(ctx.tenant_id).update_item(
                TableName=self._table,
                Key={"PK": {"S": keys.entity_pk(ctx.tenant_id, "import", job.id)}, "SK": {"S": keys.META}},
                UpdateExpression="SET committed_through_line = :through, rows_committed = :committed, "
                "rows_done = :committed, #version = #version + :one, updated_at = :now",
                ConditionExpression="#status = :committing AND committed_through_line = :from",
                ExpressionAttributeNames={"#status": "status", "#version": "version"},
                ExpressionAttributeValues={
                    ":through": {"N": str(through_line)},
                    ":committed": {"N": str(committed)},
                    ":one": {"N": "1"},
                    ":now": {"S": now_iso()},
                    ":committing": {"S": ImportStatus.COMMITTING.value},
                    ":from": {"N": str(job.committed_through_line)},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            raise Conflict("The import's commit moved on elsewhere; this attempt stops.") from error
        return job.model_copy(
            update={
                "committed_through_line": through_line,
                "rows_committed": committed,
                "rows_done": committed,
                "version": job.version + 1,
            }
        )

    def _batch_write(self, ctx: TenantContext, requests: list[dict]) -> None:
        client = self._clients.dynamodb(ctx.tenant_id)
        for start in range(0, len(requests), _BATCH_WRITE_LIMIT):
            pending = {self._table: requests[start : start + _BATCH_WRITE_LIMIT]}
            while pending:  # DynamoDB may hand back part of a batch under load
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    # after the methods whose annotations use the builtin `list`
    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[StoredImportJob]:
        page = self._store.list(ctx, limit, cursor)
        return Page([_to_job(item) for item in page.items], page.next_cursor)


def _to_mapping(item: ImportMappingItem) -> ImportMapping:
    return ImportMapping.model_validate(item.attribute_values)


class DynamoImportMappingRepository:
    def __init__(self, store: EntityStore[ImportMappingItem]):
        self._store = store

    def get(self, ctx: TenantContext, mapping_id: str) -> ImportMapping:
        return _to_mapping(self._store.get(ctx, mapping_id))

    def add(self, ctx: TenantContext, mapping_id: str, fields: Mapping[str, Any]) -> ImportMapping:
        return _to_mapping(self._store.create(ctx, mapping_id, fields))

    def update(
        self, ctx: TenantContext, mapping_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> ImportMapping:
        return _to_mapping(self._store.update(ctx, mapping_id, changes, expected_version))

    def delete(self, ctx: TenantContext, mapping_id: str, expected_version: int) -> ImportMapping:
        return _to_mapping(self._store.soft_delete(ctx, mapping_id, expected_version))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[ImportMapping]:
        page = self._store.list(ctx, limit, cursor)
        return Page([_to_mapping(item) for item in page.items], page.next_cursor)


class S3TenantFiles:
    """Objects under the tenant's prefix of the documents bucket, with the tenant's own credentials."""

    def __init__(self, clients: TenantClients, bucket: str):
        self._clients = clients
        self._bucket = bucket

    def _check(self, ctx: TenantContext, key: str) -> None:
        if not key.startswith(f"{ctx.tenant_id}/"):
            raise ValueError("an object key outside the tenant's prefix")

    def upload_url(self, ctx: TenantContext, key: str, expires_in: int) -> str:
        self._check(ctx, key)
        return self._clients.s3(ctx.tenant_id).generate_presigned_url(
            "put_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in
        )

    def download_url(self, ctx: TenantContext, key: str, expires_in: int, file_name: str) -> str:
        self._check(ctx, key)
        disposition = f"attachment; filename*=UTF-8''{_quote(file_name)}"
        return self._clients.s3(ctx.tenant_id).generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": key, "ResponseContentDisposition": disposition},
            ExpiresIn=expires_in,
        )

    def size_and_etag(self, ctx: TenantContext, key: str) -> tuple[int, str] | None:
        self._check(ctx, key)
        try:
            head = self._clients.s3(ctx.tenant_id).head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return int(head["ContentLength"]), head["ETag"]

    def read(self, ctx: TenantContext, key: str, etag: str) -> bytes:
        self._check(ctx, key)
        try:
            response = self._clients.s3(ctx.tenant_id).get_object(Bucket=self._bucket, Key=key, IfMatch=etag)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("PreconditionFailed", "412"):
                raise ValidationFailed(
                    "The file changed.",
                    [FieldError("file", "The file was replaced after the dry run; start a new import.", "changed")],
                ) from error
            raise
        return response["Body"].read()

    # ---- exports: one multipart upload, part by part (servicejob.domain.exports) ---------------------------
    def start_upload(self, ctx: TenantContext, key: str, content_type: str, tags: Mapping[str, str]) -> str:
        self._check(ctx, key)
        return self._clients.s3(ctx.tenant_id).create_multipart_upload(
            Bucket=self._bucket,
            Key=key,
            ContentType=content_type,
            Tagging="&".join(f"{_quote(name)}={_quote(value)}" for name, value in tags.items()),
        )["UploadId"]

    def upload_part(self, ctx: TenantContext, key: str, upload_id: str, number: int, body: bytes) -> str:
        """Uploading a part number again replaces it: what makes a retried export task safe."""
        self._check(ctx, key)
        return self._clients.s3(ctx.tenant_id).upload_part(
            Bucket=self._bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
        )["ETag"]

    def complete_upload(self, ctx: TenantContext, key: str, upload_id: str, parts: list[dict[str, Any]]) -> None:
        self._check(ctx, key)
        client = self._clients.s3(ctx.tenant_id)
        try:
            client.complete_multipart_upload(
                Bucket=self._bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": [{"PartNumber": p["number"], "ETag": p["etag"]} for p in parts]},
            )
        except ClientError as error:
            # A retry after the completion went through but its job update did not: the file is there.
            if error.response["Error"]["Code"] != "NoSuchUpload" or self.size_and_etag(ctx, key) is None:
                raise


def _quote(text: str) -> str:
    return quote(text, safe="")


class StepFunctionsJobRuns:
    """Starts a job's state machine (ImportJob, ExportJob); the execution name makes a retried start a no-op."""

    def __init__(self, sfn_client, state_machine_arn: str):
        self._sfn = sfn_client
        self._arn = state_machine_arn

    def start(self, tenant_id: str, job_id: str, phase: str, attempt: int, correlation_id: str) -> None:
        execution_input = {
            "tenant_id": tenant_id,
            "job_id": job_id,
            "phase": phase,
            "correlation_id": correlation_id,
        }
        try:
            self._sfn.start_execution(
                stateMachineArn=self._arn, name=f"{job_id}-{phase}-{attempt}", input=json.dumps(execution_input)
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":  # a retried request
                raise
