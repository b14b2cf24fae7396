"""API keys in DynamoDB: `{t}#apikey#{id}` / META, listed on GSI1 (newest first), revoked ones included.

Only the hash of a key is stored. `last_used_at` is bookkeeping, not a change of the key: it is written
without bumping `version` or `updated_*`, by a conditional update that succeeds at most once a minute.
"""

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import ApiKeyItem
from servicejob.dal.pagination import Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.api_keys import ApiKey, ApiKeyCredential
from servicejob.errors import NotFound, VersionConflict
from servicejob.observability import logger
from servicejob.tenancy.context import TenantContext

API_KEY_KIND = EntityKind("apikey", ApiKeyItem)


def _to_api_key(item: ApiKeyItem) -> ApiKey:
    return ApiKey.model_validate(item.attribute_values)


class DynamoApiKeyRepository:
    def __init__(self, store: EntityStore[ApiKeyItem], clients: TenantClients, table_name: str):
        self._store = store
        self._clients = clients
        self._table = table_name

    def add(self, ctx: TenantContext, key_id: str, fields: Mapping[str, Any]) -> ApiKey:
        return _to_api_key(self._store.create(ctx, key_id, fields))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[ApiKey]:
        page = self._store.list(ctx, limit, cursor)
        return Page([_to_api_key(item) for item in page.items], page.next_cursor)

    def revoke(self, ctx: TenantContext, key_id: str, at: str) -> None:
        item = self._store.get(ctx, key_id)
        if item.revoked_at:
            return
        try:
            self._store.update(ctx, key_id, {"revoked_at": at}, expected_version=item.version)
        except VersionConflict:
            # Changed in between (a concurrent revoke): fine if it is revoked now, otherwise report it.
            if not self._store.get(ctx, key_id).revoked_at:
                raise

    def credential(self, ctx: TenantContext, key_id: str) -> ApiKeyCredential | None:
        try:
            item = self._store.get(ctx, key_id)
        except NotFound:
            return None
        return ApiKeyCredential.model_validate(item.attribute_values)

    def record_use(self, ctx: TenantContext, key_id: str, at: str, unless_used_since: str) -> None:
        try:
            self._clients.dynamodb(ctx.tenant_id).update_item(
                TableName=self._table,
                Key={
                    table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, API_KEY_KIND.name, key_id)},
                    table_spec.SK: {"S": keys.META},
                },
                UpdateExpression="SET last_used_at = :at",
                ConditionExpression=(
                    "attribute_exists(PK) AND attribute_not_exists(revoked_at)"
                    " AND (attribute_not_exists(last_used_at) OR last_used_at < :due)"
                ),
                ExpressionAttributeValues={":at": {"S": at}, ":due": {"S": unless_used_since}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                logger.warning("could not record API key use", extra={"api_key_id": key_id, "error": str(error)})
        except BotoCoreError as error:
            logger.warning("could not record API key use", extra={"api_key_id": key_id, "error": str(error)})
