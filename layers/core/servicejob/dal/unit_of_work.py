"""Several entity writes that must happen together: collected, then sent as one TransactWriteItems.

Each write is built by the entity's own `EntityStore` (so keys, indexes and version conditions are the
same as for a single write); the stream still carries one record per item, so each is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from servicejob.dal.entity_store import CompanionWrites, EntityStore
from servicejob.dal.tenant_access import TenantClients
from servicejob.tenancy.context import TenantContext

# DynamoDB's limit on the items of one transaction.
MAX_TRANSACTION_ITEMS = 100


class TransactionRefused(Exception):
    """The transaction was cancelled; `failed` names the writes (by label) whose condition did not hold."""

    def __init__(self, failed: dict[str, Mapping[str, Any] | None]):
        super().__init__(f"Transaction cancelled by: {', '.join(failed) or 'a conflicting transaction'}")
        self.failed = failed


@dataclass
class UnitOfWork:
    clients: TenantClients
    ctx: TenantContext

    def __post_init__(self) -> None:
        self._items: list[dict] = []
        self._labels: list[str] = []

    def create(
        self,
        label: str,
        store: EntityStore,
        entity_id: str,
        fields: Mapping[str, Any],
        companions: CompanionWrites | None = None,
    ) -> Any:
        item, put = store.put_request(self.ctx, entity_id, fields)
        self._add(label, {"Put": put})
        for request in companions.requests(put["TableName"]) if companions else []:
            self._add(f"{label}.companion", request)
        return item

    def update(
        self, label: str, store: EntityStore, entity_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> None:
        request = store.changes_request(self.ctx, entity_id, changes, expected_version)
        self._add(label, {"Update": request | {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}})

    def require_exists(self, label: str, store: EntityStore, entity_id: str) -> None:
        self._add(label, {"ConditionCheck": store.exists_check(self.ctx, entity_id)})

    @property
    def size(self) -> int:
        return len(self._items)

    def commit(self) -> None:
        try:
            self.clients.dynamodb(self.ctx.tenant_id).transact_write_items(TransactItems=self._items)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            failed = {
                label: reason.get("Item")
                for label, reason in zip(self._labels, reasons, strict=False)
                if reason.get("Code") == "ConditionalCheckFailed"
            }
            raise TransactionRefused(failed) from error

    def _add(self, label: str, item: dict) -> None:
        if len(self._items) == MAX_TRANSACTION_ITEMS:
            raise ValueError(f"A transaction holds at most {MAX_TRANSACTION_ITEMS} items.")
        self._items.append(item)
        self._labels.append(label)
