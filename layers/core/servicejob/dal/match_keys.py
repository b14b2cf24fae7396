"""Duplicate-match keys in DynamoDB: one item per normalized key per record.

`PK = {t}#match#{kind}#{value}`, `SK = {type}#{id}`: the records sharing a key are one Query on the
table; the items are written and removed in the same transaction as their record (CompanionWrites).
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from servicejob.dal import keys
from servicejob.dal.entity_store import CompanionWrites, EntityStore
from servicejob.dal.models import MatchKeyItem
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.duplicates import (
    ACCOUNT_MATCHED_FIELDS,
    LEAD_MATCHED_FIELDS,
    DuplicateCandidate,
    IndexedRecord,
    MatchKey,
    account_candidate,
    lead_candidate,
    match_keys,
)
from servicejob.tenancy.context import TenantContext

# Records returned per key: a key shared by more records than this says little about any of them.
MATCHES_PER_KEY = 25
# Queries in flight at once when many keys are looked up (an import's dry run).
PARALLEL_QUERIES = 8


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

    def find_many(
        self, ctx: TenantContext, wanted: Collection[MatchKey], entity_types: Sequence[str]
    ) -> dict[MatchKey, list[IndexedRecord]]:
        """One Query per key (no batch read takes a partition key alone), PARALLEL_QUERIES at a time."""
        ordered = sorted(wanted)
        with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
            found = pool.map(lambda key: self.find(ctx, key, entity_types), ordered)
            return dict(zip(ordered, found, strict=True))


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


@dataclass(frozen=True)
class MatchKeyed:
    """How one entity type keeps its match keys beside it: written, changed and removed with the record."""

    entity_type: str
    name_field: str
    matched_fields: frozenset[str]
    candidate: Callable[[Mapping[str, Any]], DuplicateCandidate]

    def keys_of(self, fields: Mapping[str, Any]) -> set[MatchKey]:
        return set(match_keys(self.candidate(fields)))

    def on_create(self, ctx: TenantContext, entity_id: str, fields: Mapping[str, Any]) -> CompanionWrites:
        return key_writes(ctx, self.entity_type, entity_id, fields[self.name_field], set(), self.keys_of(fields))

    def on_update(
        self, ctx: TenantContext, store: EntityStore, entity_id: str, changes: Mapping[str, Any]
    ) -> CompanionWrites | None:
        """None when no matched field changes; the caller's version condition keeps the read honest."""
        if not self.matched_fields & changes.keys():
            return None
        current = store.get(ctx, entity_id).attribute_values
        after = {**current, **changes}
        renamed = self.name_field in changes and changes[self.name_field] != current.get(self.name_field)
        return key_writes(
            ctx,
            self.entity_type,
            entity_id,
            after[self.name_field],
            self.keys_of(current),
            self.keys_of(after),
            renamed,
        )

    def on_delete(self, ctx: TenantContext, current: Mapping[str, Any], entity_id: str) -> CompanionWrites:
        return key_writes(ctx, self.entity_type, entity_id, current[self.name_field], self.keys_of(current), set())


ACCOUNT_MATCH_KEYS = MatchKeyed("account", "name", ACCOUNT_MATCHED_FIELDS, account_candidate)
LEAD_MATCH_KEYS = MatchKeyed("lead", "company_name", LEAD_MATCHED_FIELDS, lead_candidate)
