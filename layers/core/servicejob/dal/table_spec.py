"""The single table's key schema and indexes: the one definition used by the DAL, the CDK data stack,
the local runtime and the tests."""

from dataclasses import dataclass

PK = "PK"
SK = "SK"
TTL_ATTRIBUTE = "expiration"


@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: str
    sort_key: str


GSI1 = IndexSpec("GSI1", "GSI1PK", "GSI1SK")  # lists of one type per tenant, in id (creation) order
GSI2 = IndexSpec("GSI2", "GSI2PK", "GSI2SK")  # secondary orderings: name search, due dates, lookups
GSI3 = IndexSpec("GSI3", "GSI3PK", "GSI3SK")  # children of a parent (contacts of an account), in id order

GSI4 = IndexSpec("GSI4", "GSI4PK", "GSI4SK")  # owned records of one type per audience (a team), in id order

GLOBAL_INDEXES: tuple[IndexSpec, ...] = (GSI1, GSI2, GSI3, GSI4)


def create_table_request(table_name: str) -> dict:
    """The CreateTable request the local runtime and tests send (CDK declares the same shape)."""
    key_attributes = [PK, SK] + [name for index in GLOBAL_INDEXES for name in (index.partition_key, index.sort_key)]
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in key_attributes],
        "KeySchema": [
            {"AttributeName": PK, "KeyType": "HASH"},
            {"AttributeName": SK, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in GLOBAL_INDEXES
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }
