"""TransactWriteItems for the local runtime's moto: check every condition first, then write.

moto deep-copies the whole table once per item of a transaction, to roll back if one fails; with every
account create and every report rollup a transaction, a local table of a few thousand items made each
one take seconds. The items of a transaction are distinct (moto refuses a repeated key), so no write of
the transaction can change another's condition: checking all conditions before writing anything gives
DynamoDB's all-or-nothing outcome without a copy. Requests are already handled one at a time
(runtime._serialize_dynamodb_requests), so nothing changes between the check and the writes.
"""

from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend

_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _failed_condition(backend: DynamoDBBackend, op: dict[str, Any], key: dict[str, Any]) -> tuple | None:
    """(code, message, old item) when the operation's condition does not hold, else None."""
    condition = op.get("ConditionExpression")
    if condition is None:
        return None
    current = backend.get_item(op["TableName"], key)
    holds = get_filter_expression(
        condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    ).expr(current)
    if holds:
        return None
    wants_old = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    old = current.to_json()["Attributes"] if current and wants_old else None
    return ("ConditionalCheckFailed", "The conditional request failed", old)


def _write(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    expressions = {
        "expression_attribute_names": op.get("ExpressionAttributeNames"),
        "expression_attribute_values": op.get("ExpressionAttributeValues"),
    }
    if op_type == "Put":
        backend.put_item(op["TableName"], op["Item"], **expressions)
    elif op_type == "Delete":
        backend.delete_item(op["TableName"], key, **expressions)
    elif op_type == "Update":
        backend.update_item(op["TableName"], key, update_expression=op["UpdateExpression"], **expressions)


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    operations, seen = [], set()
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException()
        op_type, op = next(iter(item.items()))
        if op_type not in _OPERATIONS:
            raise ValueError("Unsupported transaction operation")
        key = _key_of(self, op_type, op)
        identity = (op["TableName"], str(sorted(key.items())))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        operations.append((op_type, op, key))
    failures = [_failed_condition(self, op, key) for _, op, key in operations]
    if any(failures):
        raise TransactionCanceledException([failure or (None, None, None) for failure in failures])
    for op_type, op, key in operations:
        _write(self, op_type, op, key)


def install() -> None:
    DynamoDBBackend.transact_write_items = transact_write_items
