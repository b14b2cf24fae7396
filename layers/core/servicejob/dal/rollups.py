"""Report rollups in DynamoDB: `{t}#rollup#{name}` / `{month}` counter items, and per record
`{t}#rollup-state#{type}#{id}` / STATE holding what that record adds (see domain/rollups.py).

A change is one TransactWriteItems: the state item put on the condition that it is still the version
read, plus one `ADD` update per rollup item whose counters move. A report reads one BatchGetItem of the
calendar buckets covering its range, or one Query of its months.
"""

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from servicejob.dal import keys, table_spec
from servicejob.dal.tenant_access import TenantClients
from servicejob.domain.rollups import (
    Contribution,
    Counters,
    RollupState,
    contribution_from_json,
    contribution_to_json,
)
from servicejob.tenancy.context import TenantContext

ROLLUP_TYPE = "rollup"
ROLLUP_STATE_TYPE = "rollup-state"


def _counters(item: dict[str, Any]) -> Counters:
    return {name: Decimal(value["N"]) for name, value in item.items() if "N" in value}


def _number(value: Decimal) -> dict[str, str]:
    return {"N": format(value, "f")}


def rollup_update(table: str, tenant_id: str, partition: str, month: str, counters: Counters) -> dict[str, Any]:
    """One rollup item's `ADD` of its counter deltas (creating the item on first use)."""
    names = {"#type": "type"} | {f"#c{index}": name for index, name in enumerate(counters)}
    values: dict[str, Any] = {":type": {"S": ROLLUP_TYPE}} | {
        f":c{index}": _number(value) for index, value in enumerate(counters.values())
    }
    additions = ", ".join(f"#c{index} :c{index}" for index in range(len(counters)))
    return {
        "TableName": table,
        "Key": {table_spec.PK: {"S": keys.rollup_pk(tenant_id, partition)}, table_spec.SK: {"S": month}},
        "UpdateExpression": f"SET #type = :type ADD {additions}",
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }


class DynamoRollupRepository:
    def __init__(self, clients: TenantClients, table_name: str):
        self._clients = clients
        self._table = table_name

    # ---- kept by the events function ------------------------------------------------------------
    def state(self, tenant_id: str, entity_type: str, entity_id: str) -> RollupState | None:
        response = self._clients.dynamodb(tenant_id).get_item(
            TableName=self._table, Key=self._state_key(tenant_id, entity_type, entity_id), ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return None
        return RollupState(int(item["version"]["N"]), contribution_from_json(json.loads(item["contribution"]["S"])))

    def replace(
        self,
        tenant_id: str,
        entity_type: str,
        entity_id: str,
        previous: RollupState | None,
        new: RollupState,
        delta: Contribution,
    ) -> bool:
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": self._state_key(tenant_id, entity_type, entity_id)
            | {
                "type": {"S": ROLLUP_STATE_TYPE},
                "version": {"N": str(new.version)},
                "contribution": {"S": json.dumps(contribution_to_json(new.contribution), ensure_ascii=False)},
            },
        }
        if previous is None:
            put["ConditionExpression"] = f"attribute_not_exists({table_spec.PK})"
        else:
            put["ConditionExpression"] = "#version = :previous"
            put["ExpressionAttributeNames"] = {"#version": "version"}
            put["ExpressionAttributeValues"] = {":previous": {"N": str(previous.version)}}
        client = self._clients.dynamodb(tenant_id)
        try:
            if not delta:
                client.put_item(**put)
                return True
            updates = [
                {"Update": rollup_update(self._table, tenant_id, partition, month, counters)}
                for (partition, month), counters in sorted(delta.items())
            ]
            client.transact_write_items(TransactItems=[{"Put": put}, *updates])
            return True
        except ClientError as error:
            code = error.response["Error"]["Code"]
            reasons = error.response.get("CancellationReasons") or []
            state_changed = code == "ConditionalCheckFailedException" or (
                code == "TransactionCanceledException"
                and reasons
                and reasons[0].get("Code") == "ConditionalCheckFailed"
            )
            if state_changed:
                return False
            raise

    # ---- read by the reports --------------------------------------------------------------------
    def months(self, ctx: TenantContext, partition: str, first: str, last: str) -> list[tuple[str, Counters]]:
        """The rollup items of one partition from month `first` to `last` (inclusive), oldest first."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :first AND :last",
            "ExpressionAttributeNames": {"#pk": table_spec.PK, "#sk": table_spec.SK},
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.rollup_pk(ctx.tenant_id, partition)},
                ":first": {"S": first},
                ":last": {"S": last},
            },
        }
        client = self._clients.dynamodb(ctx.tenant_id)
        months: list[tuple[str, Counters]] = []
        while True:  # one page unless the range's items pass 1 MB
            response = client.query(**request)
            months.extend((item[table_spec.SK]["S"], _counters(item)) for item in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return months
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def buckets(self, ctx: TenantContext, partition: str, buckets: Iterable[str]) -> dict[str, Counters]:
        """The named calendar buckets (months, quarters, years) of one partition that exist."""
        pk = keys.rollup_pk(ctx.tenant_id, partition)
        wanted = [{table_spec.PK: {"S": pk}, table_spec.SK: {"S": bucket}} for bucket in sorted(set(buckets))]
        client = self._clients.dynamodb(ctx.tenant_id)
        found: dict[str, Counters] = {}
        for start in range(0, len(wanted), 100):  # a range of 60 months is at most 15 buckets: one call
            request: dict[str, Any] = {self._table: {"Keys": wanted[start : start + 100]}}
            while request:
                response = client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._table, []):
                    found[item[table_spec.SK]["S"]] = _counters(item)
                request = response.get("UnprocessedKeys") or {}
        return found

    def _state_key(self, tenant_id: str, entity_type: str, entity_id: str) -> dict[str, Any]:
        return {
            table_spec.PK: {"S": keys.rollup_state_pk(tenant_id, entity_type, entity_id)},
            table_spec.SK: {"S": keys.ROLLUP_STATE},
        }
