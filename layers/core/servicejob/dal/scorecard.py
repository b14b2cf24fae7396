"""The scorecard settings item (`{t}#settings#scorecard` / META) and the re-scoring progress kept on it."""

import json

from botocore.exceptions import ClientError

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import ScorecardSettingsItem
from servicejob.dal.settings_document import SettingsDocument
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.scorecard import Recalculation, ScorecardSettings
from servicejob.tenancy.context import TenantContext

SCORECARD_SETTINGS_KIND = EntityKind("settings", ScorecardSettingsItem)
SCORECARD_SETTINGS_ID = "scorecard"


def is_scorecard_settings_key(pk: str) -> bool:
    parsed = keys.parse_entity_pk(pk)
    return parsed is not None and parsed[1:] == ("settings", SCORECARD_SETTINGS_ID)


class DynamoScorecardSettingsRepository(SettingsDocument[ScorecardSettingsItem, ScorecardSettings]):
    def __init__(self, store: EntityStore[ScorecardSettingsItem], clients: TenantClients, table_name: str):
        super().__init__(store, SCORECARD_SETTINGS_ID, ScorecardSettings)
        self._clients = clients
        self._table = table_name

    def cursor(self, ctx: TenantContext) -> dict | None:
        return self.item(ctx).recalculation_cursor

    def save_progress(self, ctx: TenantContext, progress: Recalculation, cursor: dict | None) -> bool:
        """Records progress unless the settings moved on (then a newer re-scoring runs): False."""
        expression = "SET recalculation = :progress" + (", recalculation_cursor = :cursor" if cursor else "")
        values = {
            ":progress": {"S": json.dumps(progress.model_dump(mode="json"))},
            ":version": {"N": str(progress.settings_version)},
        }
        if cursor:
            values[":cursor"] = {"S": json.dumps(cursor)}
        else:
            expression += " REMOVE recalculation_cursor"
        try:
            self._clients.dynamodb(ctx.tenant_id).update_item(
                TableName=self._table,
                Key={
                    table_spec.PK: {"S": keys.entity_pk(ctx.tenant_id, "settings", SCORECARD_SETTINGS_ID)},
                    table_spec.SK: {"S": keys.META},
                },
                UpdateExpression=expression,
                ConditionExpression="#version = :version",
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True
