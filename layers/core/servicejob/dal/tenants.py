"""Tenant records: `{t}#tenant` / META, holding the name, settings and lifecycle status.

The record is created before the tenant has users (signup, onboarding), so the repository takes the
tenant id directly instead of a TenantContext; it still talks to DynamoDB with that tenant's client.
"""

from botocore.exceptions import ClientError

from servicejob.clock import now_iso
from servicejob.dal import keys, table_spec
from servicejob.dal.models import TenantItem
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.tenants import SignupRequest, Tenant, TenantStatus
from servicejob.errors import Conflict, NotFound


class DynamoTenantRepository:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    def save_provisioning(self, tenant_id: str, signup: SignupRequest, actor: str) -> Tenant:
        now = now_iso()
        item = TenantItem(
            keys.tenant_pk(tenant_id),
            keys.META,
            id=tenant_id,
            version=1,
            created_at=now,
            created_by=actor,
            updated_at=now,
            updated_by=actor,
            status=TenantStatus.PROVISIONING.value,
            tier="basic",
            name=signup.name,
            owner_email=signup.owner_email,
            owner_name=signup.owner_name,
            time_zone=signup.time_zone,
            base_currency=signup.base_currency,
            locale=signup.locale,
        )
        try:
            self._clients.dynamodb(tenant_id).put_item(
                TableName=self._table, Item=item.serialize(), ConditionExpression="attribute_not_exists(PK)"
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return self.get(tenant_id)  # written by the signup request or an earlier attempt
        return _to_tenant(item)

    def get(self, tenant_id: str) -> Tenant:
        response = self._clients.dynamodb(tenant_id).get_item(
            TableName=self._table, Key=self._key(tenant_id), ConsistentRead=True
        )
        if "Item" not in response:
            raise NotFound(f"No tenant with id {tenant_id}.")
        return _to_tenant(TenantItem.from_raw_data(response["Item"]))

    def set_status(self, tenant_id: str, status: TenantStatus, actor: str, reason: str | None = None) -> Tenant:
        names = {
            "#status": "status",
            "#version": "version",
            "#updated_at": "updated_at",
            "#updated_by": "updated_by",
        }
        values = {
            ":status": {"S": status.value},
            ":provisioning": {"S": TenantStatus.PROVISIONING.value},
            ":one": {"N": "1"},
            ":now": {"S": now_iso()},
            ":actor": {"S": actor},
        }
        expression = "SET #status = :status, #version = #version + :one, #updated_at = :now, #updated_by = :actor"
        if reason:
            names["#reason"] = "failure_reason"
            values[":reason"] = {"S": reason[:200]}
            expression += ", #reason = :reason"
        try:
            response = self._clients.dynamodb(tenant_id).update_item(
                TableName=self._table,
                Key=self._key(tenant_id),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK) AND #status = :provisioning",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            current = error.response.get("Item")
            if not current:
                raise NotFound(f"No tenant with id {tenant_id}.") from error
            if current["status"]["S"] == status.value:
                return _to_tenant(TenantItem.from_raw_data(current))  # a retried step
            raise Conflict(f"Tenant {tenant_id} is {current['status']['S']}, not provisioning.") from error
        return _to_tenant(TenantItem.from_raw_data(response["Attributes"]))

    def set_usage_key(self, tenant_id: str, key_id: str, key_value: str, actor: str) -> None:
        try:
            self._clients.dynamodb(tenant_id).update_item(
                TableName=self._table,
                Key=self._key(tenant_id),
                UpdateExpression=(
                    "SET usage_key_id = :id, usage_key_value = :value, #version = #version + :one,"
                    " updated_at = :now, updated_by = :actor"
                ),
                # A retried step finds its own key already recorded and changes nothing.
                ConditionExpression=(
                    "attribute_exists(PK) AND (attribute_not_exists(usage_key_id) OR usage_key_id <> :id)"
                ),
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues={
                    ":id": {"S": key_id},
                    ":value": {"S": key_value},
                    ":one": {"N": "1"},
                    ":now": {"S": now_iso()},
                    ":actor": {"S": actor},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            if not error.response.get("Item"):
                raise NotFound(f"No tenant with id {tenant_id}.") from error

    def usage_key_value(self, tenant_id: str) -> str | None:
        response = self._clients.dynamodb(tenant_id).get_item(
            TableName=self._table, Key=self._key(tenant_id), ProjectionExpression="usage_key_value"
        )
        return response.get("Item", {}).get("usage_key_value", {}).get("S")

    def _key(self, tenant_id: str) -> dict:
        return {table_spec.PK: {"S": keys.tenant_pk(tenant_id)}, table_spec.SK: {"S": keys.META}}


def _to_tenant(item: TenantItem) -> Tenant:
    return Tenant.model_validate(item.attribute_values)
