"""A tenant's lead assignment rules (`{t}#settings#assignment-rules` / META) and the round-robin counters
(`{t}#counter#round-robin#{rule}` / META, one atomic ADD per turn). Tenant-scoped client, one call each."""

from servicejob.dal import keys, table_spec
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.models import AssignmentRulesItem
from servicejob.dal.settings_document import SettingsDocument
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.assignment_rules import AssignmentRules, AssignmentRulesInput
from servicejob.tenancy.context import TenantContext

ASSIGNMENT_RULES_KIND = EntityKind("settings", AssignmentRulesItem)
ASSIGNMENT_RULES_ID = "assignment-rules"


class DynamoAssignmentRulesRepository:
    def __init__(self, store: EntityStore[AssignmentRulesItem], clients: TenantClients, table_name: str):
        self._document = SettingsDocument(store, ASSIGNMENT_RULES_ID, AssignmentRules)
        self._clients = clients
        self._table = table_name

    def get(self, ctx: TenantContext) -> AssignmentRules:
        """Version 0 with no rules and no fallback until first saved."""
        return self._document.read(ctx) or AssignmentRules()

    def put(self, ctx: TenantContext, rules: AssignmentRulesInput, expected_version: int) -> AssignmentRules:
        fields = {
            "rules": rules.model_dump(mode="json", exclude_none=True)["rules"],
            "fallback_user_id": rules.fallback_user_id,
        }
        return self._document.replace(ctx, fields, expected_version)

    def next_turn(self, ctx: TenantContext, rule_name: str) -> int:
        response = self._client(ctx).update_item(
            TableName=self._table,
            Key=self._key(keys.round_robin_counter_pk(ctx.tenant_id, rule_name)),
            UpdateExpression="ADD turns :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["turns"]["N"])

    @staticmethod
    def _key(pk: str) -> dict:
        return {table_spec.PK: {"S": pk}, table_spec.SK: {"S": keys.META}}

    def _client(self, ctx: TenantContext):
        return self._clients.dynamodb(ctx.tenant_id)
