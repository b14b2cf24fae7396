"""Comments and followers of a record, each in the record's own partitions (no index needed):
`{t}#{type}#{id}#comments` sorted by comment ULID, `{t}#{type}#{id}#followers` sorted by user id."""

from __future__ import annotations

from typing import Any

from servicejob.clock import now_iso
from servicejob.dal import keys, table_spec
from servicejob.dal.models import CommentItem, FollowerItem
from servicejob.dal.pagination import CursorCodec, Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.collaboration import Comment, Record
from servicejob.tenancy.context import TenantContext

# Followers read to fan a notification out; a record followed by more is notified to the first ones only.
MAX_FOLLOWERS_NOTIFIED = 1000


class DynamoCommentRepository:
    def __init__(self, clients: TenantClients, table_name: str, cursors: CursorCodec):
        self._clients = clients
        self._table = table_name
        self._cursors = cursors

    def add(self, ctx: TenantContext, record: Record, comment: Comment) -> None:
        item = CommentItem(
            keys.comments_pk(ctx.tenant_id, record.type.value, record.id), comment.id, **comment.model_dump()
        )
        self._clients.dynamodb(ctx.tenant_id).put_item(
            TableName=self._table, Item=item.serialize(), ConditionExpression="attribute_not_exists(PK)"
        )

    def list(self, ctx: TenantContext, record: Record, limit: int, cursor: str | None) -> Page[Comment]:
        query_id = f"comments:{record.entity}"
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": table_spec.PK},
            "ExpressionAttributeValues": {":pk": {"S": keys.comments_pk(ctx.tenant_id, record.type.value, record.id)}},
            "Limit": limit,
        }
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        if start:
            request["ExclusiveStartKey"] = start
        response = self._clients.dynamodb(ctx.tenant_id).query(**request)
        items = [
            Comment.model_validate(CommentItem.from_raw_data(raw).attribute_values) for raw in response.get("Items", [])
        ]
        return Page(items, self._cursors.encode(ctx.tenant_id, query_id, response.get("LastEvaluatedKey")))


class DynamoFollowerRepository:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    def follow(self, ctx: TenantContext, record: Record, user_id: str) -> None:
        item = FollowerItem(
            keys.followers_pk(ctx.tenant_id, record.type.value, record.id),
            user_id,
            user_id=user_id,
            entity=record.entity,
            followed_at=now_iso(),
        )
        self._clients.dynamodb(ctx.tenant_id).put_item(TableName=self._table, Item=item.serialize())

    def unfollow(self, ctx: TenantContext, record: Record, user_id: str) -> None:
        self._clients.dynamodb(ctx.tenant_id).delete_item(
            TableName=self._table,
            Key={
                table_spec.PK: {"S": keys.followers_pk(ctx.tenant_id, record.type.value, record.id)},
                table_spec.SK: {"S": user_id},
            },
        )

    def is_following(self, ctx: TenantContext, record: Record, user_id: str) -> bool:
        response = self._clients.dynamodb(ctx.tenant_id).get_item(
            TableName=self._table,
            Key={
                table_spec.PK: {"S": keys.followers_pk(ctx.tenant_id, record.type.value, record.id)},
                table_spec.SK: {"S": user_id},
            },
            ProjectionExpression="#sk",
            ExpressionAttributeNames={"#sk": table_spec.SK},
        )
        return "Item" in response

    def followers(self, ctx: TenantContext, record: Record) -> list[str]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": table_spec.PK, "#sk": table_spec.SK},
            "ExpressionAttributeValues": {":pk": {"S": keys.followers_pk(ctx.tenant_id, record.type.value, record.id)}},
            "ProjectionExpression": "#sk",
        }
        user_ids: list[str] = []
        while len(user_ids) < MAX_FOLLOWERS_NOTIFIED:
            response = self._clients.dynamodb(ctx.tenant_id).query(**request)
            user_ids += [item[table_spec.SK]["S"] for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return user_ids[:MAX_FOLLOWERS_NOTIFIED]
