"""The tenant's sales stages: one settings item, `{t}#settings#sales-stages` / META, versioned like an entity."""

from botocore.exceptions import ClientError

from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import SalesStagesItem
from servicejob.domain.sales_stages import SalesStage, SalesStages
from servicejob.errors import NotFound
from servicejob.tenancy.context import TenantContext

SETTINGS_KIND = EntityKind("settings", SalesStagesItem)
SALES_STAGES_ID = "sales-stages"


def _to_stages(item: SalesStagesItem) -> SalesStages:
    return SalesStages.model_validate(item.attribute_values)


def _stored(stages: list[SalesStage]) -> list[dict]:
    return [stage.model_dump(mode="json", by_alias=True) for stage in stages]


class DynamoSalesStagesRepository:
    def __init__(self, store: EntityStore[SalesStagesItem]):
        self._store = store

    def get_or_create(self, ctx: TenantContext, defaults: list[SalesStage]) -> SalesStages:
        try:
            return _to_stages(self._store.get(ctx, SALES_STAGES_ID))
        except NotFound:
            pass
        try:
            return _to_stages(self._store.create(ctx, SALES_STAGES_ID, {"stages": _stored(defaults)}))
        except ClientError as error:
            # Two first reads at once: the other one stored the defaults.
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return _to_stages(self._store.get(ctx, SALES_STAGES_ID))

    def replace(self, ctx: TenantContext, stages: list[SalesStage], expected_version: int) -> SalesStages:
        return _to_stages(self._store.update(ctx, SALES_STAGES_ID, {"stages": _stored(stages)}, expected_version))
