"""An in-memory rollup store with the DynamoDB repository's semantics (conditional state replace, counter ADD),
used by the unit tests and by scripts/bench to drive the rollup code without a table."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from servicejob.domain.audit import AUDITED_TYPES, EntityChange, EntitySnapshot
from servicejob.domain.rollups import Contribution, Counters, RollupState
from servicejob.tenancy.context import TenantContext


class InMemoryRollups:
    def __init__(self) -> None:
        self.states: dict[tuple[str, str, str], RollupState] = {}
        self.items: dict[tuple[str, str, str], Counters] = defaultdict(lambda: defaultdict(Decimal))
        self.lose_next_race = False  # the next replace finds the state changed (a concurrent writer)

    def state(self, tenant_id: str, entity_type: str, entity_id: str) -> RollupState | None:
        return self.states.get((tenant_id, entity_type, entity_id))

    def replace(
        self,
        tenant_id: str,
        entity_type: str,
        entity_id: str,
        previous: RollupState | None,
        new: RollupState,
        delta: Contribution,
    ) -> bool:
        if self.lose_next_race:
            self.lose_next_race = False
            return False
        if self.states.get((tenant_id, entity_type, entity_id)) != previous:
            return False
        self.states[(tenant_id, entity_type, entity_id)] = new
        for (partition, month), counters in delta.items():
            item = self.items[(tenant_id, partition, month)]
            for name, value in counters.items():
                item[name] += value
        return True

    def months(self, ctx: TenantContext, partition: str, first: str, last: str) -> list[tuple[str, Counters]]:
        return sorted(
            (month, dict(counters))
            for (tenant_id, name, month), counters in self.items.items()
            if tenant_id == ctx.tenant_id and name == partition and first <= month <= last
        )

    def buckets(self, ctx: TenantContext, partition: str, buckets: Iterable[str]) -> dict[str, Counters]:
        return {
            bucket: dict(self.items[(ctx.tenant_id, partition, bucket)])
            for bucket in buckets
            if (ctx.tenant_id, partition, bucket) in self.items
        }


def change(
    entity_type: str,
    tenant_id: str,
    data: dict,
    event_id: str = "evt",
    deleted: bool = False,
    audience: str | None = None,
) -> EntityChange:
    """A stream change whose after-image is `data` (its `version` included) seen by `audience`; the
    before-image is not used."""
    after = EntitySnapshot(
        version=data["version"],
        updated_at=data["updated_at"],
        updated_by=data["updated_by"],
        correlation_id=None,
        deleted_at=data["updated_at"] if deleted else None,
        deleted_by=data["updated_by"] if deleted else None,
        data=data,
        audience=audience,
    )
    return EntityChange(event_id, tenant_id, AUDITED_TYPES[entity_type], data["id"], None, after)
