"""The local runtime's TransactWriteItems: all conditions checked before any write, no table copy."""

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from local import moto_transactions


@pytest.fixture
def table():
    original = DynamoDBBackend.transact_write_items
    moto_transactions.install()
    try:
        with mock_aws():
            client = boto3.client("dynamodb", region_name="ap-east-1")
            client.create_table(
                TableName="t",
                KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                AttributeDefinitions=[
                    {"AttributeName": "PK", "AttributeType": "S"},
                    {"AttributeName": "SK", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            yield client
    finally:
        DynamoDBBackend.transact_write_items = original


def _put(pk: str, condition: str | None = None) -> dict:
    put = {"TableName": "t", "Item": {"PK": {"S": pk}, "SK": {"S": "META"}, "n": {"N": "1"}}}
    if condition:
        put["ConditionExpression"] = condition
    return {"Put": put}


def test_a_failed_condition_anywhere_writes_nothing(table):
    # Given an item that exists
    table.put_item(TableName="t", Item={"PK": {"S": "b"}, "SK": {"S": "META"}, "n": {"N": "7"}})
    # When a transaction puts a new item first and then one whose condition fails
    with pytest.raises(ClientError) as refused:
        table.transact_write_items(
            TransactItems=[_put("a", "attribute_not_exists(PK)"), _put("b", "attribute_not_exists(PK)")]
        )
    # Then it is cancelled naming the second item, and neither item changed
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert "[None, ConditionalCheckFailed]" in refused.value.response["Error"]["Message"]
    assert "Item" not in table.get_item(TableName="t", Key={"PK": {"S": "a"}, "SK": {"S": "META"}})
    kept = table.get_item(TableName="t", Key={"PK": {"S": "b"}, "SK": {"S": "META"}})["Item"]
    assert kept["n"] == {"N": "7"}


def test_all_writes_apply_when_every_condition_holds(table):
    # When a transaction puts one item and updates another that exists
    table.put_item(TableName="t", Item={"PK": {"S": "b"}, "SK": {"S": "META"}, "n": {"N": "7"}})
    table.transact_write_items(
        TransactItems=[
            _put("a", "attribute_not_exists(PK)"),
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"PK": {"S": "b"}, "SK": {"S": "META"}},
                    "UpdateExpression": "SET n = n + :one",
                    "ConditionExpression": "n = :seven",
                    "ExpressionAttributeValues": {":one": {"N": "1"}, ":seven": {"N": "7"}},
                }
            },
        ]
    )
    # Then both took effect
    assert "Item" in table.get_item(TableName="t", Key={"PK": {"S": "a"}, "SK": {"S": "META"}})
    updated = table.get_item(TableName="t", Key={"PK": {"S": "b"}, "SK": {"S": "META"}})["Item"]
    assert updated["n"] == {"N": "8"}


def test_the_same_item_twice_is_refused(table):
    with pytest.raises(ClientError) as refused:
        table.transact_write_items(TransactItems=[_put("a"), _put("a")])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
