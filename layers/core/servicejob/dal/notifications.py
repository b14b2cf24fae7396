"""Notifications in DynamoDB: a user's inbox is one partition `{t}#inbox#{user}`, sorted by notification id
(ULID, so newest first is a reverse Query); unread ones are also on GSI2 `{t}#inbox#{user}#unread`, whose
keys are removed when read. Neither read path needs a filter, let alone a Scan.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from servicejob.clock import now_iso, utc_now
from servicejob.dal import keys, table_spec
from servicejob.dal.models import NotificationItem
from servicejob.dal.pagination import CursorCodec, Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.notifications import Notification
from servicejob.errors import NotFound
from servicejob.tenancy.context import TenantContext

# Read or not, a notification is dropped by DynamoDB's TTL after this long.
RETENTION = timedelta(days=180)
_BATCH_WRITE_LIMIT = 25
_UNPROCESSED_RETRIES = 5


def _to_notification(item: NotificationItem) -> Notification:
    return Notification.model_validate(item.attribute_values)


class DynamoNotificationRepository:
    def __init__(self, clients: TenantClients, table_name: str, cursors: CursorCodec):
        self._clients = clients
        self._table = table_name
        self._cursors = cursors

    def add(self, ctx: TenantContext, notifications: list[Notification]) -> None:
        expiration = utc_now() + RETENTION
        requests = []
        for notification in notifications:
            item = NotificationItem(
                keys.inbox_pk(ctx.tenant_id, notification.recipient_user_id),
                notification.id,
                GSI2PK=keys.unread_inbox_pk(ctx.tenant_id, notification.recipient_user_id),
                GSI2SK=notification.id,
                expiration=expiration,
                **notification.model_dump(exclude_none=True),
            )
            requests.append({"PutRequest": {"Item": item.serialize()}})
        client = self._client(ctx)
        for start in range(0, len(requests), _BATCH_WRITE_LIMIT):
            pending = {self._table: requests[start : start + _BATCH_WRITE_LIMIT]}
            for _ in range(_UNPROCESSED_RETRIES):
                pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
            if pending:
                raise RuntimeError("DynamoDB left notifications unwritten after retries")

    def list(
        self, ctx: TenantContext, user_id: str, unread_only: bool, limit: int, cursor: str | None
    ) -> Page[Notification]:
        query_id = f"notifications:{user_id}:{'unread' if unread_only else 'all'}"
        request: dict[str, Any] = {"TableName": self._table, "ScanIndexForward": False, "Limit": limit}
        if unread_only:
            request |= {
                "IndexName": table_spec.GSI2.name,
                "KeyConditionExpression": "GSI2PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": keys.unread_inbox_pk(ctx.tenant_id, user_id)}},
            }
        else:
            request |= {
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": table_spec.PK},
                "ExpressionAttributeValues": {":pk": {"S": keys.inbox_pk(ctx.tenant_id, user_id)}},
            }
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        if start:
            request["ExclusiveStartKey"] = start
        response = self._client(ctx).query(**request)
        items = [_to_notification(NotificationItem.from_raw_data(raw)) for raw in response.get("Items", [])]
        return Page(items, self._cursors.encode(ctx.tenant_id, query_id, response.get("LastEvaluatedKey")))

    def mark_read(self, ctx: TenantContext, user_id: str, notification_id: str) -> Notification:
        try:
            response = self._client(ctx).update_item(
                TableName=self._table,
                Key={
                    table_spec.PK: {"S": keys.inbox_pk(ctx.tenant_id, user_id)},
                    table_spec.SK: {"S": notification_id},
                },
                UpdateExpression="SET read_at = if_not_exists(read_at, :now) REMOVE GSI2PK, GSI2SK",
                ConditionExpression="attribute_exists(#pk)",
                ExpressionAttributeNames={"#pk": table_spec.PK},
                ExpressionAttributeValues={":now": {"S": now_iso()}},
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise NotFound(f"No notification with id {notification_id}.") from error
            raise
        return _to_notification(NotificationItem.from_raw_data(response["Attributes"]))

    def unread_ids(self, ctx: TenantContext, user_id: str, up_to_id: str, limit: int) -> list[str]:
        response = self._client(ctx).query(
            TableName=self._table,
            IndexName=table_spec.GSI2.name,
            KeyConditionExpression="GSI2PK = :pk AND GSI2SK <= :up_to",
            ExpressionAttributeValues={
                ":pk": {"S": keys.unread_inbox_pk(ctx.tenant_id, user_id)},
                ":up_to": {"S": up_to_id},
            },
            ProjectionExpression="GSI2SK",
            Limit=limit,
        )
        return [item["GSI2SK"]["S"] for item in response.get("Items", [])]

    def _client(self, ctx: TenantContext):
        return self._clients.dynamodb(ctx.tenant_id)
