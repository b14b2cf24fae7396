"""Fixed-window counters per subject (signups per source address per hour): one atomic UpdateItem each.

Control-plane data, not a tenant's: the key starts with `ratelimit#`, so it uses the function's own
client, never a tenant-scoped one. Each window's item expires through the table's TTL.
"""

import time

from servicejob.dal import keys, table_spec

WINDOW_SECONDS = 3600
# Kept a while after the window so that DynamoDB's lazy TTL deletion never revives a count.
_RETENTION_SECONDS = 2 * WINDOW_SECONDS


class DynamoRateLimiter:
    def __init__(self, dynamodb_client, table_name: str, clock=time.time):
        self._dynamodb = dynamodb_client
        self._table = table_name
        self._clock = clock

    def hit(self, scope: str, subject: str, limit: int) -> int | None:
        now = int(self._clock())
        window_start = now - now % WINDOW_SECONDS
        response = self._dynamodb.update_item(
            TableName=self._table,
            Key={
                table_spec.PK: {"S": keys.rate_limit_pk(scope, f"{subject}#{window_start}")},
                table_spec.SK: {"S": keys.META},
            },
            UpdateExpression="ADD #count :one SET #expiration = if_not_exists(#expiration, :expiration)",
            ExpressionAttributeNames={"#count": "count", "#expiration": table_spec.TTL_ATTRIBUTE},
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":expiration": {"N": str(window_start + _RETENTION_SECONDS)},
            },
            ReturnValues="UPDATED_NEW",
        )
        if int(response["Attributes"]["count"]["N"]) > limit:
            return window_start + WINDOW_SECONDS - now
        return None
