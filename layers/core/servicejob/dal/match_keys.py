"""Duplicate-match keys in DynamoDB: one item per normalized key per record.

`PK = {t}#match#{kind}#{value}`, `SK = {type}#{id}`: the records sharing a key are one Query on the
table; the items are written and removed in the same transaction as their record (CompanionWrites).
"""

from collections.abc import Collection, Sequence

from servicejob.dal import keys
from servicejob.dal.entity_store import CompanionWrites
from servicejob.dal.models import MatchKeyItem
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.duplicates import IndexedRecord, MatchKey
from servicejob.tenancy.context import TenantContext

# Records returned per key: a key shared by more records than this says little about any of them.
MATCHES_PER_KEY = 25


class DynamoMatchKeyIndex:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    def find(self, ctx: TenantContext, key: MatchKey, entity_types: Sequence[str]) -> list[IndexedRecord]:
        request: dict = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": keys.match_key_pk(ctx.tenant_id, key.kind, key.value)}},
            "Limit": MATCHES_PER_KEY,
        }
        if len(entity_types) == 1:  # the usual case: one type, narrowed by the key
            request["KeyConditionExpression"] += " AND begins_with(SK, :type)"
            request["ExpressionAttributeValues"][":type"] = {"S": keys.match_key_sk(entity_types[0], "")}
        response = self._clients.dynamodb(ctx.tenant_id).query(**request)
        records = [MatchKeyItem.from_raw_data(raw) for raw in response.get("Items", [])]
        return [
            IndexedRecord(record.entity_type, record.entity_id, record.name)
            for record in records
            if record.entity_type in entity_types
        ]


def key_writes(
    ctx: TenantContext,
    entity_type: str,
    entity_id: str,
    name: str,
    before: Collection[MatchKey],
    after: Collection[MatchKey],
    renamed: bool = False,
) -> CompanionWrites:
    """Puts for keys gained (all of them when the record's display name changed), deletes for keys lost."""
    puts = [
        MatchKeyItem(
            keys.match_key_pk(ctx.tenant_id, key.kind, key.value),
            keys.match_key_sk(entity_type, entity_id),
            entity_type=entity_type,
            entity_id=entity_id,
            name=name,
        )
        for key in sorted(after)
        if renamed or key not in before
    ]
    deletes = [
        (keys.match_key_pk(ctx.tenant_id, key.kind, key.value), keys.match_key_sk(entity_type, entity_id))
        for key in sorted(before)
        if key not in after
    ]
    return CompanionWrites(puts, deletes)
