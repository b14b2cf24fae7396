"""The tenant's sales stages: one settings item, `{t}#settings#sales-stages` / META, versioned like an entity."""

from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import SalesStagesItem
from servicejob.dal.settings_document import SettingsDocument
from servicejob.domain.sales_stages import SalesStage, SalesStages
from servicejob.tenancy.context import TenantContext

SETTINGS_KIND = EntityKind("settings", SalesStagesItem)
SALES_STAGES_ID = "sales-stages"


def _stored(stages: list[SalesStage]) -> dict:
    return {"stages": [stage.model_dump(mode="json", by_alias=True) for stage in stages]}


class DynamoSalesStagesRepository:
    def __init__(self, store: EntityStore[SalesStagesItem]):
        self._document = SettingsDocument(store, SALES_STAGES_ID, SalesStages)

    def get_or_create(self, ctx: TenantContext, defaults: list[SalesStage]) -> SalesStages:
        return self._document.get_or_create(ctx, _stored(defaults))

    def replace(self, ctx: TenantContext, stages: list[SalesStage], expected_version: int) -> SalesStages:
        return self._document.replace(ctx, _stored(stages), expected_version)
