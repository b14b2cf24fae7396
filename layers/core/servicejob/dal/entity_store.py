"""Tenant-scoped storage of versioned entities: the one implementation every entity repository uses.

Each method is a single DynamoDB request (get, create, update and delete are conditional writes on
`version`; lists are one Query per page), sent with the tenant's own client.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

from botocore.exceptions import ClientError
from pynamodb.attributes import Attribute

from servicejob.auth import visibility
from servicejob.clock import now_iso, utc_now
from servicejob.dal import keys, table_spec
from servicejob.dal.models import EntityItem, Item
from servicejob.dal.pagination import CursorCodec, Page
from servicejob.dal.tenant_access import TenantClients
from servicejob.errors import Conflict, NotFound, VersionConflict
from servicejob.tenancy.context import PrincipalKind, TenantContext

I = TypeVar("I", bound=EntityItem)  # noqa: E741 - conventional type-variable name

# Writes apply only to an existing, not deleted item still at the version the client read.
_CURRENT_VERSION_OF_A_LIVE_ITEM = "attribute_exists(PK) AND attribute_not_exists(#deleted_at) AND #version = :expected"

# Soft-deleted records stay readable to the audit trail for this long, then DynamoDB's TTL removes them.
DELETED_RETENTION = timedelta(days=30)


def search_key(text: str) -> str:
    """Case- and width-insensitive form used for prefix search (full-width ＡＢＣ matches abc)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


@dataclass(frozen=True)
class DueIndex:
    """Items in one status ordered by a due instant (GSI2, sparse): an item leaves it when its status changes.

    Updates that touch either field must pass both, so the store can place or remove the item.
    """

    due_field: str  # holds a UTC ISO instant (`clock.to_iso`), so text order is time order
    status_field: str
    status: str


@dataclass(frozen=True)
class CompanionWrites:
    """Small items written in the same transaction as an entity (e.g. its duplicate-match keys)."""

    puts: Sequence[Item] = ()
    deletes: Sequence[tuple[str, str]] = ()  # (PK, SK)

    @property
    def empty(self) -> bool:
        return not self.puts and not self.deletes

    def requests(self, table: str) -> list[dict]:
        return [{"Put": {"TableName": table, "Item": item.serialize()}} for item in self.puts] + [
            {"Delete": {"TableName": table, "Key": {table_spec.PK: {"S": pk}, table_spec.SK: {"S": sk}}}}
            for pk, sk in self.deletes
        ]


def cancelled_by_condition(error: ClientError, position: int | None = None) -> bool:
    """A cancelled transaction whose item at `position` (any, when None) failed its condition."""
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        return False
    reasons = error.response.get("CancellationReasons") or []
    if position is not None:
        reasons = reasons[position : position + 1]
    if reasons:
        return any(reason.get("Code") == "ConditionalCheckFailed" for reason in reasons)
    # Some clients put the reasons only in the message: "... [ConditionalCheckFailed, None]".
    message = error.response["Error"].get("Message", "")
    codes = message[message.find("[") + 1 : message.rfind("]")].split(", ") if "[" in message else []
    if position is not None:
        codes = codes[position : position + 1]
    return "ConditionalCheckFailed" in codes


@dataclass(frozen=True)
class EntityKind(Generic[I]):
    """What the store needs to know about one entity type."""

    name: str  # singular, as in keys and events: "account"
    item_class: type[I]
    # The attribute whose normalized value orders the by-name index (GSI2); None: no name search.
    name_field: str | None = None
    # (parent type, attribute holding the parent's id) for types listed under a parent (GSI3).
    parent: tuple[str, str] | None = None
    # Types listed by due date in one status (planned activities); uses GSI2, so not with name_field.
    due_index: DueIndex | None = None
    # The attribute naming the record's owner, for types whose visibility follows it (auth.visibility):
    # the store tags each record with its owner's audience (GSI4) and shows team-scoped callers only theirs.
    owner_field: str | None = None


class EntityStore(Generic[I]):
    def __init__(self, clients: TenantClients, kind: EntityKind[I], table_name: str, cursors: CursorCodec):
        self._clients = clients
        self._kind = kind
        self._table = table_name
        self._cursors = cursors
        self._attributes: dict[str, Attribute] = kind.item_class.get_attributes()

    @property
    def kind(self) -> EntityKind[I]:
        return self._kind

    # ---- reads -------------------------------------------------------------------------------
    def get(self, ctx: TenantContext, entity_id: str) -> I:
        response = self._client(ctx).get_item(TableName=self._table, Key=self._key(ctx, entity_id), ConsistentRead=True)
        item = response.get("Item")
        if not item or "deleted_at" in item or not self.visible(ctx, item):
            raise NotFound(f"No {self._kind.name} with id {entity_id}.")
        return self._kind.item_class.from_raw_data(item)

    def list(
        self,
        ctx: TenantContext,
        limit: int,
        cursor: str | None,
        name_prefix: str | None = None,
        parent_id: str | None = None,
    ) -> Page[I]:
        """Newest first; or by name prefix; or the children of one parent (the kind's `parent`), oldest first.

        A team-scoped caller's plain list is their audience's partition of GSI4; their searches and
        children lists keep only their audience's records (a filter: a page may hold fewer than `limit`).
        """
        mine = self._caller_audience_pk(ctx)
        if parent_id is not None and self._kind.parent is not None:
            parent_type, _ = self._kind.parent
            query_id = f"{self._kind.name}:{parent_type}:{parent_id}"
            index, key_condition = table_spec.GSI3, "GSI3PK = :pk"
            values = {":pk": {"S": keys.children_pk(ctx.tenant_id, parent_type, parent_id, self._kind.name)}}
            forward = True
        elif name_prefix is not None and self._kind.name_field is not None and search_key(name_prefix):
            # (a prefix of only spaces or control characters normalizes to "", which DynamoDB refuses: list all)
            query_id = f"{self._kind.name}:name:{search_key(name_prefix)}"
            index, key_condition, values = (
                table_spec.GSI2,
                "GSI2PK = :pk AND begins_with(GSI2SK, :prefix)",
                {
                    ":pk": {"S": keys.name_index_pk(ctx.tenant_id, self._kind.name)},
                    ":prefix": {"S": search_key(name_prefix)},
                },
            )
            forward = True
        elif mine is not None:
            query_id = f"{self._kind.name}:seen-by:{mine}"
            index, key_condition, values = table_spec.GSI4, "GSI4PK = :pk", {":pk": {"S": mine}}
            forward = False
        else:
            query_id = f"{self._kind.name}:all"
            index, key_condition = table_spec.GSI1, "GSI1PK = :pk"
            values = {":pk": {"S": keys.type_list_pk(ctx.tenant_id, self._kind.name)}}
            forward = False  # ULIDs sort by creation time: newest first
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index.name,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        if mine is not None and index is not table_spec.GSI4:
            request["FilterExpression"] = "GSI4PK = :audience"
            values[":audience"] = {"S": mine}
            query_id += f":seen-by:{mine}"
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        if start:
            request["ExclusiveStartKey"] = start
        response = self._client(ctx).query(**request)
        items = [self._kind.item_class.from_raw_data(raw) for raw in response.get("Items", [])]
        return Page(items, self._cursors.encode(ctx.tenant_id, query_id, response.get("LastEvaluatedKey")))

    def list_due(self, ctx: TenantContext, limit: int, cursor: str | None, due_from: str, due_before: str) -> Page[I]:
        """Items in the kind's due-index status with `due_from <= due < due_before`, soonest first."""
        if self._kind.due_index is None:
            raise ValueError(f"{self._kind.name} has no due index")
        query_id = f"{self._kind.name}:due:{due_from}:{due_before}"
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": table_spec.GSI2.name,
            # The id after `#` keeps equal instants apart; "#" sorts before every id character.
            "KeyConditionExpression": "GSI2PK = :pk AND GSI2SK BETWEEN :from AND :before",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.due_index_pk(ctx.tenant_id, self._kind.name, self._kind.due_index.status)},
                ":from": {"S": due_from},
                ":before": {"S": due_before},
            },
            "ScanIndexForward": True,
            "Limit": limit,
        }
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        if start:
            request["ExclusiveStartKey"] = start
        response = self._client(ctx).query(**request)
        items = [self._kind.item_class.from_raw_data(raw) for raw in response.get("Items", [])]
        return Page(items, self._cursors.encode(ctx.tenant_id, query_id, response.get("LastEvaluatedKey")))

    def list_on_index(
        self,
        ctx: TenantContext,
        index: table_spec.IndexSpec,
        partition: str,
        limit: int,
        cursor: str | None,
        sort_prefix: str | None = None,
        forward: bool = True,
    ) -> Page[I]:
        """One page of a secondary ordering (e.g. accounts by tier and score), one Query, signed cursor."""
        query_id = f"{self._kind.name}:{index.name}:{partition}:{sort_prefix or ''}:{forward}"
        start = self._cursors.decode(ctx.tenant_id, query_id, cursor)
        items, last_key = self.page_on_index(ctx, index, partition, limit, start, sort_prefix, forward)
        return Page(items, self._cursors.encode(ctx.tenant_id, query_id, last_key))

    def page_on_index(
        self,
        ctx: TenantContext,
        index: table_spec.IndexSpec,
        partition: str,
        limit: int,
        start_key: dict | None = None,
        sort_prefix: str | None = None,
        forward: bool = True,
    ) -> tuple[list[I], dict | None]:
        """One Query page with DynamoDB's own start key (for background jobs that keep it themselves)."""
        condition = f"{index.partition_key} = :pk"
        values: dict[str, Any] = {":pk": {"S": partition}}
        if sort_prefix is not None:
            condition += f" AND begins_with({index.sort_key}, :prefix)"
            values[":prefix"] = {"S": sort_prefix}
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        response = self._client(ctx).query(**request)
        items = [self._kind.item_class.from_raw_data(raw) for raw in response.get("Items", [])]
        return items, response.get("LastEvaluatedKey")

    # ---- writes ------------------------------------------------------------------------------
    def create(
        self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any], companions: CompanionWrites | None = None
    ) -> I:
        """One conditional PutItem; with companions, one transaction writing them with the entity."""
        item, put = self.put_request(ctx, entity_id, fields)
        if companions is None or companions.empty:
            self._client(ctx).put_item(**put)
        else:
            try:
                self._client(ctx).transact_write_items(TransactItems=[{"Put": put}, *companions.requests(self._table)])
            except ClientError as error:
                if cancelled_by_condition(error):
                    raise Conflict(f"The {self._kind.name} {entity_id} already exists.") from error
                raise
        return item

    def put_request(self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any]) -> tuple[I, dict]:
        """The new item and the conditional PutItem creating it (sent alone, or in a transaction)."""
        item = self.new_item(ctx, entity_id, fields)
        put = {"TableName": self._table, "Item": item.serialize(), "ConditionExpression": "attribute_not_exists(PK)"}
        return item, put

    def new_item(self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any]) -> I:
        """The item `create` writes (version 1, index keys set), for writers that batch (CSV import)."""
        now = now_iso()
        return self._kind.item_class(
            keys.entity_pk(ctx.tenant_id, self._kind.name, entity_id),
            keys.META,
            id=entity_id,
            version=1,
            created_at=now,
            created_by=ctx.actor,
            updated_at=now,
            updated_by=ctx.actor,
            correlation_id=ctx.correlation_id or None,
            GSI1PK=keys.type_list_pk(ctx.tenant_id, self._kind.name),
            GSI1SK=entity_id,
            **self._name_index(ctx, entity_id, fields),
            **self._parent_index(ctx, entity_id, fields),
            **self._due_index(ctx, entity_id, fields),
            **self._audience_index(ctx, entity_id, fields.get(self._kind.owner_field or "") or self._creator(ctx)),
            **fields,
        )

    def update(
        self,
        ctx: TenantContext,
        entity_id: str,
        changes: Mapping[str, Any],
        expected_version: int,
        companions: CompanionWrites | None = None,
    ) -> I:
        """Apply `changes` (None removes an attribute) if the stored version is `expected_version`."""
        sets, removes = self._change_clauses(ctx, entity_id, changes)
        return self._conditional_update(ctx, entity_id, sets, removes, expected_version, companions)

    def changes_request(
        self, ctx: TenantContext, entity_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> dict:
        """The versioned UpdateItem applying `changes`, for a transaction of several entities."""
        sets, removes = self._change_clauses(ctx, entity_id, changes)
        return self.update_request(ctx, entity_id, sets, removes, expected_version)

    def exists_check(self, ctx: TenantContext, entity_id: str) -> dict:
        """A transaction's ConditionCheck: the entity exists, is not deleted and the caller sees it."""
        check: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(ctx, entity_id),
            "ConditionExpression": "attribute_exists(PK) AND attribute_not_exists(#deleted_at)",
            "ExpressionAttributeNames": {"#deleted_at": "deleted_at"},
        }
        mine = self._caller_audience_pk(ctx)
        if mine is not None:
            check["ConditionExpression"] += " AND GSI4PK = :audience"
            check["ExpressionAttributeValues"] = {":audience": {"S": mine}}
        return check

    def write_refused(
        self, ctx: TenantContext, entity_id: str, expected: int, current: Mapping[str, Any] | None
    ) -> NotFound | VersionConflict:
        """Why a versioned write's condition failed, from the item as it was (None: absent)."""
        if not current or "deleted_at" in current or not self.visible(ctx, current):
            return NotFound(f"No {self._kind.name} with id {entity_id}.")
        version = int(current["version"]["N"])
        return VersionConflict(
            f"The {self._kind.name} is at version {version}, not {expected}; reload it and try again.",
            current_version=version,
        )

    def soft_delete(
        self, ctx: TenantContext, entity_id: str, expected_version: int, companions: CompanionWrites | None = None
    ) -> I:
        sets, removes = self._deletion_clauses(ctx, {})
        return self._conditional_update(ctx, entity_id, sets, removes, expected_version, companions)

    def soft_delete_request(
        self, ctx: TenantContext, entity_id: str, expected_version: int, changes: Mapping[str, Any]
    ) -> dict:
        """The soft delete as a transaction's UpdateItem, with more `changes` (None removes; e.g. a merge's)."""
        sets, removes = self._deletion_clauses(ctx, changes)
        return self.update_request(ctx, entity_id, sets, removes, expected_version)

    def update_request(
        self,
        ctx: TenantContext,
        entity_id: str,
        sets: Mapping[str, Any],
        removes: Sequence[str],
        expected: int,
        any_audience: bool = False,
    ) -> dict:
        """The conditional UpdateItem request (for a transaction of several entities, e.g. a merge).

        `any_audience` drops the caller's audience condition: only for a write that follows one the
        caller was allowed (a merged account's children follow it, whoever they belong to).
        """
        names: dict[str, str] = {"#version": "version", "#deleted_at": "deleted_at"}
        values: dict[str, Any] = {":expected": {"N": str(expected)}, ":one": {"N": "1"}}
        set_clauses = ["#version = #version + :one"]
        for position, (name, value) in enumerate(sets.items()):
            names[f"#s{position}"] = self._attr_name(name)
            values[f":s{position}"] = self._serialize(name, value)
            set_clauses.append(f"#s{position} = :s{position}")
        expression = "SET " + ", ".join(set_clauses)
        if removes:
            for position, name in enumerate(removes):
                names[f"#r{position}"] = self._attr_name(name)
            expression += " REMOVE " + ", ".join(f"#r{position}" for position in range(len(removes)))
        condition = _CURRENT_VERSION_OF_A_LIVE_ITEM
        mine = None if any_audience else self._caller_audience_pk(ctx)
        if mine is not None:  # a team-scoped caller writes only records their audience sees
            condition += " AND GSI4PK = :audience"
            values[":audience"] = {"S": mine}
        return {
            "TableName": self._table,
            "Key": self._key(ctx, entity_id),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }

    def move_owner_audience(self, ctx: TenantContext, owner_id: str, old_team: str | None, new_team: str | None) -> int:
        """Re-tags the records `owner_id` owns after they changed team; how many moved.

        A background pass (the events function, on the user's change), not a request path: one Query per
        page of the old audience filtered on the owner, then one conditional UpdateItem per record that
        leaves `version` alone, so it makes no audit entry and no client's ETag goes stale.
        """
        old = keys.audience_pk(ctx.tenant_id, self._kind.name, visibility.audience(owner_id, old_team))
        new = keys.audience_pk(ctx.tenant_id, self._kind.name, visibility.audience(owner_id, new_team))
        if self._kind.owner_field is None or old == new:
            return 0
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": table_spec.GSI4.name,
            "KeyConditionExpression": "GSI4PK = :old",
            "FilterExpression": "visibility_owner = :owner",
            "ProjectionExpression": "PK, SK",
            "ExpressionAttributeValues": {":old": {"S": old}, ":owner": {"S": owner_id}},
        }
        moved = 0
        while True:
            response = self._client(ctx).query(**request)
            for found in response.get("Items", []):
                try:
                    self._client(ctx).update_item(
                        TableName=self._table,
                        Key={table_spec.PK: found[table_spec.PK], table_spec.SK: found[table_spec.SK]},
                        UpdateExpression="SET GSI4PK = :new",
                        ConditionExpression="GSI4PK = :old AND visibility_owner = :owner",
                        ExpressionAttributeValues={":old": {"S": old}, ":new": {"S": new}, ":owner": {"S": owner_id}},
                    )
                    moved += 1
                except ClientError as error:  # reassigned or deleted meanwhile: its new write tagged it
                    if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                        raise
            if "LastEvaluatedKey" not in response:
                return moved
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def tag_missing_audiences(
        self, ctx: TenantContext, limit: int, start_key: dict | None = None
    ) -> tuple[int, int, dict | None]:
        """Tags one page of records written before visibility existed with their owner's audience.

        A background pass (the visibility backfill), not a request path: one Query of the type's list
        (GSI1) keeping the records without an audience, then per record one conditional UpdateItem that
        leaves `version` alone (no audit entry, no stale ETag) and applies only while the record is
        still untagged (a write meanwhile tagged it itself). A record without owner field or user
        creator (made by an API key) stays untagged: the roles that see all see it, as when created.
        Returns (records examined, records tagged, the page's LastEvaluatedKey).
        """
        owner_field = self._kind.owner_field
        if owner_field is None:
            return 0, 0, None
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": table_spec.GSI1.name,
            "KeyConditionExpression": "GSI1PK = :pk",
            "FilterExpression": "attribute_not_exists(GSI4PK)",
            "ProjectionExpression": "PK, SK, id, #owner, created_by",
            "ExpressionAttributeNames": {"#owner": self._attr_name(owner_field)},
            "ExpressionAttributeValues": {":pk": {"S": keys.type_list_pk(ctx.tenant_id, self._kind.name)}},
            "Limit": limit,
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        response = self._client(ctx).query(**request)
        found = response.get("Items", [])
        teams: dict[str, str | None] = {}
        tagged = 0
        for raw in found:
            owner = raw.get(self._attr_name(owner_field), {}).get("S")
            creator_kind, _, creator = raw.get("created_by", {}).get("S", "").partition(":")
            owner = owner or (creator if creator_kind == PrincipalKind.USER.value else None)
            if not owner:
                continue
            if owner not in teams:
                teams[owner] = self._team_of(ctx, owner)
            record_audience = visibility.audience(owner, teams[owner])
            try:
                self._client(ctx).update_item(
                    TableName=self._table,
                    Key={table_spec.PK: raw[table_spec.PK], table_spec.SK: raw[table_spec.SK]},
                    UpdateExpression="SET GSI4PK = :audience, GSI4SK = :id, visibility_owner = :owner",
                    ConditionExpression="attribute_exists(PK) AND attribute_not_exists(GSI4PK)",
                    ExpressionAttributeValues={
                        ":audience": {"S": keys.audience_pk(ctx.tenant_id, self._kind.name, record_audience)},
                        ":id": raw["id"],
                        ":owner": {"S": owner},
                    },
                )
                tagged += 1
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
        return len(found), tagged, response.get("LastEvaluatedKey")

    def parent_update_sets(self, ctx: TenantContext, entity_id: str, parent_id: str) -> dict[str, Any]:
        """The attributes that move a child to another parent: its parent field and its GSI3 keys."""
        assert self._kind.parent is not None, f"{self._kind.name} has no parent"
        fields = {self._kind.parent[1]: parent_id}
        return {
            "updated_at": now_iso(),
            "updated_by": ctx.actor,
            **({"correlation_id": ctx.correlation_id} if ctx.correlation_id else {}),
            **fields,
            **self._parent_index(ctx, entity_id, fields),
        }

    # ---- internals ---------------------------------------------------------------------------
    def _conditional_update(
        self,
        ctx: TenantContext,
        entity_id: str,
        sets: dict[str, Any],
        removes: list[str],
        expected: int,
        companions: CompanionWrites | None = None,
    ) -> I:
        request = self.update_request(ctx, entity_id, sets, removes, expected)
        try:
            if companions is None or companions.empty:
                response = self._client(ctx).update_item(**request, ReturnValues="ALL_NEW")
                return self._kind.item_class.from_raw_data(response["Attributes"])
            self._client(ctx).transact_write_items(
                TransactItems=[{"Update": request}, *companions.requests(self._table)]
            )
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code == "ConditionalCheckFailedException":
                current = error.response.get("Item")
            elif cancelled_by_condition(error, position=0):
                current = self._raw(ctx, entity_id)
            else:
                raise
            raise self.write_refused(ctx, entity_id, expected, current) from error
        # A transaction returns no attributes: read the item back (strongly consistent).
        return self._kind.item_class.from_raw_data(self._raw(ctx, entity_id))

    def _change_clauses(
        self, ctx: TenantContext, entity_id: str, changes: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[str]]:
        """SET and REMOVE of a versioned update: `changes` (None removes) plus the index keys they move."""
        sets: dict[str, Any] = {"updated_at": now_iso(), "updated_by": ctx.actor}
        if ctx.correlation_id:
            sets["correlation_id"] = ctx.correlation_id
        removes: list[str] = []
        for name, value in changes.items():
            if value is None or value == []:
                removes.append(name)
            else:
                sets[name] = value
        if self._kind.name_field is not None and self._kind.name_field in sets:
            sets.update(self._name_index(ctx, entity_id, sets))
        if self._kind.parent is not None and self._kind.parent[1] in sets:
            sets.update(self._parent_index(ctx, entity_id, sets))  # moved to another parent (a merge)
        due = self._kind.due_index
        if due is not None and (due.due_field in changes or due.status_field in changes):
            placement = self._due_index(ctx, entity_id, changes)
            if placement:
                sets.update(placement)
            else:
                removes.extend(["GSI2PK", "GSI2SK"])
        if self._kind.owner_field is not None and sets.get(self._kind.owner_field):
            # A new owner brings the record to their audience; clearing the owner leaves it where it is.
            sets.update(self._audience_index(ctx, entity_id, sets[self._kind.owner_field]))
        return sets, removes

    def _deletion_clauses(self, ctx: TenantContext, changes: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Deleted by whom and when, expiring after the retention, out of every list index."""
        sets: dict[str, Any] = {
            "deleted_at": now_iso(),
            "deleted_by": ctx.actor,
            "updated_at": now_iso(),
            "updated_by": ctx.actor,
            "expiration": utc_now() + DELETED_RETENTION,
        }
        if ctx.correlation_id:
            sets["correlation_id"] = ctx.correlation_id
        removes = ["GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK", "GSI4PK", "GSI4SK"]
        for name, value in changes.items():
            if value is None:
                removes.append(name)
            else:
                sets[name] = value
        return sets, removes

    def _raw(self, ctx: TenantContext, entity_id: str) -> dict | None:
        response = self._client(ctx).get_item(TableName=self._table, Key=self._key(ctx, entity_id), ConsistentRead=True)
        return response.get("Item")

    def _name_index(self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any]) -> dict[str, str]:
        if self._kind.name_field is None:
            return {}
        return {
            "GSI2PK": keys.name_index_pk(ctx.tenant_id, self._kind.name),
            "GSI2SK": f"{search_key(fields[self._kind.name_field])}#{entity_id}",
        }

    def _parent_index(self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any]) -> dict[str, str]:
        if self._kind.parent is None or not fields.get(self._kind.parent[1]):
            return {}
        parent_type, parent_field = self._kind.parent
        return {
            "GSI3PK": keys.children_pk(ctx.tenant_id, parent_type, fields[parent_field], self._kind.name),
            "GSI3SK": entity_id,
        }

    def _due_index(self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any]) -> dict[str, str]:
        due = self._kind.due_index
        if due is None or fields.get(due.status_field) != due.status or not fields.get(due.due_field):
            return {}
        return {
            "GSI2PK": keys.due_index_pk(ctx.tenant_id, self._kind.name, due.status),
            "GSI2SK": f"{fields[due.due_field]}#{entity_id}",
        }

    def _audience_index(self, ctx: TenantContext, entity_id: str, owner_id: str | None) -> dict[str, str]:
        if self._kind.owner_field is None or not owner_id:
            return {}
        record_audience = visibility.audience(owner_id, self._team_of(ctx, owner_id))
        return {
            "GSI4PK": keys.audience_pk(ctx.tenant_id, self._kind.name, record_audience),
            "GSI4SK": entity_id,
            "visibility_owner": owner_id,
        }

    def _team_of(self, ctx: TenantContext, user_id: str) -> str | None:
        """The caller's team is in their context; anyone else's costs one GetItem of their user record."""
        if ctx.kind is PrincipalKind.USER and user_id == ctx.principal_id:
            return ctx.team
        response = self._client(ctx).get_item(
            TableName=self._table,
            Key={
                table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, "user", user_id)},
                table_spec.SK: {"S": keys.META},
            },
            ProjectionExpression="team",
        )
        return response.get("Item", {}).get("team", {}).get("S")

    @staticmethod
    def _creator(ctx: TenantContext) -> str | None:
        return ctx.principal_id if ctx.kind is PrincipalKind.USER else None

    def _caller_audience_pk(self, ctx: TenantContext) -> str | None:
        if self._kind.owner_field is None:
            return None
        mine = visibility.caller_audience(ctx)
        return keys.audience_pk(ctx.tenant_id, self._kind.name, mine) if mine is not None else None

    def visible(self, ctx: TenantContext, raw_item: Mapping[str, Any]) -> bool:
        """Whether the caller's scope takes in this stored item (auth.visibility)."""
        mine = self._caller_audience_pk(ctx)
        return mine is None or raw_item.get("GSI4PK", {}).get("S") == mine

    def _attr_name(self, name: str) -> str:
        attribute = self._attributes.get(name)
        return attribute.attr_name if attribute is not None else name

    def _serialize(self, name: str, value: Any) -> dict:
        attribute = self._attributes[name]
        return {attribute.attr_type: attribute.serialize(value)}

    def _key(self, ctx: TenantContext, entity_id: str) -> dict:
        return {
            table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, self._kind.name, entity_id)},
            table_spec.SK: {"S": keys.META},
        }

    def _client(self, ctx: TenantContext):
        return self._clients.dynamodb(ctx.tenant_id)
