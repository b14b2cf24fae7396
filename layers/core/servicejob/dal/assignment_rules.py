"""A tenant's lead assignment rules (`{t}#settings#assignment-rules` / META) and the round-robin counters
(`{t}#counter#round-robin#{rule}` / META, one atomic ADD per turn). Tenant-scoped client, one call each."""

from botocore.exceptions import ClientError

from servicejob.clock import now_iso
from servicejob.dal import keys, table_spec
from servicejob.dal.models import AssignmentRulesItem
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.assignment_rules import AssignmentRules, AssignmentRulesInput
from servicejob.errors import VersionConflict
from servicejob.tenancy.context import TenantContext


class DynamoAssignmentRulesRepository:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    def get(self, ctx: TenantContext) -> AssignmentRules:
        response = self._client(ctx).get_item(
            TableName=self._table, Key=self._key(keys.assignment_rules_pk(ctx.tenant_id)), ConsistentRead=True
        )
        if "Item" not in response:
            return AssignmentRules()
        return AssignmentRules.model_validate(AssignmentRulesItem.from_raw_data(response["Item"]).attribute_values)

    def put(self, ctx: TenantContext, rules: AssignmentRulesInput, expected_version: int) -> AssignmentRules:
        item = AssignmentRulesItem(
            keys.assignment_rules_pk(ctx.tenant_id),
            keys.META,
            version=expected_version + 1,
            rules=rules.model_dump(mode="json", exclude_none=True)["rules"],
            fallback_user_id=rules.fallback_user_id,
            updated_at=now_iso(),
            updated_by=ctx.actor,
        )
        request = {"TableName": self._table, "Item": item.serialize(), "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
        if expected_version == 0:
            request["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            request["ConditionExpression"] = "#version = :expected"
            request["ExpressionAttributeNames"] = {"#version": "version"}
            request["ExpressionAttributeValues"] = {":expected": {"N": str(expected_version)}}
        try:
            self._client(ctx).put_item(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = int(error.response.get("Item", {}).get("version", {}).get("N", "0"))
            raise VersionConflict(
                f"The assignment rules are at version {current}, not {expected_version}; reload them and try again.",
                current_version=current,
            ) from error
        return AssignmentRules.model_validate(item.attribute_values)

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
