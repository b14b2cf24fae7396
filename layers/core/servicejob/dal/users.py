"""Users of a tenant: `{t}#user#{user_id}` / META (user id = Cognito `sub`), listed on GSI1."""

from collections.abc import Mapping
from typing import Any

from servicejob.auth.permissions import Role
from servicejob.clock import now_iso
from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import UserItem
from servicejob.dal.pagination import Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.users import User
from servicejob.errors import NotFound
from servicejob.tenancy.context import TenantContext

USER_KIND = EntityKind("user", UserItem, name_field="email")


def _to_user(item: UserItem) -> User:
    return User.model_validate(item.attribute_values)


class DynamoUserRepository:
    def __init__(self, store: EntityStore[UserItem], clients: TenantClients, table_name: str):
        self._store = store
        self._clients = clients
        self._table = table_name

    def get(self, ctx: TenantContext, user_id: str) -> User:
        return _to_user(self._store.get(ctx, user_id))

    def find(self, ctx: TenantContext, user_id: str) -> User | None:
        try:
            return self.get(ctx, user_id)
        except NotFound:
            return None

    def add(self, ctx: TenantContext, user_id: str, fields: Mapping[str, Any]) -> User:
        return _to_user(self._store.create(ctx, user_id, fields))

    def update(self, ctx: TenantContext, user_id: str, changes: Mapping[str, Any], expected_version: int) -> User:
        return _to_user(self._store.update(ctx, user_id, changes, expected_version))

    def list(self, ctx: TenantContext, limit: int, cursor: str | None) -> Page[User]:
        page = self._store.list(ctx, limit, cursor)
        return Page([_to_user(item) for item in page.items], page.next_cursor)

    def invitation_sent(self, ctx: TenantContext, user_id: str) -> bool:
        response = self._client(ctx).get_item(
            TableName=self._table,
            Key=self._key(ctx, user_id),
            ProjectionExpression="invitation_sent_at",
            ConsistentRead=True,
        )
        return "invitation_sent_at" in response.get("Item", {})

    def mark_invitation_sent(self, ctx: TenantContext, user_id: str) -> None:
        # Bookkeeping only: no version bump, so a client's ETag stays valid.
        self._client(ctx).update_item(
            TableName=self._table,
            Key=self._key(ctx, user_id),
            UpdateExpression="SET invitation_sent_at = :now",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":now": {"S": now_iso()}},
        )

    def count_enabled_owners(self, ctx: TenantContext) -> int:
        """Owners who can sign in. A Query on the tenant's user list, not a table-wide read; firms have few users."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": table_spec.GSI1.name,
            "KeyConditionExpression": "GSI1PK = :pk",
            "FilterExpression": "#role = :owner AND #status <> :disabled",
            "ExpressionAttributeNames": {"#role": "role", "#status": "status"},
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.type_list_pk(ctx.tenant_id, USER_KIND.name)},
                ":owner": {"S": Role.OWNER.value},
                ":disabled": {"S": "disabled"},
            },
            "Select": "COUNT",
        }
        count = 0
        while True:
            response = self._client(ctx).query(**request)
            count += response["Count"]
            if "LastEvaluatedKey" not in response:
                return count
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _key(self, ctx: TenantContext, user_id: str) -> dict:
        return {
            table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, USER_KIND.name, user_id)},
            table_spec.SK: {"S": keys.META},
        }

    def _client(self, ctx: TenantContext):
        return self._clients.dynamodb(ctx.tenant_id)
