"""Account merges in DynamoDB: each step one TransactWriteItems of at most 100 items.

Children are found under the duplicate on GSI3 (`{t}#account#{id}#{child type}`); each move is a
conditional update on the child's version that also rewrites its GSI3 keys, so a moved child leaves
the duplicate's partition and a resumed merge finds only those left.
"""

from botocore.exceptions import ClientError

from servicejob.dal import keys, table_spec
from servicejob.dal.accounts import ACCOUNT_KIND
from servicejob.dal.activities import ACTIVITY_KIND
from servicejob.dal.contacts import CONTACT_KIND
from servicejob.dal.entity_store import EntityKind, EntityStore, cancelled_by_condition
from servicejob.dal.match_keys import ACCOUNT_MATCH_KEYS
from servicejob.dal.opportunities import OPPORTUNITY_KIND
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.account_merge import MergeState
from servicejob.errors import Conflict, NotFound
from servicejob.tenancy.context import TenantContext

# What a merge moves from the duplicate to the survivor: one line per kind listed under an account.
MERGED_CHILD_KINDS: tuple[EntityKind, ...] = (CONTACT_KIND, OPPORTUNITY_KIND, ACTIVITY_KIND)

TRANSACTION_LIMIT = 100


class DynamoAccountMerges:
    def __init__(self, clients: TenantClients, table_name: str, cursors: CursorCodec):
        self._clients = clients
        self._table = table_name
        self._accounts = EntityStore(clients, ACCOUNT_KIND, table_name, cursors)
        self._children = [EntityStore(clients, kind, table_name, cursors) for kind in MERGED_CHILD_KINDS]

    def state(self, ctx: TenantContext, account_id: str) -> MergeState | None:
        """None for an account the caller does not see (a merged-away one keeps only its `merged_into`)."""
        item = self._raw_account(ctx, account_id)
        if item is None or ("deleted_at" not in item and not self._accounts.visible(ctx, item)):
            return None
        return MergeState(
            version=int(item["version"]["N"]),
            deleted="deleted_at" in item,
            merging_into=item.get("merging_into", {}).get("S"),
            merged_into=item.get("merged_into", {}).get("S"),
        )

    def begin(
        self, ctx: TenantContext, survivor_id: str, survivor_version: int, duplicate_id: str, duplicate_version: int
    ) -> None:
        mark = self._accounts.changes_request(ctx, duplicate_id, {"merging_into": survivor_id}, duplicate_version)
        mark["ConditionExpression"] += " AND attribute_not_exists(merging_into)"
        survivor_check = self._accounts.exists_check(ctx, survivor_id)
        survivor_check["ConditionExpression"] += " AND #version = :expected AND attribute_not_exists(merging_into)"
        survivor_check["ExpressionAttributeNames"]["#version"] = "version"
        survivor_check["ExpressionAttributeValues"] = survivor_check.get("ExpressionAttributeValues", {}) | {
            ":expected": {"N": str(survivor_version)}
        }
        self._transact(
            ctx, [{"Update": mark}, {"ConditionCheck": survivor_check}], "The accounts changed; reload both."
        )

    def move_children(self, ctx: TenantContext, duplicate_id: str, survivor_id: str) -> dict[str, int]:
        for attempt in range(2):
            batch: list[tuple[EntityStore, dict]] = []
            for store in self._children:
                remaining = TRANSACTION_LIMIT - len(batch)
                if remaining == 0:
                    break
                batch += [(store, child) for child in self._children_of(ctx, store, duplicate_id, remaining)]
            if not batch:
                return {}
            requests = [
                {
                    "Update": store.update_request(
                        ctx,
                        child["id"]["S"],
                        store.parent_update_sets(ctx, child["id"]["S"], survivor_id),
                        [],
                        int(child["version"]["N"]),
                        any_audience=True,  # children follow their account, whoever's they are
                    )
                }
                for store, child in batch
            ]
            try:
                self._clients.dynamodb(ctx.tenant_id).transact_write_items(TransactItems=requests)
            except ClientError as error:
                # A child changed since the index was read (or the index lagged): read again, once.
                if attempt == 0 and cancelled_by_condition(error):
                    continue
                if cancelled_by_condition(error):
                    raise Conflict("Children of the duplicate changed during the merge; send it again.") from error
                raise
            moved: dict[str, int] = {}
            for store, _ in batch:
                moved[store.kind.name] = moved.get(store.kind.name, 0) + 1
            return moved
        return {}

    def finish(self, ctx: TenantContext, survivor_id: str, duplicate_id: str) -> None:
        duplicate = self._raw_account(ctx, duplicate_id)
        if duplicate is None:
            raise NotFound(f"No account with id {duplicate_id}.")
        current = self._accounts.kind.item_class.from_raw_data(duplicate).attribute_values
        writes = ACCOUNT_MATCH_KEYS.on_delete(ctx, current, duplicate_id)
        delete = self._accounts.soft_delete_request(
            ctx, duplicate_id, int(duplicate["version"]["N"]), {"merged_into": survivor_id, "merging_into": None}
        )
        delete["ConditionExpression"] += " AND merging_into = :survivor"
        delete["ExpressionAttributeValues"][":survivor"] = {"S": survivor_id}
        survivor = self._raw_account(ctx, survivor_id)
        if survivor is None:
            raise NotFound(f"No account with id {survivor_id}.")
        merged = self._accounts.kind.item_class.from_raw_data(survivor).merged_accounts or []
        survivor_update = self._accounts.changes_request(
            ctx,
            survivor_id,
            {"merged_accounts": [*merged, {"id": duplicate_id, "name": current["name"]}]},
            int(survivor["version"]["N"]),
        )
        self._transact(
            ctx,
            [{"Update": delete}, {"Update": survivor_update}, *writes.requests(self._table)],
            "The accounts changed during the merge; send it again.",
        )

    # ---- internals ---------------------------------------------------------------------------
    def _children_of(self, ctx: TenantContext, store: EntityStore, parent_id: str, limit: int) -> list[dict]:
        kind = store.kind
        assert kind.parent is not None
        response = self._clients.dynamodb(ctx.tenant_id).query(
            TableName=self._table,
            IndexName=table_spec.GSI3.name,
            KeyConditionExpression="GSI3PK = :pk",
            ExpressionAttributeValues={
                ":pk": {"S": keys.children_pk(ctx.tenant_id, kind.parent[0], parent_id, kind.name)}
            },
            ProjectionExpression="id, version",
            Limit=limit,
        )
        return response.get("Items", [])

    def _transact(self, ctx: TenantContext, requests: list[dict], conflict: str) -> None:
        try:
            self._clients.dynamodb(ctx.tenant_id).transact_write_items(TransactItems=requests)
        except ClientError as error:
            if cancelled_by_condition(error):
                raise Conflict(conflict) from error
            raise

    def _raw_account(self, ctx: TenantContext, account_id: str) -> dict | None:
        response = self._clients.dynamodb(ctx.tenant_id).get_item(
            TableName=self._table, Key=self._account_key(ctx, account_id), ConsistentRead=True
        )
        return response.get("Item")

    def _account_key(self, ctx: TenantContext, account_id: str) -> dict:
        return {
            table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, "account", account_id)},
            table_spec.SK: {"S": keys.META},
        }
